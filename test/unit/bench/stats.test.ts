import t from 'tap';
import { LatencyRecorder, median, percentileSorted } from '../../../bench/lib/stats.js';

t.test('percentileSorted uses the nearest rank', async (t) => {
  const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const cases: [number, number][] = [
    [0, 1],
    [10, 1],
    [11, 2],
    [50, 5],
    [51, 6],
    [90, 9],
    [99, 10],
    [100, 10],
  ];
  for (const [p, want] of cases) t.equal(percentileSorted(xs, p), want, `p${p}`);
  t.ok(Number.isNaN(percentileSorted([], 50)), 'empty sample gives NaN');
  t.equal(percentileSorted([7], 99), 7, 'single sample');
  t.throws(() => percentileSorted(xs, 101), RangeError);
  t.throws(() => percentileSorted(xs, -1), RangeError);
  t.throws(() => percentileSorted(xs, Number.NaN), RangeError);
});

t.test('median of odd, even, unsorted and non-finite samples', async (t) => {
  const cases: [number[], number][] = [
    [[3], 3],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[5, Number.NaN, 1, Infinity, 3], 3],
  ];
  for (const [xs, want] of cases) t.equal(median(xs), want, JSON.stringify(xs));
  t.ok(Number.isNaN(median([])), 'empty gives NaN');
  t.ok(Number.isNaN(median([Number.NaN])), 'only NaN gives NaN');
});

t.test('LatencyRecorder grows past its preallocation and sorts numerically', async (t) => {
  const r = new LatencyRecorder(2);
  for (const v of [100, 9, 20, 3, 1000]) r.record(v);
  t.equal(r.count, 5);
  t.same(r.percentiles([0, 50, 100]), [3, 20, 1000]);
  r.reset();
  t.equal(r.count, 0);
  t.ok(Number.isNaN(r.percentiles([50])[0]!), 'empty after reset');
  t.throws(() => new LatencyRecorder(0), RangeError);
});
