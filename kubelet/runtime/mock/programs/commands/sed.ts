// sed [-n] [-E|-r] [-i] [-e SCRIPT]… [SCRIPT] [FILE…]: only substitution commands,
// `s/RE/REPLACEMENT/[gpiN]` (any delimiter, `&` and \1…\9, several separated by `;` or newlines).
import { writeFile } from 'node:fs/promises';
import type { Program } from '../../process.js';
import { errorText, hostPathForWrite, readContainerFile } from '../files.js';
import { eachLine, fail, getopt, splitLines } from './common.js';
import { posixRegex } from './regex.js';

interface Substitution {
  re: RegExp;
  replacement: string;
  global: boolean;
  occurrence: number;
  print: boolean;
}

/** Reads up to the next unescaped delimiter; returns the text (delimiter escapes removed) and the index after. */
function field(script: string, i: number, delim: string): [string, number] | null {
  let out = '';
  for (; i < script.length; i++) {
    const c = script[i]!;
    if (c === '\\' && script[i + 1] === delim) {
      out += delim;
      i++;
    } else if (c === '\\' && i + 1 < script.length) {
      out += c + script[++i];
    } else if (c === delim) return [out, i + 1];
    else out += c;
  }
  return null;
}

export function parseSed(script: string, extended: boolean): Substitution[] | string {
  const subs: Substitution[] = [];
  let i = 0;
  while (i < script.length) {
    while (i < script.length && /[\s;]/.test(script[i]!)) i++;
    if (i >= script.length) break;
    if (script[i] !== 's') return `unsupported command ${script[i]}`;
    const delim = script[i + 1];
    if (delim === undefined || delim === '\\' || delim === '\n') return 'unterminated `s\' command';
    const re = field(script, i + 2, delim);
    const rep = re && field(script, re[1], delim);
    if (!re || !rep) return "unterminated `s' command";
    i = rep[1];
    const flags = /^[gpiI0-9]*/.exec(script.slice(i))![0];
    i += flags.length;
    let compiled: RegExp;
    try {
      compiled = posixRegex(re[0], extended, `g${/[iI]/.test(flags) ? 'i' : ''}`);
    } catch {
      return `bad regex '${re[0]}'`;
    }
    subs.push({ re: compiled, replacement: rep[0], global: flags.includes('g'), occurrence: Number(/\d+/.exec(flags)?.[0] ?? '1'), print: flags.includes('p') });
  }
  return subs;
}

function expandReplacement(replacement: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '&') out += match[0];
    else if (c === '\\' && i + 1 < replacement.length) {
      const n = replacement[++i]!;
      out += /\d/.test(n) ? (match[Number(n)] ?? '') : n === 'n' ? '\n' : n === 't' ? '\t' : n;
    } else out += c;
  }
  return out;
}

/** Applies the substitutions to one line; `printed` lists the extra lines `p` asked for. */
export function substitute(line: string, subs: Substitution[]): { line: string; printed: string[] } {
  const printed: string[] = [];
  for (const s of subs) {
    let count = 0;
    let changed = false;
    let out = '';
    let last = 0;
    s.re.lastIndex = 0;
    for (let m = s.re.exec(line); m; m = s.re.exec(line)) {
      count++;
      if (m[0] === '') s.re.lastIndex++;
      if (count < s.occurrence) continue;
      out += line.slice(last, m.index) + expandReplacement(s.replacement, m);
      last = m.index + m[0].length;
      changed = true;
      if (!s.global) break;
    }
    if (changed) {
      line = out + line.slice(last);
      if (s.print) printed.push(line);
    }
  }
  return { line, printed };
}

export const sed: Program = async (ctx) => {
  const scripts: string[] = [];
  const argv = ctx.argv.slice(1);
  for (let i = 0; i < argv.length; i++) if (argv[i] === '-e' && argv[i + 1] !== undefined) scripts.push(argv[i + 1]!);
  const opts = getopt(ctx, 'nErie:');
  if (typeof opts === 'string') return fail(ctx, opts);
  const operands = [...opts.operands];
  if (scripts.length === 0) {
    const s = operands.shift();
    if (s === undefined) return fail(ctx, 'no script specified');
    scripts.push(s);
  }
  const subs = parseSed(scripts.join('\n'), opts.flags.has('E') || opts.flags.has('r'));
  if (typeof subs === 'string') return fail(ctx, `-e expression #1: ${subs}`);
  const quiet = opts.flags.has('n');
  const render = (line: string) => {
    const r = substitute(line, subs);
    return (quiet ? '' : `${r.line}\n`) + r.printed.map((p) => `${p}\n`).join('');
  };
  if (opts.flags.has('i')) {
    let status = 0;
    for (const f of operands) {
      try {
        const text = (await readContainerFile(ctx, f)).toString();
        await writeFile(hostPathForWrite(ctx, f), splitLines(text).map(render).join(''));
      } catch (err) {
        status = fail(ctx, `${f}: ${errorText(err)}`);
      }
    }
    return status;
  }
  return eachLine(ctx, operands, (line) => {
    ctx.stdout.write(render(line));
  });
};
