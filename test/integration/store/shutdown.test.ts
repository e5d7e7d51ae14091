// SIGTERM ends a member promptly even while clients hold watch streams open: the member ends the
// watches (and answers pending requests) before it waits for its HTTP servers to close.
import t from 'tap';
import { request } from 'undici';
import { StoreCluster } from '../../../cluster/store-cluster.js';

/** Not a timing benchmark: only "it did not hang" (the bug kept the member up indefinitely). */
const EXIT_BOUND_MS = 5000;

t.test('a member with open watch streams exits on SIGTERM', async (t) => {
  const cluster = await StoreCluster.start({ size: 1, heartbeatMs: 50, electionMs: 500 });
  t.teardown(() => cluster.stop());
  const member = cluster.members[0]!;
  const proc = member.proc!;

  const watches = await Promise.all(
    [0, 1].map(async () => {
      const res = await request(`${member.clientURL}/v3/watch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: '/', prefix: true }), bodyTimeout: 0 });
      t.equal(res.statusCode, 200, 'the watch is established');
      // Drain the stream until the member ends it.
      const ended = (async () => {
        let text = '';
        for await (const chunk of res.body) text += (chunk as Buffer).toString('utf8');
        return text;
      })().catch((err: Error) => `error: ${err.message}`);
      return { ended }; // wrapped: returning the promise itself would wait for the stream to end
    }),
  );

  proc.kill('SIGTERM');
  let bound: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    member.exited!.then((code) => ({ exited: true as const, code })),
    new Promise<{ exited: false }>((r) => (bound = setTimeout(() => r({ exited: false }), EXIT_BOUND_MS))),
  ]);
  clearTimeout(bound);
  t.ok(outcome.exited, `the member exited within ${EXIT_BOUND_MS} ms of SIGTERM`);
  if (outcome.exited) t.equal(outcome.code, 0, 'with exit code 0');
  else await cluster.kill(member.name, 'SIGKILL'); // so the watch streams below end either way
  for (const text of await Promise.all(watches.map((w) => w.ended))) t.match(text, /"created":true/, 'the watch stream was served, then ended');
});
