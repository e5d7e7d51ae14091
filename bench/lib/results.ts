// Collects per-run samples for each metric and target, then reduces every metric to the median of
// its runs and lays baseline and candidate side by side.
import { makeRow, type Better, type ComparisonRow } from './report.js';
import { median } from './stats.js';

interface Metric {
  unit: string;
  better: Better;
  samples: Map<string, number[]>;
  notes: string[];
}

export class ResultSet {
  private readonly metrics = new Map<string, Metric>();

  constructor(
    private readonly baseline: string,
    private readonly candidate: string,
  ) {}

  /** Registers a metric in table order; adding twice keeps the first unit and direction. */
  define(metric: string, unit: string, better: Better): void {
    if (!this.metrics.has(metric)) this.metrics.set(metric, { unit, better, samples: new Map(), notes: [] });
  }

  add(metric: string, target: string, value: number): void {
    const m = this.metrics.get(metric);
    if (!m) throw new Error(`metric ${JSON.stringify(metric)} is not defined`);
    const list = m.samples.get(target) ?? [];
    list.push(value);
    m.samples.set(target, list);
  }

  note(metric: string, text: string): void {
    const m = this.metrics.get(metric);
    if (!m) throw new Error(`metric ${JSON.stringify(metric)} is not defined`);
    if (!m.notes.includes(text)) m.notes.push(text);
  }

  samples(metric: string, target: string): readonly number[] {
    return this.metrics.get(metric)?.samples.get(target) ?? [];
  }

  rows(): ComparisonRow[] {
    return [...this.metrics].map(([name, m]) => {
      const value = (target: string) => {
        const xs = m.samples.get(target);
        return xs && xs.length > 0 ? median(xs) : null;
      };
      return makeRow(name, m.unit, m.better, value(this.baseline), value(this.candidate), m.notes.length > 0 ? m.notes.join('; ') : undefined);
    });
  }
}
