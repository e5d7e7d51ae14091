// Reading the servers' own Prometheus metrics around a benchmark phase, to say where time went:
// a histogram scraped before and after is subtracted and its quantiles read off the buckets; a
// gauge is read as is. Only the text exposition format prom-client writes is needed.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface HistogramSnapshot {
  /** Cumulative counts by upper bound, ascending; the last bound is +Infinity. */
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

const SAMPLE = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;

function parseValue(raw: string): number {
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(raw);
}

/** `a="x",b="y \"q\""` → {a: 'x', b: 'y "q"'}; undefined when malformed. */
export function parseLabels(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    while (text[i] === ',' || text[i] === ' ') i++;
    if (i >= text.length) break;
    const eq = text.indexOf('=', i);
    if (eq < 0 || text[eq + 1] !== '"') return undefined;
    const key = text.slice(i, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return undefined;
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\' && j + 1 < text.length) {
        j++;
        value += text[j] === 'n' ? '\n' : text[j];
      } else value += text[j];
    }
    if (j >= text.length) return undefined;
    out[key] = value;
    i = j + 1;
  }
  return out;
}

/** Every sample line of an exposition; comments and malformed lines are skipped. */
export function parseSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels = m[2] === undefined ? {} : parseLabels(m[2]);
    const value = parseValue(m[3]!);
    if (labels && !Number.isNaN(value)) out.push({ name: m[1]!, labels, value });
  }
  return out;
}

const matches = (labels: Record<string, string>, want: Readonly<Record<string, string>>) => Object.entries(want).every(([k, v]) => labels[k] === v);

/** First sample of a gauge or counter whose labels include `want`; undefined when absent. */
export function readValue(samples: readonly Sample[], name: string, want: Readonly<Record<string, string>> = {}): number | undefined {
  return samples.find((s) => s.name === name && matches(s.labels, want))?.value;
}

/** A histogram summed over every series whose labels include `want`; undefined when absent. */
export function readHistogram(samples: readonly Sample[], name: string, want: Readonly<Record<string, string>> = {}): HistogramSnapshot | undefined {
  const byLe = new Map<number, number>();
  let count = 0;
  let sum = 0;
  let found = false;
  for (const s of samples) {
    if (!matches(s.labels, want)) continue;
    if (s.name === `${name}_bucket` && s.labels.le !== undefined) {
      const le = parseValue(s.labels.le);
      if (Number.isNaN(le)) continue;
      byLe.set(le, (byLe.get(le) ?? 0) + s.value);
      found = true;
    } else if (s.name === `${name}_count`) count += s.value;
    else if (s.name === `${name}_sum`) sum += s.value;
  }
  if (!found) return undefined;
  const buckets = [...byLe].sort((a, b) => a[0] - b[0]).map(([le, c]) => ({ le, count: c }));
  return { buckets, count, sum };
}

/** after − before, bucket by bucket (a counter reset shows as negative counts: rejected). */
export function subtractHistogram(after: HistogramSnapshot, before: HistogramSnapshot | undefined): HistogramSnapshot {
  if (!before) return after;
  const was = new Map(before.buckets.map((b) => [b.le, b.count]));
  const buckets = after.buckets.map((b) => ({ le: b.le, count: b.count - (was.get(b.le) ?? 0) }));
  if (buckets.some((b) => b.count < 0) || after.count < before.count) throw new Error('histogram went backwards (did the process restart?)');
  return { buckets, count: after.count - before.count, sum: after.sum - before.sum };
}

/**
 * The upper bound of the bucket holding the q-quantile (0..1): "q of the observations took at
 * most this long". Coarser than an interpolated estimate, but never optimistic. NaN when empty.
 */
export function quantileUpperBound(h: HistogramSnapshot, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
  const total = h.buckets.length > 0 ? h.buckets[h.buckets.length - 1]!.count : 0;
  if (total <= 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * total));
  for (const b of h.buckets) if (b.count >= rank) return b.le;
  return Number.POSITIVE_INFINITY;
}
