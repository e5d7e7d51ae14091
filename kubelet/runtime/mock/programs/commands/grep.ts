// grep [-viqcEFnlwxhHo] [-e PATTERN]… PATTERN [FILE…]: lines matching a POSIX regex; 0 when
// something matched, 1 when nothing did, 2 on errors.
import type { Program } from '../../process.js';
import { escapeRegex } from '../sh/pattern.js';
import { eachLine, fail, getopt } from './common.js';
import { posixRegex } from './regex.js';

export const grep: Program = async (ctx) => {
  const patterns: string[] = [];
  // -e may repeat: collect them before getopt keeps only the last.
  const argv = ctx.argv.slice(1);
  for (let i = 0; i < argv.length; i++) if (argv[i] === '-e' && argv[i + 1] !== undefined) patterns.push(argv[i + 1]!);
  const opts = getopt(ctx, 'viqcEFnlwxhHoe:rs');
  if (typeof opts === 'string') return fail(ctx, opts, 2);
  const f = opts.flags;
  const operands = [...opts.operands];
  if (patterns.length === 0) {
    const p = operands.shift();
    if (p === undefined) return fail(ctx, 'usage: grep [-viqcEFnlwxhHo] PATTERN [FILE]...', 2);
    patterns.push(...p.split('\n'));
  }
  const flags = f.has('i') ? 'i' : '';
  let regexes: RegExp[];
  try {
    regexes = patterns.map((p) => {
      let src = f.has('F') ? escapeRegex(p) : posixRegex(p, f.has('E') || ctx.argv[0]?.endsWith('egrep') === true).source;
      if (f.has('w')) src = `(?<![A-Za-z0-9_])(?:${src})(?![A-Za-z0-9_])`;
      if (f.has('x')) src = `^(?:${src})$`;
      return new RegExp(src, flags + (f.has('o') ? 'g' : ''));
    });
  } catch {
    return fail(ctx, `bad regex '${patterns.join('\n')}'`, 2);
  }
  const invert = f.has('v');
  const quiet = f.has('q');
  const showNames = (operands.length > 1 || f.has('H')) && !f.has('h');
  const counts = new Map<string, number>();
  let matched = false;
  let lineNumbers = new Map<string, number>();
  const status = await eachLine(ctx, operands, (line, name) => {
    const n = (lineNumbers.get(name) ?? 0) + 1;
    lineNumbers.set(name, n);
    const hit = regexes.some((r) => {
      r.lastIndex = 0;
      return r.test(line);
    });
    if (hit === invert) return true;
    matched = true;
    if (quiet) return false;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (f.has('c') || f.has('l')) return true;
    const prefix = `${showNames ? `${name === '-' ? '(standard input)' : name}:` : ''}${f.has('n') ? `${n}:` : ''}`;
    if (f.has('o') && !invert) {
      for (const r of regexes) for (const m of line.matchAll(r)) if (m[0]) ctx.stdout.write(`${prefix}${m[0]}\n`);
    } else ctx.stdout.write(`${prefix}${line}\n`);
    return true;
  });
  lineNumbers = new Map();
  if (!quiet && f.has('l')) for (const name of counts.keys()) ctx.stdout.write(`${name === '-' ? '(standard input)' : name}\n`);
  if (!quiet && f.has('c') && !f.has('l')) {
    for (const name of operands.length ? operands : ['-']) ctx.stdout.write(`${showNames ? `${name}:` : ''}${counts.get(name) ?? 0}\n`);
  }
  if (status !== 0 && !(quiet && matched)) return 2;
  return matched ? 0 : 1;
};
