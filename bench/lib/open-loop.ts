// Open-loop (rate-limited) load: requests start on a fixed schedule whatever the earlier ones are
// doing, as independent clients would send them. Latency is measured from each request's
// *scheduled* start, so a stalled server or a late client timer shows up in the tail instead of
// silently lowering the offered rate (no coordinated omission); how late the client itself
// started requests is reported apart as the send lag.
import { performance } from 'node:perf_hooks';
import { LatencyRecorder } from './stats.js';

export interface OpenLoopOptions {
  ratePerSec: number;
  durationMs: number;
  /** One request; `seq` is 0..(scheduled − 1) in schedule order. */
  op: (seq: number) => Promise<unknown>;
  /** Monotonic milliseconds and a sleep on the same clock; injected so tests can step time. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface OpenLoopResult {
  scheduled: number;
  ok: number;
  errors: number;
  firstError?: string;
  /** Successful completions per second, from the first scheduled start to the last completion. */
  completedPerSec: number;
  /** Completion − scheduled start, successful requests only. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Actual start − scheduled start: the load generator's own lateness. */
  sendLagP99Ms: number;
  sendLagMaxMs: number;
}

export async function runOpenLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const { ratePerSec, durationMs, op } = opts;
  if (!(ratePerSec > 0 && Number.isFinite(ratePerSec))) throw new RangeError(`ratePerSec must be > 0, got ${ratePerSec}`);
  if (!(durationMs > 0 && Number.isFinite(durationMs))) throw new RangeError(`durationMs must be > 0, got ${durationMs}`);
  const now = opts.now ?? (() => performance.now());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const total = Math.max(1, Math.round((durationMs / 1000) * ratePerSec));
  const interval = 1000 / ratePerSec;
  const latencies = new LatencyRecorder(Math.max(16, total));
  const lags = new LatencyRecorder(Math.max(16, total));
  let maxMs = Number.NEGATIVE_INFINITY;
  let lastCompletion = Number.NEGATIVE_INFINITY;
  let errors = 0;
  let firstError: string | undefined;
  const inFlight: Promise<void>[] = [];
  const start = now();
  const due = (seq: number) => start + seq * interval;

  const launch = (seq: number) => {
    const scheduledAt = due(seq);
    lags.record(now() - scheduledAt);
    let pending: Promise<unknown>;
    try {
      pending = op(seq);
    } catch (err) {
      pending = Promise.reject(err);
    }
    inFlight.push(
      pending.then(
        () => {
          const t = now();
          const ms = t - scheduledAt;
          latencies.record(ms);
          if (ms > maxMs) maxMs = ms;
          if (t > lastCompletion) lastCompletion = t;
        },
        (err: unknown) => {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
        },
      ),
    );
  };

  // Bounded: every pass either starts at least one request or sleeps until the next one is due.
  for (let seq = 0; seq < total; ) {
    const t = now();
    while (seq < total && due(seq) <= t) launch(seq++);
    if (seq < total) await sleep(Math.max(0, due(seq) - now()));
  }
  await Promise.all(inFlight);

  const [p50, p99] = latencies.percentiles([50, 99]);
  const [lagP99] = lags.percentiles([99]);
  const ok = latencies.count;
  const span = lastCompletion - start;
  const result: OpenLoopResult = {
    scheduled: total,
    ok,
    errors,
    completedPerSec: ok > 0 && span > 0 ? ok / (span / 1000) : 0,
    p50Ms: p50!,
    p99Ms: p99!,
    maxMs: ok > 0 ? maxMs : Number.NaN,
    sendLagP99Ms: lagP99!,
    sendLagMaxMs: Math.max(...lags.percentiles([100])),
  };
  if (firstError !== undefined) result.firstError = firstError;
  return result;
}
