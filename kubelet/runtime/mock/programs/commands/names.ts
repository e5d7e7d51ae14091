// basename NAME [SUFFIX], dirname NAME, seq, yes: small text producers.
import { posix } from 'node:path';
import type { Program } from '../../process.js';
import { writable } from '../io.js';
import { fail } from './common.js';

export const basename: Program = async (ctx) => {
  const [name, suffix] = ctx.argv.slice(1);
  if (name === undefined) return fail(ctx, 'usage: basename FILE [SUFFIX]');
  let base = name.replace(/\/+$/, '') === '' && name !== '' ? '/' : posix.basename(name);
  if (suffix && base !== suffix && base.endsWith(suffix)) base = base.slice(0, -suffix.length);
  ctx.stdout.write(`${base}\n`);
  return 0;
};

export const dirname: Program = async (ctx) => {
  const name = ctx.argv[1];
  if (name === undefined) return fail(ctx, 'usage: dirname FILENAME');
  ctx.stdout.write(`${posix.dirname(name.replace(/(.)\/+$/, '$1'))}\n`);
  return 0;
};

export const seq: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  let separator = '\n';
  let equalWidth = false;
  while (args[0] && /^-[sw]/.test(args[0]) && !/^-\d/.test(args[0])) {
    const a = args.shift()!;
    if (a === '-w') equalWidth = true;
    else separator = a.length > 2 ? a.slice(2) : (args.shift() ?? '\n');
  }
  const nums = args.map(Number);
  if (nums.length === 0 || nums.length > 3 || nums.some((n) => Number.isNaN(n))) return fail(ctx, args.length ? `invalid number '${args.find((a) => Number.isNaN(Number(a)))}'` : 'usage: seq [-w] [-s SEP] [FIRST [INC]] LAST');
  const [first, inc, last] = nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  if (inc === 0) return fail(ctx, "invalid increment '0'");
  const decimals = Math.max(...args.map((a) => (a.includes('.') ? a.split('.')[1]!.length : 0)));
  const width = equalWidth ? Math.max(first.toFixed(decimals).length, last.toFixed(decimals).length) : 0;
  const out: string[] = [];
  for (let i = 0, v = first; inc > 0 ? v <= last + 1e-9 : v >= last - 1e-9; i++, v = first + i * inc) {
    out.push(v.toFixed(decimals).padStart(width, '0'));
    if (out.length >= 1024) {
      ctx.stdout.write(out.join(separator) + separator);
      out.length = 0;
      await writable(ctx.stdout);
      if (ctx.killed.aborted) return 1;
    }
  }
  if (out.length) ctx.stdout.write(out.join(separator) + '\n');
  return 0;
};

/** yes [STRING]: the line until the reader goes away (SIGPIPE) or the process is killed. */
export const yes: Program = async (ctx) => {
  const line = `${ctx.argv.length > 1 ? ctx.argv.slice(1).join(' ') : 'y'}\n`;
  const chunk = line.repeat(Math.max(1, Math.floor(4096 / line.length)));
  while (!ctx.killed.aborted) {
    ctx.stdout.write(chunk);
    await writable(ctx.stdout);
  }
  return 1;
};
