// Closed-loop load generator: N workers, each issuing its next request as soon as the previous one
// returns. Only completions inside the measurement window (after the warm-up) count, so throughput
// is completions / window length and slow requests are not dropped from the latency tail.
import { performance } from 'node:perf_hooks';
import { LatencyRecorder } from './stats.js';

export interface ClosedLoopOptions {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** One request; `worker` is 0..concurrency-1 and `seq` counts that worker's requests. */
  op: (worker: number, seq: number) => Promise<unknown>;
  /** Monotonic milliseconds; injected so tests can step time. */
  now?: () => number;
}

export interface ClosedLoopResult {
  concurrency: number;
  /** Requests completed successfully inside the window. */
  ops: number;
  /** Requests that failed inside the window. */
  errors: number;
  firstError?: string;
  windowSeconds: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export async function runClosedLoop(opts: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const { concurrency, warmupMs, durationMs, op } = opts;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  if (!(warmupMs >= 0)) throw new RangeError(`warmupMs must be >= 0, got ${warmupMs}`);
  if (!(durationMs > 0)) throw new RangeError(`durationMs must be > 0, got ${durationMs}`);
  const now = opts.now ?? (() => performance.now());
  const latencies = new LatencyRecorder();
  const start = now();
  const windowStart = start + warmupMs;
  const end = windowStart + durationMs;
  let errors = 0;
  let firstError: string | undefined;

  const worker = async (w: number): Promise<void> => {
    // Bounded by time: no request starts after the window closes.
    for (let seq = 0; now() < end; seq++) {
      const t0 = now();
      let failed: unknown;
      try {
        await op(w, seq);
      } catch (err) {
        failed = err;
      }
      const t1 = now();
      if (t1 < windowStart || t1 > end) continue;
      if (failed === undefined) latencies.record(t1 - t0);
      else {
        errors++;
        firstError ??= failed instanceof Error ? failed.message : String(failed);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));

  const windowSeconds = durationMs / 1000;
  const [p50, p99] = latencies.percentiles([50, 99]);
  const result: ClosedLoopResult = {
    concurrency,
    ops: latencies.count,
    errors,
    windowSeconds,
    opsPerSec: latencies.count / windowSeconds,
    p50Ms: p50!,
    p99Ms: p99!,
  };
  if (firstError !== undefined) result.firstError = firstError;
  return result;
}
