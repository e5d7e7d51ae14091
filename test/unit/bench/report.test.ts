import t from 'tap';
import { formatNumber, formatTable, jsonRows, makeRow, ratioOf, roundForJson } from '../../../bench/lib/report.js';
import { ResultSet } from '../../../bench/lib/results.js';

t.test('ratioOf is candidate over baseline, null when undefined', async (t) => {
  const cases: [number | null, number | null, number | null][] = [
    [200, 100, 2],
    [50, 100, 0.5],
    [null, 100, null],
    [100, null, null],
    [100, 0, null],
    [Number.NaN, 1, null],
  ];
  for (const [c, b, want] of cases) t.equal(ratioOf(c, b), want, `${c}/${b}`);
});

t.test('formatNumber keeps about three significant digits', async (t) => {
  const cases: [number | null, string][] = [
    [null, '-'],
    [Number.NaN, '-'],
    [0, '0'],
    [1234.6, '1235'],
    [123.4, '123'],
    [12.345, '12.3'],
    [1.2345, '1.23'],
    [0.012345, '0.0123'],
  ];
  for (const [v, want] of cases) t.equal(formatNumber(v), want, String(v));
  t.equal(roundForJson(1.23456789), 1.235);
  t.equal(roundForJson(Number.POSITIVE_INFINITY), null);
});

t.test('table has one line per row with ratio and direction', async (t) => {
  const rows = [makeRow('put: throughput', 'puts/s', 'higher', 1000, 1500), makeRow('put: p99', 'ms', 'lower', 10, null, 'k8ts skipped')];
  const lines = formatTable(rows, { baseline: 'etcd', candidate: 'k8ts' }).split('\n');
  t.equal(lines.length, 4, 'header, rule, two rows');
  t.match(lines[0], /metric\s+unit\s+etcd\s+k8ts\s+k8ts\/etcd\s+better/);
  t.match(lines[2], /^put: throughput\s+puts\/s\s+1000\s+1500\s+1\.50x\s+higher is better$/);
  t.match(lines[3], /^put: p99\s+ms\s+10\.0\s+-\s+-\s+lower is better\s+k8ts skipped$/);
  // Every header cell starts where its rule segment starts.
  const segmentStarts = [...lines[1]!.matchAll(/-+/g)].map((m) => m.index);
  const headerStarts = [...lines[0]!.matchAll(/\S+/g)].map((m) => m.index);
  t.same(headerStarts, segmentStarts, 'header and rule are aligned');
});

t.test('JSON rows name the targets and round values', async (t) => {
  const [row] = jsonRows([makeRow('m', 'ms', 'lower', 3, 1.0000001)], { baseline: 'etcd', candidate: 'k8ts' });
  t.same(row, { metric: 'm', unit: 'ms', better: 'lower', etcd: 3, k8ts: 1, ratio: 0.3333 });
});

t.test('ResultSet reduces runs to medians in definition order', async (t) => {
  const rs = new ResultSet('etcd', 'k8ts');
  rs.define('b', 'ms', 'lower');
  rs.define('a', 'ops/s', 'higher');
  for (const v of [5, 1, 3]) rs.add('b', 'etcd', v);
  for (const v of [10, 30]) rs.add('b', 'k8ts', v);
  rs.add('a', 'etcd', 7);
  rs.note('a', 'only one side');
  rs.note('a', 'only one side');
  const rows = rs.rows();
  t.same(
    rows.map((r) => [r.metric, r.baseline, r.candidate, r.ratio, r.note]),
    [
      ['b', 3, 20, 20 / 3, undefined],
      ['a', 7, null, null, 'only one side'],
    ],
  );
  t.same(rs.samples('b', 'etcd'), [5, 1, 3]);
  t.throws(() => rs.add('nope', 'etcd', 1), /not defined/);
});
