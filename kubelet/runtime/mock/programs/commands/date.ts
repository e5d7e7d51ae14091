// date [-u] [-d @SECONDS] [+FORMAT]: the container's clock in UTC; the default format is busybox's
// `Sat Dec  5 12:00:00 UTC 2026`.
import type { Program } from '../../process.js';
import { fail, options } from './common.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const p2 = (n: number) => String(n).padStart(2, '0');

export const DEFAULT_DATE_FORMAT = '%a %b %e %H:%M:%S %Z %Y';

/** strftime(3) for the conversions scripts use, in UTC. */
export function formatDate(ms: number, format: string): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const conv: Record<string, () => string> = {
    a: () => DAYS[d.getUTCDay()]!.slice(0, 3),
    A: () => DAYS[d.getUTCDay()]!,
    b: () => MONTHS[d.getUTCMonth()]!.slice(0, 3),
    h: () => MONTHS[d.getUTCMonth()]!.slice(0, 3),
    B: () => MONTHS[d.getUTCMonth()]!,
    c: () => formatDate(ms, '%a %b %e %H:%M:%S %Y'),
    C: () => p2(Math.floor(d.getUTCFullYear() / 100)),
    d: () => p2(d.getUTCDate()),
    D: () => formatDate(ms, '%m/%d/%y'),
    e: () => String(d.getUTCDate()).padStart(2),
    F: () => formatDate(ms, '%Y-%m-%d'),
    H: () => p2(h),
    I: () => p2(h % 12 || 12),
    j: () => String(Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1).padStart(3, '0'),
    k: () => String(h).padStart(2),
    m: () => p2(d.getUTCMonth() + 1),
    M: () => p2(d.getUTCMinutes()),
    n: () => '\n',
    N: () => String(d.getUTCMilliseconds() * 1_000_000).padStart(9, '0'),
    p: () => (h < 12 ? 'AM' : 'PM'),
    R: () => formatDate(ms, '%H:%M'),
    s: () => String(Math.floor(ms / 1000)),
    S: () => p2(d.getUTCSeconds()),
    t: () => '\t',
    T: () => formatDate(ms, '%H:%M:%S'),
    u: () => String(d.getUTCDay() || 7),
    w: () => String(d.getUTCDay()),
    y: () => p2(d.getUTCFullYear() % 100),
    Y: () => String(d.getUTCFullYear()),
    z: () => '+0000',
    Z: () => 'UTC',
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (all, c: string) => conv[c]?.() ?? all);
}

export const date: Program = async (ctx) => {
  const opts = options(ctx, 'uRd:I', { long: { utc: 'u', date: 'd', rfc2822: 'R' } });
  if (!opts) return 1;
  let ms = ctx.clock.now();
  const when = opts.flags.get('d');
  if (when !== undefined) {
    const epoch = /^@(-?\d+)$/.exec(when);
    const parsed = epoch ? Number(epoch[1]) * 1000 : Date.parse(when.includes('T') || /Z|[+-]\d\d:?\d\d$/.test(when) ? when : `${when}Z`);
    if (Number.isNaN(parsed)) return fail(ctx, `invalid date '${when}'`);
    ms = parsed;
  }
  const operand = opts.operands[0];
  if (operand !== undefined && !operand.startsWith('+')) return fail(ctx, `invalid date '${operand}'`);
  const format = operand?.slice(1) ?? (opts.flags.has('R') ? '%a, %d %b %Y %H:%M:%S %z' : opts.flags.has('I') ? '%Y-%m-%d' : DEFAULT_DATE_FORMAT);
  ctx.stdout.write(`${formatDate(ms, format)}\n`);
  return 0;
};
