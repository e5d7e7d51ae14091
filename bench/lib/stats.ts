// Summary statistics for benchmark samples: nearest-rank percentiles, medians, and a latency
// recorder that writes into a preallocated typed array so recording stays off the GC's radar.

/**
 * Nearest-rank percentile of an ascending-sorted sample: the smallest value such that at least
 * p % of the samples are <= it. NaN for an empty sample.
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within [0, 100], got ${p}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[Math.min(n, rank) - 1]!;
}

/** Median of the finite values (mean of the middle two for an even count); NaN when none. */
export function median(values: readonly number[]): number {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** Collects latencies in milliseconds; grows by doubling when the preallocation runs out. */
export class LatencyRecorder {
  private samples: Float64Array;
  private n = 0;

  constructor(initialCapacity = 1 << 16) {
    if (!(Number.isInteger(initialCapacity) && initialCapacity > 0)) throw new RangeError('initialCapacity must be a positive integer');
    this.samples = new Float64Array(initialCapacity);
  }

  get count(): number {
    return this.n;
  }

  record(ms: number): void {
    if (this.n === this.samples.length) {
      const bigger = new Float64Array(this.samples.length * 2);
      bigger.set(this.samples);
      this.samples = bigger;
    }
    this.samples[this.n++] = ms;
  }

  /** Percentiles of everything recorded so far, e.g. percentiles([50, 99]). */
  percentiles(ps: readonly number[]): number[] {
    const sorted = this.samples.slice(0, this.n).sort();
    return ps.map((p) => percentileSorted(sorted, p));
  }

  reset(): void {
    this.n = 0;
  }
}
