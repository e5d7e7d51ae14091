// printf FORMAT [ARG…]: %s %b %c %d %i %u %o %x %X %f %e %g %% with flags, width and precision
// (`*` too), backslash escapes in FORMAT; the format is reused while arguments remain.
import type { Program } from '../../process.js';
import { fail } from './common.js';
import { interpretEscapes } from './escapes.js';

const CONVERSION = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([sbcdiouxXfeEgG%])/g;

function toNumber(arg: string, errors: string[]): number {
  if (/^['"]/.test(arg)) return arg.length > 1 ? arg.codePointAt(1)! : 0;
  const t = arg.trim();
  if (t === '') return 0;
  const n = /^[-+]?0[xX][0-9a-fA-F]+$/.test(t) ? parseInt(t, 16) : /^[-+]?0[0-7]+$/.test(t) ? parseInt(t, 8) : Number(t);
  if (Number.isNaN(n)) {
    errors.push(`invalid number '${arg}'`);
    return 0;
  }
  return n;
}

function pad(body: string, flags: string, width: number | undefined, numeric: boolean): string {
  if (width === undefined || body.length >= width) return body;
  if (flags.includes('-')) return body.padEnd(width);
  if (flags.includes('0') && numeric) {
    const sign = /^[-+ ]/.test(body) ? body[0]! : '';
    return sign + body.slice(sign.length).padStart(width - sign.length, '0');
  }
  return body.padStart(width);
}

function formatOne(conv: string, flags: string, width: number | undefined, precision: number | undefined, arg: string | undefined, errors: string[]): { text: string; stop: boolean } {
  const a = arg ?? '';
  const sign = (n: number, s: string) => (n >= 0 ? (flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') : '') + s;
  switch (conv) {
    case 's':
      return { text: pad(precision === undefined ? a : a.slice(0, precision), flags, width, false), stop: false };
    case 'b': {
      const r = interpretEscapes(a, 'echo');
      return { text: pad(r.text, flags, width, false), stop: r.stop };
    }
    case 'c':
      return { text: pad(a.slice(0, 1), flags, width, false), stop: false };
    case 'd':
    case 'i':
    case 'u': {
      const n = Math.trunc(toNumber(a, errors));
      let digits = Math.abs(n).toString();
      if (precision !== undefined) digits = digits.padStart(precision, '0');
      return { text: pad(n < 0 ? `-${digits}` : sign(n, digits), flags, width, precision === undefined), stop: false };
    }
    case 'o':
    case 'x':
    case 'X': {
      const n = Math.trunc(toNumber(a, errors));
      const u = n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n);
      let digits = u.toString(conv === 'o' ? 8 : 16);
      if (conv === 'X') digits = digits.toUpperCase();
      if (precision !== undefined) digits = digits.padStart(precision, '0');
      if (flags.includes('#') && u !== 0n) digits = (conv === 'o' ? '0' : conv === 'x' ? '0x' : '0X') + digits;
      return { text: pad(digits, flags, width, true), stop: false };
    }
    case 'f':
    case 'e':
    case 'E':
    case 'g':
    case 'G': {
      const n = toNumber(a, errors);
      const p = precision ?? 6;
      let s = conv === 'f' ? Math.abs(n).toFixed(p) : conv === 'e' || conv === 'E' ? Math.abs(n).toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2') : String(Number(Math.abs(n).toPrecision(p || 1)));
      if (conv === 'E' || conv === 'G') s = s.toUpperCase();
      return { text: pad(n < 0 ? `-${s}` : sign(n, s), flags, width, true), stop: false };
    }
    default:
      return { text: '%', stop: false };
  }
}

/** Formats like printf(1): the text and the errors met (bad numbers). */
export function formatPrintf(format: string, args: readonly string[]): { text: string; errors: string[] } {
  const errors: string[] = [];
  let out = '';
  let next = 0;
  for (let round = 0; round === 0 || next < args.length; round++) {
    const before = next;
    let last = 0;
    CONVERSION.lastIndex = 0;
    for (let m = CONVERSION.exec(format); ; m = CONVERSION.exec(format)) {
      // Escapes apply to the format's own text, never to what the arguments bring.
      const literal = interpretEscapes(format.slice(last, m ? m.index : format.length), 'printf');
      out += literal.text;
      if (literal.stop) return { text: out, errors };
      if (!m) break;
      last = m.index + m[0].length;
      const [, flags, w, p, conv] = m as unknown as [string, string, string | undefined, string | undefined, string];
      if (conv === '%') {
        out += '%';
        continue;
      }
      const width = w === '*' ? toNumber(args[next++] ?? '0', errors) : w !== undefined ? Number(w) : undefined;
      const precision = p === '*' ? toNumber(args[next++] ?? '0', errors) : p !== undefined ? Number(p || '0') : undefined;
      const r = formatOne(conv, flags, width, precision, args[next++], errors);
      out += r.text;
      if (r.stop) return { text: out, errors };
    }
    if (next === before) break;
  }
  return { text: out, errors };
}

export const printf: Program = async (ctx) => {
  const format = ctx.argv[1];
  if (format === undefined) return fail(ctx, 'usage: printf FORMAT [ARGUMENT...]');
  const { text, errors } = formatPrintf(format, ctx.argv.slice(2));
  ctx.stdout.write(text);
  for (const e of errors) fail(ctx, e);
  return errors.length ? 1 : 0;
};
