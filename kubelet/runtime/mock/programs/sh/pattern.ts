// Shell patterns (XCU 2.13): `*`, `?`, `[…]` (with `!`/`^` negation and ranges); a backslash makes
// the next character literal, which is how quoted parts of a word reach the matcher.

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

export function escapeRegex(s: string): string {
  return s.replace(REGEX_SPECIAL, '\\$&');
}

/** Escapes pattern characters so a quoted string matches only itself. */
export function quotePattern(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

/** Whether the pattern has an unescaped wildcard. */
export function hasWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** The regular expression source matching the whole of what `pattern` matches. */
export function patternSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += escapeRegex(pattern[++i] ?? '\\');
    } else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '[') {
      const end = bracketEnd(pattern, i);
      if (end < 0) out += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        let negate = false;
        if (body.startsWith('!') || body.startsWith('^')) {
          negate = true;
          body = body.slice(1);
        }
        out += `[${negate ? '^' : ''}${body.replace(/\\(.)/g, '$1').replace(/[\\\]^]/g, '\\$&')}]`;
        i = end;
      }
    } else out += escapeRegex(c);
  }
  return out;
}

function bracketEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return -1;
}

export function patternRegExp(pattern: string): RegExp {
  return new RegExp(`^${patternSource(pattern)}$`);
}

export function matchPattern(pattern: string, text: string): boolean {
  return patternRegExp(pattern).test(text);
}

/** `${x#p}` `${x##p}` `${x%p}` `${x%%p}`: remove the shortest/longest matching prefix or suffix. */
export function removeAffix(value: string, pattern: string, op: '#' | '##' | '%' | '%%'): string {
  const re = patternRegExp(pattern);
  const n = value.length;
  if (op === '#' || op === '##') {
    const order = op === '#' ? range(0, n) : range(n, 0);
    for (const len of order) if (re.test(value.slice(0, len))) return value.slice(len);
  } else {
    const order = op === '%' ? range(n, 0) : range(0, n);
    for (const start of order) if (re.test(value.slice(start))) return value.slice(0, start);
  }
  return value;
}

/** Integers from a to b inclusive, either direction. */
function range(a: number, b: number): number[] {
  const out: number[] = [];
  if (a <= b) for (let i = a; i <= b; i++) out.push(i);
  else for (let i = a; i >= b; i--) out.push(i);
  return out;
}
