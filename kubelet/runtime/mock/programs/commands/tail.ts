// tail [-n N|-n +N|-N] [-c N] [-f] [FILE…]: the last lines; -f keeps printing what is appended
// to the file (checked once a second on the container's clock, as busybox polls) until killed.
import { open, stat } from 'node:fs/promises';
import type { Program, ProcessContext } from '../../process.js';
import { errorText, hostPath } from '../files.js';
import { readAll } from '../io.js';
import { fail, options } from './common.js';
import { readContainerFile } from '../files.js';

const FOLLOW_INTERVAL_MS = 1000;

function lastLines(text: string, spec: string): string {
  if (spec.startsWith('+')) {
    const from = Math.max(1, Number(spec.slice(1)));
    const lines = text.split(/(?<=\n)/);
    return lines.slice(from - 1).join('');
  }
  const n = Number(spec);
  if (n === 0) return '';
  const lines = text.split(/(?<=\n)/);
  return lines.slice(-n).join('');
}

async function follow(ctx: ProcessContext, path: string, offset: number): Promise<never> {
  const host = hostPath(ctx, path);
  for (;;) {
    await ctx.clock.sleep(FOLLOW_INTERVAL_MS, ctx.killed);
    let size: number;
    try {
      size = (await stat(host)).size;
    } catch {
      continue;
    }
    if (size < offset) {
      ctx.stderr.write(`tail: ${path}: file truncated\n`);
      offset = 0;
    }
    if (size === offset) continue;
    const fh = await open(host, 'r');
    try {
      const buf = Buffer.alloc(size - offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      offset += bytesRead;
      ctx.stdout.write(buf.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  }
}

export const tail: Program = async (ctx) => {
  const opts = options(ctx, 'n:c:fFqs:v', { numericShorthand: 'n' });
  if (!opts) return 1;
  const spec = opts.flags.get('n') ?? '10';
  if (!/^\+?\d+$/.test(spec)) return fail(ctx, `invalid number '${spec}'`);
  const bytes = opts.flags.has('c') ? Number(opts.flags.get('c')) : undefined;
  const files = opts.operands.length ? opts.operands : ['-'];
  let status = 0;
  let followed: { path: string; size: number } | undefined;
  for (const [i, f] of files.entries()) {
    let data: Buffer;
    try {
      data = f === '-' ? await readAll(ctx.stdin, ctx.killed) : await readContainerFile(ctx, f);
    } catch (err) {
      status = fail(ctx, `can't open '${f}': ${errorText(err)}`);
      continue;
    }
    if (files.length > 1) ctx.stdout.write(`${i > 0 ? '\n' : ''}==> ${f === '-' ? 'standard input' : f} <==\n`);
    ctx.stdout.write(bytes !== undefined ? data.subarray(Math.max(0, data.length - bytes)) : lastLines(data.toString(), spec));
    if (f !== '-') followed = { path: f, size: data.length };
  }
  if ((opts.flags.has('f') || opts.flags.has('F')) && followed) await follow(ctx, followed.path, followed.size);
  return status;
};
