// Identifiers and timestamps in the shapes the CRI uses: 64-hex ids like containerd's, and Unix
// nanoseconds as decimal strings (they overflow a double).
import { randomBytes } from 'node:crypto';

export function newId(): string {
  return randomBytes(32).toString('hex');
}

/** Unix nanoseconds from epoch milliseconds; '0' stands for "not yet". */
export function nanos(ms: number): string {
  return (BigInt(Math.floor(ms)) * 1_000_000n).toString();
}
