// The Ready/advance contract of RawNode, input validation, cluster id checks, bootstrap/restart,
// election timeout randomization and compaction.
import t from 'tap';
import { RawNode } from '../../../../store/raft/node.js';
import { MemoryStorage } from '../../../../store/raft/storage.js';
import { SeededRand } from '../../../../store/raft/rand.js';
import { makeMessage, type Message } from '../../../../store/raft/types.js';
import { TestNode, bytes, text } from './harness.js';
import type { Ready } from '../../../../store/raft/node.js';

/** Step 1 of the driver loop: write the Ready into the node's storage. */
function persist(n: TestNode, rd: Ready): void {
  if (rd.snapshot) n.storage.applySnapshot(rd.snapshot);
  n.storage.append(rd.entries);
  if (rd.hardState) n.storage.setHardState(rd.hardState);
}

const fixed = { intn: () => 0 };

function solo(): TestNode {
  const n = new TestNode({ id: 1, clusterId: 'c1', peers: [1], tuning: {}, seed: 1, rand: fixed });
  n.processReady();
  return n;
}

t.test('bootstrap: first Ready persists the initial membership at term 1', async (t) => {
  const storage = new MemoryStorage();
  const node = new RawNode({ id: 2, clusterId: 'c1', storage, rand: fixed, peers: [3, 1, 2] });
  t.ok(node.hasReady());
  const rd = node.ready();
  t.same(rd.hardState, { term: 1, vote: 0, commit: 3 });
  t.same(rd.entries.map((e) => [e.index, e.term, e.type, text(e.data)]), [
    [1, 1, 'confChange', '{"type":"addNode","nodeId":1}'],
    [2, 1, 'confChange', '{"type":"addNode","nodeId":2}'],
    [3, 1, 'confChange', '{"type":"addNode","nodeId":3}'],
  ]);
  t.equal(rd.committedEntries.length, 3, 'bootstrap entries are committed and applied like any other');
  t.ok(rd.mustSync);
  t.same(node.confState().voters, [1, 2, 3]);
});

