// A leader probing a follower whose MsgApps go unanswered (its stream is stalled) sends the probe's
// entries once; heartbeat responses then trigger only empty probes, not another maxSizePerMsg of
// entries each — what filled a stalled peer stream past V8's string limit after a partition.
import t from 'tap';
import type { Message } from '../../../../store/raft/types.js';
import { bytes, TestNode } from './harness.js';

function cluster(): TestNode[] {
  return [1, 2, 3].map((id) => new TestNode({ id, clusterId: 'c', peers: [1, 2, 3], tuning: { electionTick: 10, heartbeatTick: 1, maxSizePerMsg: 4096 }, seed: 1 }));
}

/** Runs Readys and delivers messages until quiet; `drop` decides which messages are lost. */
function settle(nodes: TestNode[], drop: (m: Message) => boolean = () => false, seen: Message[] = []): Message[] {
  for (let round = 0; round < 1000; round++) {
    const msgs: Message[] = [];
    for (const n of nodes) msgs.push(...(n.processReady()?.messages ?? []));
    if (msgs.length === 0) return seen;
    for (const m of msgs) {
      seen.push(m);
      if (!drop(m)) nodes[m.to - 1]!.raw.step(m);
    }
  }
  throw new Error('did not settle');
}

t.test('heartbeat responses from a probing follower do not re-send the probe entries', async (t) => {
  const nodes = cluster();
  const [leader, follower] = [nodes[0]!, nodes[1]!];
  settle(nodes); // bootstrap membership is applied before anyone campaigns
  leader.raw.campaign();
  settle(nodes);
  t.ok(leader.raw.isLeader(), 'node 1 leads');

  // The follower's inbound appends are lost from now on (a stalled stream); it falls behind.
  const appendToFollower = (m: Message) => m.type === 'MsgApp' && m.to === follower.id;
  for (let i = 0; i < 20; i++) leader.raw.propose(bytes(`entry-${i}-${'x'.repeat(500)}`));
  settle(nodes, appendToFollower);
  leader.raw.reportUnreachable(follower.id); // the transport noticed: probe state
  t.equal(leader.raw.status().progress[follower.id]?.state, 'probe', 'the follower is probed');

  const sent: Message[] = [];
  for (let hb = 0; hb < 10; hb++) {
    leader.raw.tick(); // heartbeat: the follower answers, its responses reach the leader
    settle(nodes, appendToFollower, sent);
  }
  const toFollower = sent.filter(appendToFollower);
  const withEntries = toFollower.filter((m) => m.entries.length > 0);
  t.ok(withEntries.length <= 1, `entries were sent at most once while the probe went unanswered (sent ${withEntries.length} times)`);
  t.ok(toFollower.length - withEntries.length >= 5, `the leader kept asking with empty probes (${toFollower.length - withEntries.length})`);

  // Healed: the next empty probe is answered and the follower catches up.
  for (let hb = 0; hb < 3; hb++) {
    leader.raw.tick();
    settle(nodes);
  }
  t.equal(follower.raw.raft.raftLog.lastIndex(), leader.raw.raft.raftLog.lastIndex(), 'the follower caught up after the heal');
});
