// `$(VAR)` expansion in env values, command and args, with the rules of Kubernetes' forked
// third_party/forked/golang/expansion: `$$` is a literal `$`, an unknown or unterminated reference
// is kept as written, and a `$` before anything else is copied through.

/** Looks a name up in each map in turn; undefined when none has it. */
export type Lookup = (name: string) => string | undefined;

export function lookupIn(...maps: ReadonlyMap<string, string>[]): Lookup {
  return (name) => {
    for (const m of maps) {
      const v = m.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

export function expand(input: string, lookup: Lookup): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      i++;
      continue;
    }
    const next = input[i + 1]!;
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        // Unterminated: keep "$(" and go on reading after it.
        out += '$(';
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        out += lookup(name) ?? `$(${name})`;
        i = close + 1;
      }
    } else {
      out += '$' + next;
      i += 2;
    }
  }
  return out;
}
