import t from 'tap';
import { parseLabels, parseSamples, quantileUpperBound, readHistogram, readValue, subtractHistogram } from '../../../bench/lib/prom-text.js';

const BEFORE = `# HELP req Request latency.
# TYPE req histogram
req_bucket{le="0.01",verb="POST"} 5
req_bucket{le="0.1",verb="POST"} 9
req_bucket{le="+Inf",verb="POST"} 10
req_sum{verb="POST"} 0.5
req_count{verb="POST"} 10
req_bucket{le="0.01",verb="PUT"} 1
req_bucket{le="0.1",verb="PUT"} 1
req_bucket{le="+Inf",verb="PUT"} 1
req_sum{verb="PUT"} 0.001
req_count{verb="PUT"} 1
lag_seconds 0.012
`;
const AFTER = BEFORE.replace('le="0.01",verb="POST"} 5', 'le="0.01",verb="POST"} 95')
  .replace('le="0.1",verb="POST"} 9', 'le="0.1",verb="POST"} 108')
  .replace('le="+Inf",verb="POST"} 10', 'le="+Inf",verb="POST"} 110')
  .replace('req_sum{verb="POST"} 0.5', 'req_sum{verb="POST"} 2.5')
  .replace('req_count{verb="POST"} 10', 'req_count{verb="POST"} 110');

t.test('labels parse with escapes; malformed ones are refused', async (t) => {
  t.same(parseLabels('a="x",b="y \\"q\\" \\\\ \\n"'), { a: 'x', b: 'y "q" \\ \n' });
  t.same(parseLabels(''), {});
  for (const bad of ['a=x', 'a="x', '="x"', '1a="x"']) t.equal(parseLabels(bad), undefined, bad);
});

t.test('samples skip comments and malformed lines', async (t) => {
  const s = parseSamples(`${BEFORE}\nbroken line here\nx{a="1"} NaN\n`);
  t.equal(s.length, 11);
  t.equal(readValue(s, 'lag_seconds'), 0.012);
  t.equal(readValue(s, 'req_count', { verb: 'PUT' }), 1);
  t.equal(readValue(s, 'nope'), undefined);
});

t.test('histograms: filtered, summed over other labels, subtracted, quantiles by bucket bound', async (t) => {
  const before = parseSamples(BEFORE);
  const after = parseSamples(AFTER);
  const all = readHistogram(before, 'req');
  t.same(all?.buckets, [{ le: 0.01, count: 6 }, { le: 0.1, count: 10 }, { le: Number.POSITIVE_INFINITY, count: 11 }]);
  t.equal(readHistogram(before, 'missing'), undefined);
  const post = subtractHistogram(readHistogram(after, 'req', { verb: 'POST' })!, readHistogram(before, 'req', { verb: 'POST' }));
  t.same(post, { buckets: [{ le: 0.01, count: 90 }, { le: 0.1, count: 99 }, { le: Number.POSITIVE_INFINITY, count: 100 }], count: 100, sum: 2 });
  t.equal(quantileUpperBound(post, 0.5), 0.01);
  t.equal(quantileUpperBound(post, 0.9), 0.01);
  t.equal(quantileUpperBound(post, 0.95), 0.1);
  t.equal(quantileUpperBound(post, 1), Number.POSITIVE_INFINITY);
  t.ok(Number.isNaN(quantileUpperBound({ buckets: [], count: 0, sum: 0 }, 0.5)));
  t.throws(() => quantileUpperBound(post, 1.5), RangeError);
  t.throws(() => subtractHistogram(readHistogram(before, 'req')!, readHistogram(after, 'req')), /backwards/);
});
