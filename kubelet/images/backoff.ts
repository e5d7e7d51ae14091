// Per-key exponential backoff keyed by the time of the last failure (client-go's
// flowcontrol.Backoff as the kubelet uses it): each Next doubles the delay up to the cap; an entry
// not touched for twice the cap starts again from the initial delay.
import type { Clock } from '../../lib/util/clock.js';

interface Entry {
  delayMs: number;
  lastUpdateMs: number;
}

export class KeyedBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    readonly initialMs: number,
    readonly maxMs: number,
  ) {}

  private expired(e: Entry, atMs: number): boolean {
    return atMs - e.lastUpdateMs > 2 * this.maxMs;
  }

  /** The current delay for the key (0 when none). */
  get(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** Records a failure (or restart) at `atMs`: the delay doubles, or starts at the initial one. */
  next(key: string, atMs: number = this.clock.now()): void {
    const e = this.entries.get(key);
    if (!e || this.expired(e, atMs)) this.entries.set(key, { delayMs: this.initialMs, lastUpdateMs: atMs });
    else this.entries.set(key, { delayMs: Math.min(this.maxMs, e.delayMs * 2), lastUpdateMs: atMs });
  }

  /** Still backing off since `eventMs` (e.g. when the container last exited)? */
  isInBackOffSince(key: string, eventMs: number): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    const now = this.clock.now();
    if (this.expired(e, now)) return false;
    return now - eventMs < e.delayMs;
  }

  /** Time left in the backoff since `eventMs` (0 when none). */
  remaining(key: string, eventMs: number): number {
    return this.isInBackOffSince(key, eventMs) ? this.get(key) - (this.clock.now() - eventMs) : 0;
  }

  /** Still backing off since the last failure? */
  isInBackOffSinceUpdate(key: string): boolean {
    const e = this.entries.get(key);
    return e !== undefined && this.isInBackOffSince(key, e.lastUpdateMs);
  }

  remainingSinceUpdate(key: string): number {
    const e = this.entries.get(key);
    return e ? this.remaining(key, e.lastUpdateMs) : 0;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops entries that expired (bounded memory). */
  gc(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (this.expired(e, now)) this.entries.delete(k);
  }
}
