// Exponential backoff with jitter, as client-go's wait.Backoff: each step multiplies the delay by
// `factor` up to `cap`, then adds up to `jitter` × delay of randomness (random is injectable).

export interface BackoffOptions {
  initialMs?: number;
  factor?: number;
  capMs?: number;
  /** 0 = none; 0.5 adds up to 50% of the delay. */
  jitter?: number;
  random?: () => number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly factor: number;
  private readonly capMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private current: number;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 100;
    this.factor = opts.factor ?? 2;
    this.capMs = opts.capMs ?? 30_000;
    this.jitter = opts.jitter ?? 0.2;
    this.random = opts.random ?? Math.random;
    if (!(this.initialMs > 0) || !(this.factor >= 1) || !(this.capMs >= this.initialMs) || !(this.jitter >= 0)) {
      throw new RangeError('backoff: need initialMs > 0, factor >= 1, capMs >= initialMs, jitter >= 0');
    }
    this.current = this.initialMs;
  }

  /** The next delay in milliseconds; advances the backoff. */
  next(): number {
    const base = this.current;
    this.current = Math.min(this.capMs, this.current * this.factor);
    return Math.round(base + base * this.jitter * this.random());
  }

  reset(): void {
    this.current = this.initialMs;
  }
}
