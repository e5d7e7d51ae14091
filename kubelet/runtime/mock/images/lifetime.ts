// Shared by long-running image programs: wait until a signal handler or an endpoint ends the
// process (or it is killed), and timestamps in the formats their logs use.
import type { ProcessContext } from '../process.js';

export interface Lifetime {
  /** Resolves with the exit code given to exit(), or 137 when killed first. */
  readonly done: Promise<number>;
  exit(code: number): void;
}

export function lifetime(ctx: ProcessContext): Lifetime {
  let exit!: (code: number) => void;
  const done = new Promise<number>((resolve) => {
    exit = resolve;
    if (ctx.killed.aborted) resolve(137);
    else ctx.killed.addEventListener('abort', () => resolve(137), { once: true });
  });
  return { done, exit };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Go's log package prefix: `2026/12/05 12:00:00`. */
export function goLogTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `$time_local` of nginx and httpd access logs: `05/Dec/2026:12:00:00 +0000`. */
export function accessLogTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** httpd's error log time: `Sat Dec 05 12:00:00.123456 2026`. */
export function httpdLogTime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000 ${d.getUTCFullYear()}`;
}

/** The first header value as a string, '-' when absent (as access logs print it). */
export function headerOrDash(headers: Record<string, string | string[] | undefined>, name: string): string {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v) || '-';
}

/** The error a failed listen carries, as a C server prints it (`98: Address already in use`). */
export function bindErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return '98: Address already in use';
  if (code === 'EACCES') return '13: Permission denied';
  if (code === 'EADDRNOTAVAIL') return '99: Cannot assign requested address';
  return (err as Error).message;
}
