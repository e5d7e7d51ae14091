// Three real store processes; concurrent clients do puts, compare-and-swaps, deletes and
// linearizable reads while the leader is kill -9'ed and restarted, or while a member is cut off
// from the others by the transport's fault injection and healed. The recorded history must be
// linearizable (which also means no acknowledged write was lost), and the cluster must serve again
// soon after each fault.
import t, { type Test } from 'tap';
import { request } from 'undici';
import { StoreCluster, type StoreMemberProcess } from '../../../cluster/store-cluster.js';
import { StoreClient } from '../../../lib/store-client/client.js';
import { StoreError } from '../../../lib/store-client/errors.js';
import { waitFor } from '../../../lib/util/wait.js';
import { HistoryRecorder, checkKvLinearizability, type KvInput } from '../../helpers/linearizability.js';

const ELECTION_MS = 500;
const CLIENTS = 6;
const KEYS = ['k0', 'k1', 'k2', 'k3'];
const KILLS = 3;
/** Generous: recovery takes about two election timeouts or an idle timeout; this only catches "never" and TCP back-off. */
const RECOVERY_BOUND_MS = ELECTION_MS * 20;

/** Clients doing random operations on a few keys, recording every call and its outcome. */
function startWorkload(cluster: StoreCluster, t: Test) {
  const rec = new HistoryRecorder();
  let stop = false;
  let seq = 0;
  let rng = 12345;
  const random = () => ((rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const clients = Array.from({ length: CLIENTS }, () => new StoreClient({ endpoints: cluster.endpoints(), timeoutMs: 2000, retryBudgetMs: 4000 }));
  t.teardown(() => Promise.all(clients.map((c) => c.close())));

  async function one(client: StoreClient, id: number): Promise<void> {
    const key = KEYS[Math.floor(random() * KEYS.length)]!;
    const r = random();
    let input: KvInput;
    if (r < 0.35) input = { op: 'get', key };
    else if (r < 0.7) input = { op: 'put', key, value: `v${++seq}` };
    else if (r < 0.9) {
      const seen = await client.get(key).catch(() => undefined);
      input = { op: 'cas', key, expected: seen ? seen.value : null, value: `v${++seq}` };
    } else input = { op: 'delete', key };
    const h = rec.invoke(id, input);
    try {
      switch (input.op) {
        case 'get': {
          const kv = await client.get(input.key);
          rec.ok(h, { ok: true, value: kv ? kv.value : null });
          break;
        }
        case 'put':
          await client.put({ key: input.key, value: input.value });
          rec.ok(h, { ok: true });
          break;
        case 'delete':
          await client.deleteRange({ key: input.key });
          rec.ok(h, { ok: true });
          break;
        case 'cas': {
          const compare = input.expected === null
            ? { key: input.key, target: 'version' as const, op: '=' as const, value: 0 }
            : { key: input.key, target: 'value' as const, op: '=' as const, value: input.expected };
          const res = await client.txn({ compare: [compare], success: [{ type: 'put', key: input.key, value: input.value }], failure: [] });
          rec.ok(h, { ok: res.succeeded });
          break;
        }
      }
    } catch (err) {
      if (err instanceof StoreError && !err.outcomeUnknown) rec.rejected(h);
      else rec.unknown(h);
    }
  }

  const workers = clients.map(async (client, id) => {
    for (let i = 0; i < 100_000 && !stop; i++) await one(client, id);
  });

  return {
    /** Stops the workers, reads every key once more and checks the whole history. */
    async finish(probe: StoreClient): Promise<void> {
      stop = true;
      await Promise.all(workers);
      for (const key of KEYS) {
        const h = rec.invoke('final', { op: 'get', key });
        const kv = await probe.get(key);
        rec.ok(h, { ok: true, value: kv ? kv.value : null });
      }
      const history = rec.history();
      const acked = history.filter((o) => o.input.op !== 'get' && o.output?.ok).length;
      t.comment(`history: ${history.length} ops, ${acked} acknowledged writes, ${history.filter((o) => o.unknown).length} unknown outcomes`);
      t.ok(acked > 50, 'the workers got writes through');
      const result = checkKvLinearizability(history, { timeBudgetMs: 60_000 });
      t.equal(result.ok, true, result.ok === true ? 'linearizable' : JSON.stringify(result).slice(0, 4000));
    },
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('history under leader kills is linearizable and failover is quick', async (t) => {
  const cluster = await StoreCluster.start({ size: 3, heartbeatMs: 50, electionMs: ELECTION_MS });
  t.teardown(() => cluster.stop());
  const workload = startWorkload(cluster, t);
  const failovers: number[] = [];
  const probe = new StoreClient({ endpoints: cluster.endpoints(), timeoutMs: 1000, retryBudgetMs: 30_000 });
  t.teardown(() => probe.close());
  try {
    await pause(1000); // let the workers build up some history first
    for (let k = 0; k < KILLS; k++) {
      const leader = await cluster.leader();
      const killedAt = performance.now();
      await cluster.kill(leader.name, 'SIGKILL');
      // Until a write succeeds: an attempt caught mid-election may end with an unknown outcome.
      for (let attempt = 0; attempt < 200; attempt++) {
        const ok = await probe.put({ key: 'failover-probe', value: String(k) }).then(() => true, () => false);
        if (ok) break;
      }
      failovers.push(performance.now() - killedAt);
      await cluster.restart(leader.name);
      await cluster.waitReady();
      await pause(500); // more traffic with the full cluster
    }
  } finally {
    await workload.finish(probe);
  }
  t.comment(`failover (leader kill -9 → first successful write): ${failovers.map((f) => `${f.toFixed(0)} ms`).join(', ')} (election timeout ${ELECTION_MS} ms)`);
  for (const f of failovers) t.ok(f < RECOVERY_BOUND_MS, `writes resumed ${f.toFixed(0)} ms after the kill`);
});

/** Cuts `isolated` off from every other member, both ways (PUT /debug/faults on each). */
async function partition(cluster: StoreCluster, isolated: StoreMemberProcess | undefined): Promise<void> {
  for (const m of cluster.members) {
    const blockedPeers = !isolated ? [] : m === isolated ? cluster.members.filter((o) => o !== m).map((o) => o.name) : [isolated.name];
    const res = await request(`${m.peerURL}/debug/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ blockedPeers }) });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`fault injection on ${m.name}: HTTP ${res.statusCode} ${text}`);
  }
}

/** Time until `member` answers a linearizable read itself (it has a leader and caught up). */
async function timeToServe(member: StoreMemberProcess, since: number): Promise<number> {
  const direct = new StoreClient({ endpoints: [member.clientURL], timeoutMs: 1000, retryBudgetMs: 100 });
  try {
    for (let attempt = 0; attempt < 1000; attempt++) {
      if (performance.now() - since > RECOVERY_BOUND_MS * 2) break;
      const ok = await direct.range({ key: 'k0' }).then(() => true, () => false);
      if (ok) return performance.now() - since;
      await pause(50);
    }
    return Infinity;
  } finally {
    await direct.close();
  }
}

t.test('history under partitions of a follower and of the leader is linearizable; members serve again soon after the heal', async (t) => {
  // A low snapshot count makes the isolated member catch up through a snapshot after the heal,
  // the path on which a leader once failed for good.
  const cluster = await StoreCluster.start({ size: 3, heartbeatMs: 50, electionMs: ELECTION_MS, extraArgs: ['--unsafe-enable-fault-injection', '--snapshot-count', '200'] });
  t.teardown(() => cluster.stop());
  const workload = startWorkload(cluster, t);
  const probe = new StoreClient({ endpoints: cluster.endpoints(), timeoutMs: 1000, retryBudgetMs: 30_000 });
  t.teardown(() => probe.close());
  const recoveries: string[] = [];
  try {
    await pause(1000);
    for (const which of ['follower', 'leader'] as const) {
      const leader = await cluster.leader();
      const isolated = which === 'leader' ? leader : cluster.members.find((m) => m !== leader)!;
      await partition(cluster, isolated);
      const cutAt = performance.now();
      // The partition is real: the isolated member loses its leader (a follower stops hearing it,
      // a leader steps down for lack of a quorum) while the majority keeps writing.
      const lostLeader = await waitFor(async () => {
        const res = await request(`${isolated.clientURL}/status`);
        return ((await res.body.json()) as { leader: string }).leader === '';
      }, { timeoutMs: 5000, description: `${isolated.name} to lose its leader` }).then(() => true, () => false);
      t.ok(lostLeader, `the isolated ${which} lost its leader`);
      await pause(Math.max(0, 3000 - (performance.now() - cutAt)));
      await partition(cluster, undefined);
      const healedAt = performance.now();
      const isolatedServes = await timeToServe(isolated, healedAt);
      const writesResume = await probe.put({ key: 'heal-probe', value: which }).then(() => performance.now() - healedAt, () => Infinity);
      recoveries.push(`${which} ${isolated.name}: serves ${isolatedServes.toFixed(0)} ms after the heal, writes ${writesResume.toFixed(0)} ms`);
      t.ok(isolatedServes < RECOVERY_BOUND_MS, `the isolated ${which} serves linearizable reads ${isolatedServes.toFixed(0)} ms after the heal`);
      t.ok(writesResume < RECOVERY_BOUND_MS, `writes go through ${writesResume.toFixed(0)} ms after the heal`);
      await cluster.waitReady();
      for (const m of cluster.members) t.ok(m.proc && m.proc.exitCode === null, `${m.name} is still running`);
    }
  } finally {
    await workload.finish(probe);
  }
  t.comment(recoveries.join('; '));
});
