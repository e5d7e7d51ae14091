// tr [-d] [-s] [-c] SET1 [SET2]: ranges (a-z), classes ([:upper:] …) and escapes (\n \t \\ \NNN).
import type { Program } from '../../process.js';
import { eachInput, fail, options } from './common.js';

const CLASS: Record<string, string> = {
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  digit: '0123456789',
  space: ' \t\n\r\f\v',
  blank: ' \t',
};
CLASS.alpha = CLASS.upper! + CLASS.lower!;
CLASS.alnum = CLASS.alpha + CLASS.digit!;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', f: '\f', v: '\v', a: '\x07', b: '\b' };

/** A tr set as the list of characters it stands for. */
export function expandSet(set: string): string[] {
  const chars: string[] = [];
  for (let i = 0; i < set.length; i++) {
    const cls = /^\[:([a-z]+):\]/.exec(set.slice(i));
    if (cls && CLASS[cls[1]!]) {
      chars.push(...CLASS[cls[1]!]!);
      i += cls[0].length - 1;
      continue;
    }
    let c = set[i]!;
    if (c === '\\' && i + 1 < set.length) {
      const oct = /^[0-7]{1,3}/.exec(set.slice(i + 1));
      if (oct) {
        c = String.fromCharCode(parseInt(oct[0], 8));
        i += oct[0].length;
      } else c = ESCAPES[set[++i]!] ?? set[i]!;
    }
    if (set[i + 1] === '-' && i + 2 < set.length) {
      const end = set[i + 2]!;
      for (let code = c.charCodeAt(0); code <= end.charCodeAt(0); code++) chars.push(String.fromCharCode(code));
      i += 2;
    } else chars.push(c);
  }
  return chars;
}

export const tr: Program = async (ctx) => {
  const opts = options(ctx, 'dscC');
  if (!opts) return 1;
  const [s1, s2] = opts.operands;
  if (s1 === undefined || (s2 === undefined && !opts.flags.has('d') && !opts.flags.has('s'))) return fail(ctx, 'usage: tr [-cds] STRING1 [STRING2]');
  const from = new Set(expandSet(s1));
  const complement = opts.flags.has('c') || opts.flags.has('C');
  const inSet1 = (c: string) => from.has(c) !== complement;
  const to = s2 !== undefined ? expandSet(s2) : [];
  const fromList = expandSet(s1);
  const map = new Map<string, string>();
  if (!opts.flags.has('d') && to.length) fromList.forEach((c, i) => map.set(c, to[Math.min(i, to.length - 1)]!));
  const squeeze = new Set(opts.flags.has('d') ? to : to.length ? to : fromList);
  let last = '';
  // tr reads only its standard input.
  return eachInput(ctx, [], (data) => {
    let out = '';
    for (const c of data.toString()) {
      if (opts.flags.has('d') && inSet1(c)) continue;
      const t = complement && inSet1(c) && to.length ? to[to.length - 1]! : (map.get(c) ?? c);
      if (opts.flags.has('s') && t === last && squeeze.has(t)) continue;
      out += t;
      last = t;
    }
    ctx.stdout.write(out);
  });
};
