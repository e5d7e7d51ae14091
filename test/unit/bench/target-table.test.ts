import t from 'tap';
import { allTargetsMet, formatTargetTable, jsonTargetRows, targetMet, type TargetRow } from '../../../bench/lib/target-table.js';

t.test('targetMet judges ≤ and ≥ targets, null without a target or a value', async (t) => {
  const cases: [TargetRow, boolean | null][] = [
    [{ metric: 'p99', value: 20, unit: 'ms', target: { op: '<=', value: 25 } }, true],
    [{ metric: 'p99', value: 25, unit: 'ms', target: { op: '<=', value: 25 } }, true],
    [{ metric: 'p99', value: 25.01, unit: 'ms', target: { op: '<=', value: 25 } }, false],
    [{ metric: 'delivered', value: 1000, unit: 'events', target: { op: '>=', value: 1000 } }, true],
    [{ metric: 'delivered', value: 999, unit: 'events', target: { op: '>=', value: 1000 } }, false],
    [{ metric: 'ops', value: 5, unit: 'ops/s' }, null],
    [{ metric: 'p99', value: null, unit: 'ms', target: { op: '<=', value: 25 } }, null],
    [{ metric: 'p99', value: Number.NaN, unit: 'ms', target: { op: '<=', value: 25 } }, null],
  ];
  for (const [row, want] of cases) t.equal(targetMet(row), want, `${row.value} ${row.target?.op ?? ''} ${row.target?.value ?? ''}`);
});

t.test('allTargetsMet needs every target met and counts an unmeasured one as missed', async (t) => {
  const ok: TargetRow = { metric: 'a', value: 1, unit: 'ms', target: { op: '<=', value: 2 } };
  const bad: TargetRow = { metric: 'b', value: 3, unit: 'ms', target: { op: '<=', value: 2 } };
  const unmeasured: TargetRow = { metric: 'c', value: null, unit: 'ms', target: { op: '<=', value: 2 } };
  const info: TargetRow = { metric: 'd', value: 9, unit: 'ops/s' };
  t.equal(allTargetsMet([ok, info]), true);
  t.equal(allTargetsMet([ok, bad]), false);
  t.equal(allTargetsMet([ok, unmeasured]), false);
  t.equal(allTargetsMet([info]), false, 'no target at all is not "met"');
});

t.test('the table aligns columns and marks misses', async (t) => {
  const rows: TargetRow[] = [
    { metric: 'writes p99', value: 50.33, unit: 'ms', target: { op: '<=', value: 25 } },
    { metric: 'delivered', value: 60000, unit: 'events', target: { op: '>=', value: 60000 }, note: '60 × 1000' },
    { metric: 'throughput', value: 1904.4, unit: 'ops/s' },
  ];
  const lines = formatTargetTable(rows).split('\n');
  t.equal(lines.length, 5, 'header, rule, three rows');
  t.match(lines[0], /^metric\s+value\s+unit\s+target\s+met\?\s+note$/);
  t.match(lines[2], /^writes p99\s+50\.3\s+ms\s+≤ 25\.0\s+NO$/);
  t.match(lines[3], /^delivered\s+60000\s+events\s+≥ 60000\s+yes\s+60 × 1000$/);
  t.match(lines[4], /^throughput\s+1904\s+ops\/s$/);
  // Values are right-aligned: every row's value ends in the same column.
  const valueEnd = (line: string, v: string) => line.indexOf(v) + v.length;
  t.equal(valueEnd(lines[2]!, '50.3'), valueEnd(lines[3]!, '60000'));
  t.equal(valueEnd(lines[3]!, '60000'), valueEnd(lines[4]!, '1904'));
});

t.test('JSON rows carry target and met only when judged', async (t) => {
  const rows = jsonTargetRows([
    { metric: 'p99', value: 1.23456, unit: 'ms', target: { op: '<=', value: 25 } },
    { metric: 'ops', value: 10, unit: 'ops/s', note: 'n' },
    { metric: 'gone', value: null, unit: 'ms' },
  ]);
  t.same(rows, [
    { metric: 'p99', value: 1.235, unit: 'ms', target: { op: '<=', value: 25 }, met: true },
    { metric: 'ops', value: 10, unit: 'ops/s', note: 'n' },
    { metric: 'gone', value: null, unit: 'ms' },
  ]);
});
