// POSIX regular expressions as JavaScript RegExps: basic (BRE: `\(` `\)` `\{` `\}` `\|` `\+` `\?`
// are the operators, bare ones literal) and extended (ERE), with the bracket classes
// [:alpha:] [:digit:] [:space:] [:upper:] [:lower:] [:alnum:] [:punct:].

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
};

/** Copies a bracket expression starting at `i` (the `[`); returns it in JS syntax and the index after. */
function bracket(src: string, i: number): [string, number] {
  let out = '[';
  let j = i + 1;
  if (src[j] === '^') {
    out += '^';
    j++;
  }
  if (src[j] === ']') {
    out += '\\]';
    j++;
  }
  for (; j < src.length && src[j] !== ']'; j++) {
    const cls = /^\[:([a-z]+):\]/.exec(src.slice(j));
    if (cls && CLASSES[cls[1]!]) {
      out += CLASSES[cls[1]!];
      j += cls[0].length - 1;
    } else out += src[j] === '\\' || src[j] === '[' ? `\\${src[j]}` : src[j];
  }
  return [out + ']', j + 1];
}

export function posixRegex(src: string, extended: boolean, flags = ''): RegExp {
  let out = '';
  for (let i = 0; i < src.length; ) {
    const c = src[i]!;
    if (c === '[') {
      const [b, next] = bracket(src, i);
      out += b;
      i = next;
      continue;
    }
    if (c === '\\' && i + 1 < src.length) {
      const n = src[i + 1]!;
      if (!extended && '(){}|+?'.includes(n)) out += n;
      else if (/\d/.test(n) || 'wWsSbB'.includes(n)) out += `\\${n}`;
      else if (n === '<' || n === '>') out += '\\b';
      else out += `\\${n}`;
      i += 2;
      continue;
    }
    if (!extended && '(){}|+?'.includes(c)) out += `\\${c}`;
    else if (c === '*' && (out === '' || out.endsWith('(') || out === '^')) out += '\\*';
    else out += c === '/' ? '\\/' : c;
    i++;
  }
  return new RegExp(out, flags);
}
