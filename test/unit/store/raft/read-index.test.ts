// ReadIndex: the pending-request queue, and the leader's rules for confirming reads.
import t from 'tap';
import { ReadOnly } from '../../../../store/raft/read-only.js';
import { TestNode, bytes } from './harness.js';
import type { Message } from '../../../../store/raft/types.js';

t.test('ReadOnly queue: acks, confirming a later request confirms earlier ones, duplicates', async (t) => {
  const ro = new ReadOnly();
  t.ok(ro.addRequest(5, 1, 'a'));
  t.ok(ro.addRequest(6, 2, 'b'));
  t.notOk(ro.addRequest(7, 1, 'a'), 'a pending context is not added twice');
  t.equal(ro.lastPendingRequestCtx(), 'b');
  t.equal(ro.recvAck(9, 'zzz'), undefined, 'unknown context');
  ro.recvAck(1, 'b');
  t.equal(ro.recvAck(2, 'b')!.size, 2);
  const done = ro.advance('b');
  t.same(done.map((r) => [r.ctx, r.index, r.from]), [['a', 5, 1], ['b', 6, 2]]);
  t.equal(ro.pendingCount(), 0);
  t.same(ro.advance('b'), [], 'already confirmed');
});

/** A three-node cluster driven by hand: `flush` processes Readys and delivers until quiet. */
function cluster(): { nodes: TestNode[]; flush: (filter?: (m: Message) => boolean) => void } {
  const peers = [1, 2, 3];
  const nodes = peers.map((id) => new TestNode({ id, clusterId: 'c', peers, tuning: { electionTick: 10, heartbeatTick: 1 }, seed: 1, rand: { intn: () => 0 } }));
  const flush = (filter: (m: Message) => boolean = () => true) => {
    for (let round = 0; round < 100; round++) {
      const msgs: Message[] = [];
      for (const n of nodes) if (n.alive) msgs.push(...(n.processReady()?.messages ?? []));
      if (msgs.length === 0) return;
      for (const m of msgs) if (filter(m) && nodes[m.to - 1]!.alive) nodes[m.to - 1]!.raw.step(m);
    }
    throw new Error('did not settle');
  };
  flush(); // persist and apply the bootstrap membership: nobody campaigns before that
  return { nodes, flush };
}

function collectReads(n: TestNode): { index: number; requestCtx: string }[] {
  return n.processReady()?.readStates ?? [];
}

t.test('leader confirms a read only after a quorum acknowledges a heartbeat carrying it', async (t) => {
  const { nodes, flush } = cluster();
  const [n1, n2] = nodes as [TestNode, TestNode, TestNode];
  n1.raw.campaign();
  flush();
  t.ok(n1.raw.isLeader());
  t.ok(n1.raw.readIndex('r').ok);
  // Heartbeats go out; nobody answers yet.
  const out = n1.processReady()!;
  t.same(out.readStates, []);
  const hbs = out.messages.filter((m) => m.type === 'MsgHeartbeat' && m.context === 'r');
  t.equal(hbs.length, 2, 'a heartbeat with the read context goes to each follower');
  // One follower answers: self + one = quorum of three.
  n2.raw.step(hbs.find((m) => m.to === 2)!);
  const resp = n2.processReady()!.messages.find((m) => m.type === 'MsgHeartbeatResp')!;
  t.equal(resp.context, 'r');
  n1.raw.step(resp);
  t.same(collectReads(n1), [{ index: n1.raw.raft.raftLog.committed, requestCtx: 'r' }]);
});

