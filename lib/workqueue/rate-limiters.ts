// Rate limiters for requeues, as client-go's workqueue rate limiters: when(key) says how long a
// failed key waits before it is retried (and counts the failure), forget(key) clears its history
// once it succeeds.
import { realClock, type Clock } from '../util/clock.js';
import { TokenBucket } from '../util/token-bucket.js';

export interface RateLimiter<T = string> {
  /** Milliseconds `item` should wait before its next attempt; records one more failure. */
  when(item: T): number;
  /** The item succeeded: forget its failures. */
  forget(item: T): void;
  /** Failures recorded for `item` since it was last forgotten. */
  numRequeues(item: T): number;
}

export interface ExponentialOptions {
  /** Delay after the first failure; doubles with each further failure. Default 5 ms. */
  baseDelayMs?: number;
  /** Upper bound on the delay. Default 1000 s. */
  maxDelayMs?: number;
}

/** baseDelay × 2^failures, capped: client-go's ItemExponentialFailureRateLimiter. */
export class ItemExponentialRateLimiter<T = string> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;

  constructor(opts: ExponentialOptions = {}) {
    this.baseDelayMs = opts.baseDelayMs ?? 5;
    this.maxDelayMs = opts.maxDelayMs ?? 1_000_000;
    if (!(this.baseDelayMs > 0) || !(this.maxDelayMs >= this.baseDelayMs)) {
      throw new RangeError('exponential rate limiter: need baseDelayMs > 0 and maxDelayMs >= baseDelayMs');
    }
  }

  when(item: T): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** exp);
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

export interface FastSlowOptions {
  fastDelayMs: number;
  slowDelayMs: number;
  /** Failures retried after fastDelayMs before switching to slowDelayMs. */
  maxFastAttempts: number;
}

/** A short delay for the first few failures, then a long one: client-go's ItemFastSlowRateLimiter. */
export class ItemFastSlowRateLimiter<T = string> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  constructor(private readonly opts: FastSlowOptions) {}

  when(item: T): number {
    const n = (this.failures.get(item) ?? 0) + 1;
    this.failures.set(item, n);
    return n <= this.opts.maxFastAttempts ? this.opts.fastDelayMs : this.opts.slowDelayMs;
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

export interface BucketOptions {
  /** Default 10. */
  qps?: number;
  /** Default 100. */
  burst?: number;
  clock?: Clock;
}

/** An overall limit on retries across all keys (x/time/rate reservations): client-go's BucketRateLimiter. */
export class BucketRateLimiter<T = string> implements RateLimiter<T> {
  private readonly bucket: TokenBucket;

  constructor(opts: BucketOptions = {}) {
    this.bucket = new TokenBucket(opts.qps ?? 10, opts.burst ?? 100, opts.clock ?? realClock);
  }

  when(_item: T): number {
    return this.bucket.reserve();
  }

  forget(_item: T): void {}

  numRequeues(_item: T): number {
    return 0;
  }
}

/** The longest delay any of the limiters asks for: client-go's MaxOfRateLimiter. */
export class MaxOfRateLimiter<T = string> implements RateLimiter<T> {
  private readonly limiters: RateLimiter<T>[];

  constructor(...limiters: RateLimiter<T>[]) {
    if (limiters.length === 0) throw new RangeError('max-of rate limiter: need at least one limiter');
    this.limiters = limiters;
  }

  when(item: T): number {
    // Every limiter must see the failure, so no short-circuit.
    return Math.max(...this.limiters.map((l) => l.when(item)));
  }

  forget(item: T): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: T): number {
    return Math.max(...this.limiters.map((l) => l.numRequeues(item)));
  }
}

export type ControllerRateLimiterOptions = ExponentialOptions & BucketOptions;

/**
 * client-go's DefaultControllerRateLimiter: per-key exponential backoff (5 ms → 1000 s) and an
 * overall token bucket (10 qps, burst 100), whichever is slower.
 */
export function defaultControllerRateLimiter<T = string>(opts: ControllerRateLimiterOptions = {}): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(new ItemExponentialRateLimiter<T>(opts), new BucketRateLimiter<T>(opts));
}
