// cat [-n] [FILE|-]…: files and stdin (streamed) to stdout.
import type { Program } from '../../process.js';
import { eachInput, options } from './common.js';

export const cat: Program = async (ctx) => {
  const opts = options(ctx, 'nuv');
  if (!opts) return 1;
  if (!opts.flags.has('n')) return eachInput(ctx, opts.operands, (data) => ctx.stdout.write(data));
  let line = 1;
  let atLineStart = true;
  return eachInput(ctx, opts.operands, (data) => {
    let out = '';
    for (const c of data.toString()) {
      if (atLineStart) out += `${String(line++).padStart(6)}\t`;
      out += c;
      atLineStart = c === '\n';
    }
    ctx.stdout.write(out);
  });
};
