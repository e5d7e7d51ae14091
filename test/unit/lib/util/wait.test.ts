import t from 'tap';
import { waitFor } from '../../../../lib/util/wait.js';

t.test('returns the first truthy value of the condition', async (t) => {
  let n = 0;
  const v = await waitFor(() => (++n >= 3 ? `done after ${n}` : false), { intervalMs: 1, timeoutMs: 5000 });
  t.equal(v, 'done after 3');
});

t.test('a throwing condition counts as not yet; the timeout error names what it waited for', async (t) => {
  await t.rejects(
    waitFor(() => { throw new Error('connection refused'); }, { timeoutMs: 30, intervalMs: 5, description: 'store leader' }),
    /timed out after 30 ms .*waiting for store leader: last error: connection refused/,
  );
});