t.test('a new leader holds reads until it has committed an entry of its own term', async (t) => {
  const { nodes, flush } = cluster();
  const n1 = nodes[0]!;
  n1.raw.campaign();
  // Run the election but drop every MsgApp, so the no-op of term 2 is not committed.
  flush((m) => m.type !== 'MsgApp');
  t.ok(n1.raw.isLeader());
  t.not(n1.raw.raft.raftLog.term(n1.raw.raft.raftLog.committed), n1.raw.raft.term);
  t.ok(n1.raw.readIndex('early').ok);
  const out = n1.processReady();
  t.notOk(out?.messages.some((m) => m.context === 'early'), 'no heartbeat round yet');
  // Heartbeat responses make the leader resend the no-op; once it commits, the read proceeds.
  n1.raw.tick();
  const reads: string[] = [];
  for (let k = 0; k < 20 && reads.length === 0; k++) {
    const msgs: Message[] = [];
    for (const n of nodes) {
      const o = n.processReady();
      if (!o) continue;
      msgs.push(...o.messages);
      if (n === n1) reads.push(...o.readStates.map((r) => `${r.requestCtx}@${r.index}`));
    }
    for (const m of msgs) nodes[m.to - 1]!.raw.step(m);
  }
  t.same(reads, [`early@${n1.raw.raft.raftLog.committed}`]);
  t.equal(n1.raw.raft.raftLog.term(n1.raw.raft.raftLog.committed), n1.raw.raft.term);
});

t.test('a single-member cluster answers reads at once; followers forward; no leader drops', async (t) => {
  const solo = new TestNode({ id: 1, clusterId: 'c', peers: [1], tuning: {}, seed: 1, rand: { intn: () => 0 } });
  solo.processReady();
  solo.raw.campaign();
  t.ok(solo.raw.isLeader());
  solo.processReady();
  solo.processReady(); // the no-op commits after the self-ack
  t.ok(solo.raw.propose(bytes('x')).ok);
  solo.processReady();
  solo.processReady();
  t.ok(solo.raw.readIndex('s').ok);
  t.same(collectReads(solo), [{ index: 3, requestCtx: 's' }]);

  const { nodes, flush } = cluster();
  const r = nodes[2]!.raw.readIndex('nobody');
  t.same(r.ok ? '' : r.reason, 'noLeader', 'a follower without leader drops the read with a reason');
  nodes[0]!.raw.campaign();
  flush();
  t.ok(nodes[2]!.raw.readIndex('f').ok);
  const got: string[] = [];
  for (let k = 0; k < 10; k++) {
    const msgs: Message[] = [];
    for (const n of nodes) {
      const o = n.processReady();
      if (!o) continue;
      msgs.push(...o.messages);
      got.push(...o.readStates.map((x) => `${n.id}:${x.requestCtx}`));
    }
    for (const m of msgs) nodes[m.to - 1]!.raw.step(m);
  }
  t.same(got, ['3:f'], 'the read state appears on the follower that asked');
});

t.test('five members: one acknowledgement besides the leader is not enough, two are', async (t) => {
  const peers = [1, 2, 3, 4, 5];
  const nodes = peers.map((id) => new TestNode({ id, clusterId: 'c', peers, tuning: {}, seed: 1, rand: { intn: () => 0 } }));
  const flush = () => {
    for (let round = 0; round < 100; round++) {
      const msgs = nodes.flatMap((n) => n.processReady()?.messages ?? []);
      if (!msgs.length) return;
      for (const m of msgs) nodes[m.to - 1]!.raw.step(m);
    }
  };
  flush();
  const leader = nodes[0]!;
  leader.raw.campaign();
  flush();
  t.ok(leader.raw.isLeader());
  t.ok(leader.raw.readIndex('q').ok);
  const hbs = leader.processReady()!.messages.filter((m) => m.context === 'q');
  t.equal(hbs.length, 4);
  const ack = (to: number): Message => {
    nodes[to - 1]!.raw.step(hbs.find((m) => m.to === to)!);
    return nodes[to - 1]!.processReady()!.messages.find((m) => m.type === 'MsgHeartbeatResp')!;
  };
  leader.raw.step(ack(2));
  t.same(collectReads(leader), [], 'leader + 1 of 5 is not a quorum');
  leader.raw.step(ack(2));
  t.same(collectReads(leader), [], 'a duplicate ack does not count twice');
  leader.raw.step(ack(3));
  t.same(collectReads(leader).map((r) => r.requestCtx), ['q'], 'leader + 2 of 5 confirms');
});
