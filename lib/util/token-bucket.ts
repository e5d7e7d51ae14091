// A token bucket (golang.org/x/time/rate's reservation model): `burst` tokens refill at `qps` per
// second; taking a token when none is left reserves a future one, so concurrent waiters queue in
// order instead of racing. Time comes from the injected clock.
import type { Clock } from './clock.js';

export class TokenBucket {
  private tokens: number;
  private last: number;

  /** qps <= 0 means unlimited (as client-go's QPS < 0). */
  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: Clock,
  ) {
    if (qps > 0 && !(burst >= 1)) throw new RangeError(`token bucket: burst must be at least 1 when qps > 0 (got ${burst})`);
    this.tokens = burst;
    this.last = clock.now();
  }

  get unlimited(): boolean {
    return !(this.qps > 0);
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
      this.last = now;
    }
  }

  /** Takes a token if one is free now, without reserving. */
  tryTake(): boolean {
    if (this.unlimited) return true;
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Takes a token and returns the milliseconds to wait before using it (0: now). */
  reserve(): number {
    if (this.unlimited) return 0;
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.qps);
  }

  /** Waits for a token on the clock; rejects if the signal aborts first (the token stays spent). */
  async wait(signal?: AbortSignal): Promise<void> {
    const delay = this.reserve();
    if (delay > 0) await this.clock.sleep(delay, signal);
  }
}
