// How the real kubelet's Go messages print values, so our events and hook messages read the same:
// %q quoting, format.Pod, and the text of Go's net errors ("dial tcp 1.2.3.4:80: connect: connection
// refused") for the Node errors we get instead.
import type { Pod } from '../../lib/api/types.js';

const GO_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"' };

/** Go's %q of a string: double-quoted, control characters escaped, printable Unicode kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (GO_ESCAPES[ch]) out += GO_ESCAPES[ch];
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code >= 0x80 && code < 0xa0) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** pkg/kubelet/util/format.Pod: `name_namespace(uid)`. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}

/** net.JoinHostPort: brackets around IPv6 literals. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// The syscall texts Go prints for the errno values a dial or read can end with.
const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
  EADDRNOTAVAIL: 'connect: cannot assign requested address',
  ECONNRESET: 'read: connection reset by peer',
  EPIPE: 'write: broken pipe',
};

/** The error a Go dialer reports: `dial tcp <addr>: <cause>`. */
export function goDialError(addr: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const cause = (code && ERRNO_TEXT[code]) ?? (err instanceof Error ? err.message : String(err));
  return `dial tcp ${addr}: ${cause}`;
}

/** An error whose message is already the Go text the kubelet would print. */
export class GoError extends Error {
  override readonly name = 'GoError';
}
