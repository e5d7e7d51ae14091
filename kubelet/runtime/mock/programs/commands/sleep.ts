// sleep N[smhd]… (fractions, `infinity`): waits on the container's clock; a kill ends it at once.
import type { Program } from '../../process.js';
import { fail } from './common.js';

const UNIT: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The duration of one operand in ms (Infinity for `infinity`), or null when it is not one. */
export function parseSleep(arg: string): number | null {
  if (/^inf(inity)?$/i.test(arg)) return Infinity;
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
  return m ? Number(m[1]) * UNIT[m[2]!]! : null;
}

/** Node timers hold at most ~24.8 days; longer waits are taken in steps. */
const MAX_STEP_MS = 2 ** 31 - 1;

export const sleep: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  if (args.length === 0) return fail(ctx, 'usage: sleep [N]...');
  let total = 0;
  for (const a of args) {
    const ms = parseSleep(a);
    if (ms === null) return fail(ctx, `invalid number '${a}'`);
    total += ms;
  }
  while (total > 0) {
    const step = Math.min(total, MAX_STEP_MS);
    await ctx.clock.sleep(step, ctx.killed);
    total -= step;
  }
  return 0;
};