t.test('ready() twice without advance() throws; advance() needs that Ready; hasReady() is false meanwhile', async (t) => {
  const n = solo();
  n.raw.campaign();
  t.ok(n.raw.hasReady());
  const rd = n.raw.ready();
  t.notOk(n.raw.hasReady());
  t.throws(() => n.raw.ready(), /before advance/);
  t.throws(() => n.raw.advance({ ...rd }), /Ready returned by the last ready/);
  t.throws(() => n.raw.advance(rd), /before the Ready's entries/, 'advance without persisting is caught');
  persist(n, rd);
  n.raw.advance(rd);
});

t.test('single member: the leader counts its own entry only after advance() reports it persisted', async (t) => {
  const n = solo();
  n.raw.campaign();
  t.ok(n.raw.isLeader(), 'a single voter wins at once');
  let rd = n.raw.ready();
  t.same(rd.hardState, { term: 2, vote: 1, commit: 1 });
  t.equal(rd.entries.length, 1, 'the no-op is to be persisted');
  t.equal(rd.committedEntries.length, 0, 'nothing commits before persisting');
  persist(n, rd);
  n.raw.advance(rd);
  rd = n.raw.ready();
  t.same(rd.committedEntries.map((e) => e.index), [2], 'after advance the no-op commits');
  persist(n, rd);
  n.raw.advance(rd);

  // Many proposals between Readys are batched into a single append.
  for (let k = 0; k < 100; k++) t.ok(n.raw.propose(bytes(`v${k}`)).ok);
  t.ok(n.raw.proposeBatch([bytes('a'), bytes('b')]).ok);
  rd = n.raw.ready();
  t.equal(rd.entries.length, 102);
  t.equal(rd.committedEntries.length, 0);
  persist(n, rd);
  n.raw.advance(rd);
  rd = n.raw.ready();
  t.equal(rd.committedEntries.length, 102);
  t.notOk(rd.mustSync, 'commit alone needs no fsync');
  persist(n, rd);
  n.raw.advance(rd);
  t.equal(n.raw.status().applied, 104);
});

t.test('votes leave only through a Ready that also carries the term and vote to persist', async (t) => {
  const nodes = [1, 2, 3].map((id) => new TestNode({ id, clusterId: 'c1', peers: [1, 2, 3], tuning: { preVote: false }, seed: 1, rand: fixed }));
  for (const n of nodes) n.processReady();
  nodes[0]!.raw.campaign();
  const rd1 = nodes[0]!.raw.ready();
  t.same(rd1.hardState && [rd1.hardState.term, rd1.hardState.vote], [2, 1]);
  t.ok(rd1.mustSync);
  t.same(rd1.messages.map((m) => `${m.type}->${m.to}`), ['MsgVote->2', 'MsgVote->3']);
  t.equal(nodes[1]!.raw.step(rd1.messages[0]!).ok, true);
  const rd2 = nodes[1]!.raw.ready();
  t.same(rd2.hardState && [rd2.hardState.term, rd2.hardState.vote], [2, 1], 'the voter persists its vote…');
  t.same(rd2.messages.map((m) => `${m.type}:${m.reject}`), ['MsgVoteResp:false'], '…in the same Ready as the grant');
});

t.test('step() rejects malformed, local and foreign messages with a reason instead of throwing', async (t) => {
  const n = solo();
  const good = (over: Partial<Message>): Message => ({ ...makeMessage({ type: 'MsgHeartbeat', from: 2, to: 1 }), clusterId: 'c1', term: 1, ...over });
  const cases: { name: string; msg: unknown; reason: string }[] = [
    { name: 'not an object', msg: null, reason: 'invalidMessage' },
    { name: 'unknown type', msg: good({ type: 'MsgBogus' as never }), reason: 'invalidMessage' },
    { name: 'negative term', msg: good({ term: -1 }), reason: 'invalidMessage' },
    { name: 'fractional index', msg: good({ index: 1.5 }), reason: 'invalidMessage' },
    { name: 'zero from', msg: good({ from: 0 }), reason: 'invalidMessage' },
    { name: 'entries not an array', msg: good({ entries: 'x' as never }), reason: 'invalidMessage' },
    { name: 'entry data not bytes', msg: good({ type: 'MsgApp', entries: [{ term: 1, index: 1, type: 'normal', data: 'x' as never }] }), reason: 'invalidMessage' },
    { name: 'non-contiguous MsgApp', msg: good({ type: 'MsgApp', index: 3, entries: [{ term: 1, index: 9, type: 'normal', data: new Uint8Array() }] }), reason: 'invalidMessage' },
    { name: 'MsgSnap without snapshot', msg: good({ type: 'MsgSnap' }), reason: 'invalidMessage' },
    { name: 'local type from the network', msg: good({ type: 'MsgHup' }), reason: 'invalidMessage' },
    { name: 'other cluster', msg: good({ clusterId: 'other' }), reason: 'clusterIdMismatch' },
    { name: 'wrong recipient', msg: good({ to: 7 }), reason: 'wrongRecipient' },
  ];
  for (const c of cases) {
    const r = n.raw.step(c.msg as Message);
    t.equal(r.ok ? 'ok' : r.reason, c.reason, c.name);
  }
  const st = n.raw.status();
  t.equal(st.rejected.clusterIdMismatch, 1, 'cluster id mismatches are counted for the driver to report');
  t.equal(st.rejected.invalid, 11);
  const r = n.raw.step(good({ clusterId: 'other' }));
  t.match(r.ok ? '' : r.detail, /cluster id "other".*"c1"/, 'the detail names both cluster ids');
});

t.test('proposals: dropped without a leader, conf changes validated and serialized', async (t) => {
  const nodes = [1, 2, 3].map((id) => new TestNode({ id, clusterId: 'c1', peers: [1, 2, 3], tuning: {}, seed: 1, rand: fixed }));
  for (const n of nodes) n.processReady();
  const r = nodes[0]!.raw.propose(bytes('x'));
  t.same(r.ok ? '' : r.reason, 'noLeader');
  const bad = nodes[0]!.raw.proposeConfChange({ type: 'addNode', nodeId: -1 });
  t.same(bad.ok ? '' : bad.reason, 'invalidMessage');
  t.throws(() => nodes[0]!.raw.applyConfChange({ term: 1, index: 9, type: 'normal', data: new Uint8Array() }), /not a confChange/);
  t.throws(() => nodes[0]!.raw.applyConfChange({ term: 1, index: 9, type: 'confChange', data: bytes('{oops') }), /not valid JSON/);

  const s = solo();
  s.raw.campaign();
  s.processReady();
  s.processReady();
  const last = s.raw.proposeConfChange({ type: 'removeNode', nodeId: 1 });
  t.match(last.ok ? '' : last.detail, /last member/, 'cannot remove the last member');
});

t.test('restart from storage keeps term, vote, log and commit; applied restarts at the snapshot', async (t) => {
  const n = solo();
  n.raw.campaign();
  for (let k = 0; k < 4; k++) n.processReady();
  n.raw.propose(bytes('a'));
  n.processReady();
  n.processReady();
  const before = n.raw.status();
  t.equal(before.commit, 3);
  const snap = n.compact();
  t.equal(snap?.metadata.index, 3);
  t.same(snap?.metadata.confState.voters, [1]);
  t.throws(() => n.raw.compact(3, new Uint8Array()), /already compacted/);
  t.throws(() => n.raw.compact(99, new Uint8Array()), /applied index/);
  n.raw.propose(bytes('b'));
  n.processReady(); // persisted, not yet committed
  n.crash();
  n.restart();
  const after = n.raw.status();
  t.same([after.term, after.vote, after.lastIndex, after.firstIndex, after.applied], [2, 1, 4, 4, 3]);
  t.equal(after.state, 'follower');
  t.same(n.raw.confState().voters, [1], 'membership comes from the snapshot');
});

t.test('randomized election timeouts come from the injected PRNG and stay in [e, 2e)', async (t) => {
  const seen = new Set<number>();
  for (let seed = 1; seed <= 30; seed++) {
    const node = new RawNode({ id: 1, clusterId: 'c', storage: new MemoryStorage(), rand: new SeededRand(seed), peers: [1, 2, 3], electionTick: 10 });
    const tmo = node.raft.randomizedElectionTimeout;
    t.ok(tmo >= 10 && tmo < 20, `timeout ${tmo} in range`);
    seen.add(tmo);
    const again = new RawNode({ id: 1, clusterId: 'c', storage: new MemoryStorage(), rand: new SeededRand(seed), peers: [1, 2, 3], electionTick: 10 });
    t.equal(again.raft.randomizedElectionTimeout, tmo, 'same seed, same timeout');
  }
  t.ok(seen.size > 3, 'timeouts vary with the seed');
  t.throws(() => new RawNode({ id: 1, clusterId: 'c', storage: new MemoryStorage(), rand: fixed, electionTick: 2, heartbeatTick: 2 }), /heartbeatTick < electionTick/);
  t.throws(() => new RawNode({ id: 0, clusterId: 'c', storage: new MemoryStorage(), rand: fixed }), /positive integer/);
});

t.test('leadership transfer hands over to an up-to-date follower', async (t) => {
  const nodes = [1, 2, 3].map((id) => new TestNode({ id, clusterId: 'c1', peers: [1, 2, 3], tuning: {}, seed: 1, rand: fixed }));
  const flush = () => {
    for (let round = 0; round < 50; round++) {
      const msgs = nodes.flatMap((n) => n.processReady()?.messages ?? []);
      if (!msgs.length) return;
      for (const m of msgs) nodes[m.to - 1]!.raw.step(m);
    }
  };
  flush();
  nodes[0]!.raw.campaign();
  flush();
  t.ok(nodes[0]!.raw.isLeader());
  t.ok(nodes[0]!.raw.transferLeadership(3).ok);
  const dropped = nodes[0]!.raw.propose(bytes('during'));
  t.same(dropped.ok ? '' : dropped.reason, 'proposalDropped', 'no proposals while transferring');
  flush();
  t.ok(nodes[2]!.raw.isLeader(), 'node 3 leads');
  t.equal(nodes[2]!.raw.status().term, 3);
  t.equal(nodes[0]!.raw.leader(), 3);
});

t.test('flow limits: uncommitted bytes cap proposals; forwarding can be disabled', async (t) => {
  const n = new TestNode({ id: 1, clusterId: 'c1', peers: [1], tuning: { maxUncommittedEntriesSize: 10 }, seed: 1, rand: fixed });
  n.processReady();
  n.raw.campaign();
  n.processReady();
  n.processReady();
  t.ok(n.raw.propose(bytes('12345678')).ok);
  const r = n.raw.propose(bytes('12345678'));
  t.match(r.ok ? '' : r.detail, /uncommitted bytes/, 'over the cap');
  n.processReady(); // persist
  n.processReady(); // commit + apply: the bytes no longer count
  t.ok(n.raw.propose(bytes('12345678')).ok);

  const nodes = [1, 2, 3].map((id) => new TestNode({ id, clusterId: 'c1', peers: [1, 2, 3], tuning: { disableProposalForwarding: true }, seed: 1, rand: fixed }));
  const flush = () => {
    for (let round = 0; round < 50; round++) {
      const msgs = nodes.flatMap((x) => x.processReady()?.messages ?? []);
      if (!msgs.length) return;
      for (const m of msgs) nodes[m.to - 1]!.raw.step(m);
    }
  };
  flush();
  nodes[0]!.raw.campaign();
  flush();
  const f = nodes[1]!.raw.propose(bytes('x'));
  t.same(f.ok ? '' : f.reason, 'notLeader');
});
