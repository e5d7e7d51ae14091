import t from 'tap';
import { LogOptionsError, parseContainerLogOptions } from '../../../../kubelet/logs/log-options.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');

t.test('parses what the apiserver forwards', async (t) => {
  t.same(parseContainerLogOptions({}, NOW), { follow: false, previous: false, timestamps: false });
  t.same(parseContainerLogOptions({ follow: 'true', previous: 'true', timestamps: '1', tailLines: '5', limitBytes: '100' }, NOW), {
    follow: true, previous: true, timestamps: true, tailLines: 5, limitBytes: 100,
  });
  t.equal(parseContainerLogOptions({ sinceSeconds: '60' }, NOW).sinceMs, NOW - 60_000);
  t.equal(parseContainerLogOptions({ sinceTime: '2026-01-01T00:00:00Z' }, NOW).sinceMs, Date.parse('2026-01-01T00:00:00Z'));
});

t.test('bad values are errors, not crashes', async (t) => {
  for (const q of [{ tailLines: 'x' }, { tailLines: '-1' }, { limitBytes: '0' }, { sinceSeconds: '0' }, { sinceSeconds: '5', sinceTime: '2026-01-01T00:00:00Z' }, { sinceTime: 'yesterday' }, { follow: 'maybe' }]) {
    t.throws(() => parseContainerLogOptions(q, NOW), LogOptionsError, JSON.stringify(q));
  }
});
