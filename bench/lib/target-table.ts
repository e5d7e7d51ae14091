// Results judged against fixed targets (rather than a side-by-side baseline): one row per metric
// with its value, unit, the target it must meet and whether it did, printed as an aligned text
// table and as JSON rows for the benchmark's one-line summary.
import { formatNumber, roundForJson } from './report.js';

export interface Target {
  /** `<=`: the value must not exceed `value`; `>=`: it must reach it. */
  op: '<=' | '>=';
  value: number;
}

export interface TargetRow {
  metric: string;
  /** null when the metric could not be measured. */
  value: number | null;
  unit: string;
  target?: Target;
  note?: string;
}

/** true/false against the target; null when there is no target or no (finite) value. */
export function targetMet(row: TargetRow): boolean | null {
  if (!row.target || row.value === null || !Number.isFinite(row.value)) return null;
  return row.target.op === '<=' ? row.value <= row.target.value : row.value >= row.target.value;
}

function targetText(t: Target | undefined): string {
  return t ? `${t.op === '<=' ? '≤' : '≥'} ${formatNumber(t.value)}` : '';
}

function metText(met: boolean | null): string {
  return met === null ? '' : met ? 'yes' : 'NO';
}

export function formatTargetTable(rows: readonly TargetRow[]): string {
  const header = ['metric', 'value', 'unit', 'target', 'met?', 'note'];
  const body = rows.map((r) => [r.metric, formatNumber(r.value), r.unit, targetText(r.target), metText(targetMet(r)), r.note ?? '']);
  // Width in code points: the ≤/≥ signs are one column each on a terminal.
  const len = (s: string) => [...s].length;
  const widths = header.map((h, i) => Math.max(len(h), ...body.map((cells) => len(cells[i]!))));
  const pad = (s: string, w: number, right: boolean) => (right ? ' '.repeat(w - len(s)) + s : s + ' '.repeat(w - len(s)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!, i === 1))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

export function jsonTargetRows(rows: readonly TargetRow[]): Record<string, unknown>[] {
  return rows.map((r) => {
    const out: Record<string, unknown> = { metric: r.metric, value: roundForJson(r.value), unit: r.unit };
    if (r.target) out.target = { op: r.target.op, value: r.target.value };
    const met = targetMet(r);
    if (met !== null) out.met = met;
    if (r.note !== undefined) out.note = r.note;
    return out;
  });
}

/** true when there is at least one target and every one was met; an unmeasured target is unmet. */
export function allTargetsMet(rows: readonly TargetRow[]): boolean {
  const targeted = rows.filter((r) => r.target !== undefined);
  return targeted.length > 0 && targeted.every((r) => targetMet(r) === true);
}
