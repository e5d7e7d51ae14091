// Side-by-side results: one row per metric with a value per target and the ratio between them,
// printed as an aligned text table and as one JSON line for machines.

export type Better = 'higher' | 'lower';

export interface ComparisonRow {
  metric: string;
  unit: string;
  better: Better;
  /** Baseline value (e.g. etcd); null when it was not measured. */
  baseline: number | null;
  /** Candidate value (e.g. k8ts); null when it was not measured. */
  candidate: number | null;
  /** candidate / baseline; null when either side is missing or the baseline is 0. */
  ratio: number | null;
  note?: string;
}

export function ratioOf(candidate: number | null, baseline: number | null): number | null {
  if (candidate === null || baseline === null || !Number.isFinite(candidate) || !Number.isFinite(baseline) || baseline === 0) return null;
  return candidate / baseline;
}

export function makeRow(metric: string, unit: string, better: Better, baseline: number | null, candidate: number | null, note?: string): ComparisonRow {
  const clean = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);
  const row: ComparisonRow = { metric, unit, better, baseline: clean(baseline), candidate: clean(candidate), ratio: ratioOf(clean(candidate), clean(baseline)) };
  if (note !== undefined) row.note = note;
  return row;
}

/** Three significant digits, without exponent notation for the magnitudes benchmarks produce. */
export function formatNumber(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '-';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 100) return Math.round(v).toString();
  if (abs >= 10) return v.toFixed(1);
  if (abs >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

/** Rounds for the JSON line: enough digits to be useful, no float noise. */
export function roundForJson(v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  return Number(v.toPrecision(4));
}

export function formatTable(rows: readonly ComparisonRow[], names: { baseline: string; candidate: string }): string {
  const header = ['metric', 'unit', names.baseline, names.candidate, `${names.candidate}/${names.baseline}`, 'better', 'note'];
  const body = rows.map((r) => [
    r.metric,
    r.unit,
    formatNumber(r.baseline),
    formatNumber(r.candidate),
    r.ratio === null ? '-' : `${formatNumber(r.ratio)}x`,
    r.better === 'higher' ? 'higher is better' : 'lower is better',
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  // Text columns left-aligned, numbers right-aligned.
  const leftAligned = new Set([0, 1, 5, 6]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (leftAligned.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

export function jsonRows(rows: readonly ComparisonRow[], names: { baseline: string; candidate: string }): Record<string, unknown>[] {
  return rows.map((r) => {
    const out: Record<string, unknown> = {
      metric: r.metric,
      unit: r.unit,
      better: r.better,
      [names.baseline]: roundForJson(r.baseline),
      [names.candidate]: roundForJson(r.candidate),
      ratio: roundForJson(r.ratio),
    };
    if (r.note !== undefined) out.note = r.note;
    return out;
  });
}
