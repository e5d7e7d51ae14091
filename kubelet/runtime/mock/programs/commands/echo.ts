// echo [-n] [-e] [-E] ARG…: busybox's echo; escapes only with -e (\n \t \\ \c \0NNN …).
import type { Program } from '../../process.js';
import { interpretEscapes } from './escapes.js';

export const echo: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args.length && /^-[neE]+$/.test(args[0]!)) {
    for (const f of args.shift()!.slice(1)) {
      if (f === 'n') newline = false;
      else escapes = f === 'e';
    }
  }
  let text = args.join(' ');
  if (escapes) {
    const { text: t, stop } = interpretEscapes(text, 'echo');
    text = t;
    if (stop) newline = false;
  }
  ctx.stdout.write(newline ? `${text}\n` : text);
  return 0;
};
