// Watch fan-out bookkeeping: each written object carries a probe annotation "<seq>:<sentAtMs>";
// every watcher's received events are matched back to it, so the benchmark can report delivery
// latency (receive − write start, one process so one clock) and every missing or duplicated event.
import { LatencyRecorder } from './stats.js';

export const PROBE_ANNOTATION = 'bench.k8ts.io/probe';

export interface Probe {
  seq: number;
  sentAtMs: number;
}

export function encodeProbe(seq: number, sentAtMs: number): string {
  if (!(Number.isInteger(seq) && seq >= 0)) throw new RangeError(`probe seq must be a non-negative integer, got ${seq}`);
  if (!Number.isFinite(sentAtMs)) throw new RangeError(`probe time must be finite, got ${sentAtMs}`);
  return `${seq}:${sentAtMs.toFixed(3)}`;
}

export function decodeProbe(text: string): Probe | undefined {
  const m = /^(\d+):(-?\d+(?:\.\d+)?)$/.exec(text);
  if (!m) return undefined;
  const seq = Number(m[1]);
  const sentAtMs = Number(m[2]);
  return Number.isSafeInteger(seq) && Number.isFinite(sentAtMs) ? { seq, sentAtMs } : undefined;
}

export interface ProbeLine {
  /** The watch event type: ADDED, MODIFIED, DELETED, BOOKMARK, ERROR. */
  type: string;
  /** Present when the event's object carries a well-formed probe annotation. */
  probe?: Probe;
}

const TYPE_PREFIX = '{"type":"';
const PROBE_KEY = `"${PROBE_ANNOTATION}":"`;

/**
 * Reads the type and probe of one watch event line. The fast path is a string scan — the load
 * generator parses 1000 streams on the machine it measures, so a full JSON.parse per event would
 * inflate the very latency it reports; it applies only when the line is in the shape the apiserver
 * writes (type first) and the probe value needs no unescaping. Anything else takes JSON.parse.
 * undefined for a line that is not a watch event at all.
 */
export function parseProbeLine(line: string): ProbeLine | undefined {
  if (line.startsWith(TYPE_PREFIX)) {
    const typeEnd = line.indexOf('"', TYPE_PREFIX.length);
    const at = line.indexOf(PROBE_KEY, typeEnd);
    if (typeEnd > TYPE_PREFIX.length) {
      const type = line.slice(TYPE_PREFIX.length, typeEnd);
      if (at < 0) return { type };
      const valueStart = at + PROBE_KEY.length;
      const valueEnd = line.indexOf('"', valueStart);
      const probe = valueEnd > valueStart ? decodeProbe(line.slice(valueStart, valueEnd)) : undefined;
      if (probe) return { type, probe };
    }
  }
  return parseProbeLineSlow(line);
}

function parseProbeLineSlow(line: string): ProbeLine | undefined {
  let ev: unknown;
  try {
    ev = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof ev !== 'object' || ev === null || typeof (ev as { type?: unknown }).type !== 'string') return undefined;
  const { type, object } = ev as { type: string; object?: { metadata?: { annotations?: Record<string, unknown> } } };
  const raw = object?.metadata?.annotations?.[PROBE_ANNOTATION];
  const probe = typeof raw === 'string' ? decodeProbe(raw) : undefined;
  return probe ? { type, probe } : { type };
}

export interface DeliverySummary {
  watchers: number;
  /** Events each watcher should see (writes that succeeded). */
  expectedPerWatcher: number;
  expected: number;
  /** Distinct (watcher, seq) pairs seen. */
  delivered: number;
  missing: number;
  duplicates: number;
  /** Events with a seq outside 0..expectedPerWatcher-1. */
  unexpected: number;
  /** Watchers that missed at least one event. */
  watchersMissingEvents: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Records which event each watcher has seen (one bit per pair) and how late it came. */
export class DeliveryTracker {
  private readonly seen: Uint8Array;
  private readonly latencies: LatencyRecorder;
  private distinct = 0;
  private duplicates = 0;
  private unexpected = 0;
  private maxMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly watchers: number,
    /** The most events a watcher can be sent; seqs are 0..capacity-1. */
    readonly capacity: number,
  ) {
    if (!(Number.isInteger(watchers) && watchers >= 1)) throw new RangeError(`watchers must be an integer >= 1, got ${watchers}`);
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    if (watchers * capacity > 256 * 1024 * 1024) throw new RangeError(`watchers × events = ${watchers * capacity} is too many to track`);
    this.seen = new Uint8Array(watchers * capacity);
    this.latencies = new LatencyRecorder(Math.min(watchers * capacity, 1 << 20));
  }

  /** One received event; the latency counts only the first time a watcher sees a seq. */
  record(watcher: number, seq: number, latencyMs: number): void {
    if (!(Number.isInteger(watcher) && watcher >= 0 && watcher < this.watchers)) throw new RangeError(`no watcher ${watcher}`);
    if (!(Number.isInteger(seq) && seq >= 0 && seq < this.capacity)) {
      this.unexpected++;
      return;
    }
    const i = watcher * this.capacity + seq;
    if (this.seen[i]) {
      this.duplicates++;
      return;
    }
    this.seen[i] = 1;
    this.distinct++;
    this.latencies.record(latencyMs);
    if (latencyMs > this.maxMs) this.maxMs = latencyMs;
  }

  /** Distinct events delivered so far, over all watchers. */
  get delivered(): number {
    return this.distinct;
  }

  /**
   * Judged against the seqs that were actually written: `written[seq]` true when that write
   * succeeded (a failed write is not expected anywhere).
   */
  summary(written: readonly boolean[]): DeliverySummary {
    if (written.length > this.capacity) throw new RangeError(`${written.length} writes exceed the tracker's capacity ${this.capacity}`);
    const okSeqs: number[] = [];
    written.forEach((ok, seq) => ok && okSeqs.push(seq));
    let delivered = 0;
    let watchersMissingEvents = 0;
    for (let w = 0; w < this.watchers; w++) {
      let got = 0;
      for (const seq of okSeqs) got += this.seen[w * this.capacity + seq]!;
      delivered += got;
      if (got < okSeqs.length) watchersMissingEvents++;
    }
    const expected = okSeqs.length * this.watchers;
    const [p50, p99] = this.latencies.percentiles([50, 99]);
    return {
      watchers: this.watchers,
      expectedPerWatcher: okSeqs.length,
      expected,
      delivered,
      missing: expected - delivered,
      duplicates: this.duplicates,
      // Seen but never successfully written (e.g. a write that timed out yet was applied).
      unexpected: this.unexpected + (this.distinct - delivered),
      watchersMissingEvents,
      p50Ms: p50!,
      p99Ms: p99!,
      maxMs: this.latencies.count > 0 ? this.maxMs : Number.NaN,
    };
  }
}
