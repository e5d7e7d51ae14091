// client-go's EventCorrelator (tools/record/events_cache.go), reduced to what keeps the apiserver
// from drowning: identical events within the window become one Event whose count grows (a PATCH),
// and a per-object token bucket drops a flood of events about one object.
import type { Clock } from '../util/clock.js';
import { TokenBucket } from '../util/token-bucket.js';

export interface CorrelationInput {
  /** Everything that makes two events "the same" (object, type, reason, message, source). */
  key: string;
  /** The involved object, for the spam filter. */
  objectKey: string;
}

export type Correlation =
  | { action: 'create' }
  | { action: 'patch'; name: string; count: number; firstTimestampMs: number }
  | { action: 'drop' };

interface Seen {
  name: string;
  count: number;
  firstTimestampMs: number;
  lastTimestampMs: number;
}

export interface CorrelatorOptions {
  clock: Clock;
  /** Identical events within this window are folded into one (client-go: 10 minutes). */
  windowMs?: number;
  /** Spam filter per object: burst and refill (client-go: 25 events, then one per 5 minutes). */
  spamBurst?: number;
  spamQps?: number;
  /** Bound on remembered events and objects (client-go's LRU size is 4096). */
  maxEntries?: number;
}

export class EventCorrelator {
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly spamBurst: number;
  private readonly spamQps: number;
  private readonly maxEntries: number;
  private readonly seen = new Map<string, Seen>();
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(opts: CorrelatorOptions) {
    this.clock = opts.clock;
    this.windowMs = opts.windowMs ?? 10 * 60_000;
    this.spamBurst = opts.spamBurst ?? 25;
    this.spamQps = opts.spamQps ?? 1 / 300;
    this.maxEntries = opts.maxEntries ?? 4096;
  }

  /** Decides what to send for one event; call `recorded` once it was written. */
  correlate(input: CorrelationInput): Correlation {
    if (!this.bucket(input.objectKey).tryTake()) return { action: 'drop' };
    const now = this.clock.now();
    const prior = this.seen.get(input.key);
    if (prior && now - prior.lastTimestampMs <= this.windowMs) {
      return { action: 'patch', name: prior.name, count: prior.count + 1, firstTimestampMs: prior.firstTimestampMs };
    }
    return { action: 'create' };
  }

  /** Remembers what the apiserver now holds for this key. */
  recorded(key: string, name: string, count: number, firstTimestampMs: number): void {
    this.seen.delete(key);
    this.seen.set(key, { name, count, firstTimestampMs, lastTimestampMs: this.clock.now() });
    evictOldest(this.seen, this.maxEntries);
  }

  /** The Event under this key is gone (NotFound on PATCH): the next one is created afresh. */
  forget(key: string): void {
    this.seen.delete(key);
  }

  private bucket(objectKey: string): TokenBucket {
    let b = this.buckets.get(objectKey);
    if (!b) {
      b = new TokenBucket(this.spamQps, this.spamBurst, this.clock);
      this.buckets.set(objectKey, b);
      evictOldest(this.buckets, this.maxEntries);
    }
    return b;
  }
}

/** Maps iterate in insertion order: drop the oldest entries past the bound (an LRU of sorts). */
function evictOldest<K, V>(map: Map<K, V>, max: number): void {
  for (const k of map.keys()) {
    if (map.size <= max) break;
    map.delete(k);
  }
}
