// Leader election over the real apiserver: two candidates on one Lease, one leads; when it stops
// cleanly the lease is released and the standby takes over without waiting for expiry; the Lease
// reads as client-go writes it (kubectl shows the holder).
import t from 'tap';
import { ControlPlane } from '../../helpers/control-plane.js';
import { KubeClient } from '../../../lib/client/client.js';
import { LeaderElector } from '../../../lib/leader/elector.js';
import { RestLeaseLock } from '../../../lib/leader/rest-lock.js';
import type { Lease } from '../../../lib/api/types.js';
import { waitFor } from '../../../lib/util/wait.js';

t.test('two candidates on a Lease: one leads, a clean stop hands over at once', { timeout: 120_000 }, async (t) => {
  const cp = await ControlPlane.start();
  t.teardown(() => cp.stop());
  const client = new KubeClient({ component: 'leader-test', config: { servers: [cp.url], namespace: 'kube-system' }, qps: -1 });
  t.teardown(() => client.close());
  const leading = new Set<string>();
  const history: string[] = [];
  const candidate = (identity: string) => {
    const ac = new AbortController();
    const elector = new LeaderElector({
      lock: new RestLeaseLock(client, 'kube-system', 'k8ts-test'),
      identity,
      // Long enough that a takeover within it can only come from the release, not from expiry.
      leaseDurationMs: 30_000,
      renewDeadlineMs: 20_000,
      retryPeriodMs: 200,
      callbacks: {
        onStartedLeading: (signal) => {
          t.notOk(leading.size > 0, `${identity} starts while nobody else leads`);
          leading.add(identity);
          history.push(`start ${identity}`);
          return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        },
        onStoppedLeading: () => {
          leading.delete(identity);
          history.push(`stop ${identity}`);
        },
      },
    });
    return { elector, ac, done: elector.run(ac.signal) };
  };
  const a = candidate('alpha');
  await waitFor(() => leading.size === 1, { timeoutMs: 10_000, description: 'a first leader' });
  const b = candidate('beta');
  const first = [...leading][0]!;
  const [leader, standby] = first === 'alpha' ? [a, b] : [b, a];
  const lease = await client.resource<Lease>('leases.coordination.k8s.io').get('k8ts-test');
  t.equal(lease.spec?.holderIdentity, first);
  t.equal(lease.spec?.leaseDurationSeconds, 30);
  t.match(lease.spec?.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'renewTime is a MicroTime');
  const kubectl = await cp.kubectl(['get', 'lease', '-n', 'kube-system', 'k8ts-test', '-o', 'jsonpath={.spec.holderIdentity}']);
  t.equal(kubectl.stdout, first, 'the real kubectl reads the holder');

  const stoppedAt = Date.now();
  leader.ac.abort();
  await leader.done;
  await waitFor(() => leading.size === 1 && !leading.has(first), { timeoutMs: 10_000, description: 'the standby to lead' });
  t.ok(Date.now() - stoppedAt < 30_000, 'taken over before the 30 s lease could have expired: it was released');
  t.same(history, [`start ${first}`, `stop ${first}`, `start ${standby.elector.identity}`]);
  const after = await client.resource<Lease>('leases.coordination.k8s.io').get('k8ts-test');
  t.equal(after.spec?.leaseTransitions, 1);
  standby.ac.abort();
  await standby.done;
});
