// head [-n N|-N] [-c N] [FILE…]: the first lines (or bytes); stops reading stdin when done, so
// the writer of a pipe gets SIGPIPE as on Linux.
import type { Program } from '../../process.js';
import { eachInput, eachLine, fail, options } from './common.js';

export const head: Program = async (ctx) => {
  const opts = options(ctx, 'n:c:qv', { numericShorthand: 'n' });
  if (!opts) return 1;
  const files = opts.operands;
  const headers = files.length > 1 && !opts.flags.has('q');
  if (opts.flags.has('c')) {
    const limit = Number(opts.flags.get('c'));
    if (!Number.isInteger(limit) || limit < 0) return fail(ctx, `invalid number '${opts.flags.get('c')}'`);
    let left = limit;
    const results: number[] = [];
    for (const f of files.length ? files : ['-']) {
      left = limit;
      results.push(
        await eachInput(ctx, [f], (data) => {
          if (left <= 0) return;
          ctx.stdout.write(data.subarray(0, left));
          left -= Math.min(left, data.length);
        }),
      );
    }
    return Math.max(0, ...results);
  }
  const n = Number(opts.flags.get('n') ?? '10');
  if (!Number.isInteger(n) || n < 0) return fail(ctx, `invalid number '${opts.flags.get('n')}'`);
  let status = 0;
  for (const [i, f] of (files.length ? files : ['-']).entries()) {
    if (headers) ctx.stdout.write(`${i > 0 ? '\n' : ''}==> ${f === '-' ? 'standard input' : f} <==\n`);
    let count = 0;
    if (n === 0) continue;
    const s = await eachLine(ctx, [f], (line) => {
      ctx.stdout.write(`${line}\n`);
      return ++count < n;
    });
    status = Math.max(status, s);
  }
  return status;
};
