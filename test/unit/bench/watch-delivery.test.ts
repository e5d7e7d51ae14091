import t from 'tap';
import { DeliveryTracker, PROBE_ANNOTATION, decodeProbe, encodeProbe, parseProbeLine } from '../../../bench/lib/watch-delivery.js';

t.test('probes round-trip and bad ones are rejected', async (t) => {
  t.equal(encodeProbe(42, 1234.5678), '42:1234.568');
  t.same(decodeProbe(encodeProbe(7, 99.25)), { seq: 7, sentAtMs: 99.25 });
  for (const bad of ['', '1', ':5', '1:', 'a:1', '1:2:3', '-1:5', '1:x']) t.equal(decodeProbe(bad), undefined, JSON.stringify(bad));
  t.throws(() => encodeProbe(-1, 0), RangeError);
  t.throws(() => encodeProbe(1, Number.NaN), RangeError);
});

function eventLine(type: string, annotations?: Record<string, string>): string {
  return JSON.stringify({ type, object: { kind: 'ConfigMap', metadata: { name: 'w-1', ...(annotations ? { annotations } : {}) }, data: { payload: 'x' } } });
}

t.test('parseProbeLine reads type and probe, fast path and JSON fallback agree', async (t) => {
  const cases: [string, unknown][] = [
    [eventLine('ADDED', { [PROBE_ANNOTATION]: '3:10.500' }), { type: 'ADDED', probe: { seq: 3, sentAtMs: 10.5 } }],
    [eventLine('MODIFIED'), { type: 'MODIFIED' }],
    [eventLine('ADDED', { [PROBE_ANNOTATION]: 'garbage' }), { type: 'ADDED' }],
    ['{"type":"ERROR","object":{"kind":"Status","code":410}}', { type: 'ERROR' }],
    // Keys in another order than ours: the slow path still finds both.
    [JSON.stringify({ object: { metadata: { annotations: { [PROBE_ANNOTATION]: '1:2' } } }, type: 'ADDED' }), { type: 'ADDED', probe: { seq: 1, sentAtMs: 2 } }],
    ['not json', undefined],
    ['{"kind":"List"}', undefined],
    ['null', undefined],
  ];
  for (const [line, want] of cases) t.same(parseProbeLine(line), want, line.slice(0, 60));
});

t.test('the tracker counts each (watcher, event) once and reports what is missing', async (t) => {
  const tr = new DeliveryTracker(3, 4);
  // Writes 0..2 succeeded, write 3 failed.
  const written = [true, true, true, false];
  for (let w = 0; w < 3; w++) for (let seq = 0; seq < 3; seq++) if (!(w === 2 && seq === 1)) tr.record(w, seq, 10 * (seq + 1));
  tr.record(0, 0, 999); // duplicate: counted as such, its latency ignored
  tr.record(1, 7, 1); // outside the tracker
  tr.record(1, 3, 5); // a write reported failed but delivered anyway
  t.equal(tr.delivered, 9);
  const d = tr.summary(written);
  t.equal(d.expected, 9);
  t.equal(d.expectedPerWatcher, 3);
  t.equal(d.delivered, 8);
  t.equal(d.missing, 1);
  t.equal(d.duplicates, 1);
  t.equal(d.unexpected, 2);
  t.equal(d.watchersMissingEvents, 1);
  t.equal(d.p50Ms, 20);
  t.equal(d.maxMs, 30);
  t.throws(() => tr.record(3, 0, 1), RangeError);
  t.throws(() => tr.summary([true, true, true, true, true]), RangeError);
});

t.test('an empty tracker has no latencies', async (t) => {
  const d = new DeliveryTracker(2, 2).summary([true, true]);
  t.equal(d.missing, 4);
  t.ok(Number.isNaN(d.p99Ms));
  t.ok(Number.isNaN(d.maxMs));
  t.throws(() => new DeliveryTracker(0, 1), RangeError);
});
