// RawNode.leaderLost: a follower told that its leader's connection dropped campaigns within a
// quarter of an election timeout instead of a full randomized one — and changes nothing while
// the leader is in fact alive.
import t from 'tap';
import type { Message } from '../../../../store/raft/types.js';
import { TestNode } from './harness.js';

const ELECTION = 10;

function cluster(seed: number): TestNode[] {
  return [1, 2, 3].map((id) => new TestNode({ id, clusterId: 'c', peers: [1, 2, 3], tuning: { electionTick: ELECTION, heartbeatTick: 1 }, seed }));
}

/** Processes Readys and delivers messages among `up` nodes until quiet (bounded). */
function settle(nodes: TestNode[], up: Set<number>): void {
  for (let round = 0; round < 1000; round++) {
    const msgs: Message[] = [];
    for (const n of nodes) {
      if (!up.has(n.id)) continue;
      const out = n.processReady();
      if (out) msgs.push(...out.messages);
    }
    if (msgs.length === 0) return;
    for (const m of msgs) if (up.has(m.to)) nodes[m.to - 1]!.raw.step(m);
  }
  throw new Error('did not settle');
}

function leaderOf(nodes: TestNode[], up: Set<number>): number {
  const leaders = nodes.filter((n) => up.has(n.id) && n.raw.isLeader());
  return leaders.length === 1 ? leaders[0]!.id : 0;
}

/**
 * Ticks the live nodes until one of them leads; returns the ticks it took. Real members' tick
 * timers are not in phase, so each node ticks on its own and messages flow in between.
 */
function ticksToNewLeader(nodes: TestNode[], up: Set<number>, limit = 200): number {
  for (let tick = 1; tick <= limit; tick++) {
    for (const n of nodes) {
      if (!up.has(n.id)) continue;
      n.raw.tick();
      settle(nodes, up);
    }
    if (leaderOf(nodes, up)) return tick;
  }
  return Infinity;
}

t.test('with the hint, a new leader is elected within a quarter election timeout', async (t) => {
  for (let seed = 1; seed <= 20; seed++) {
    const nodes = cluster(seed);
    const all = new Set([1, 2, 3]);
    settle(nodes, all);
    nodes[0]!.raw.campaign();
    settle(nodes, all);
    t.equal(leaderOf(nodes, all), 1, `seed ${seed}: node 1 leads`);
    const up = new Set([2, 3]); // node 1's process died
    nodes[1]!.raw.leaderLost(1);
    nodes[2]!.raw.leaderLost(1);
    const ticks = ticksToNewLeader(nodes, up);
    t.ok(ticks <= Math.floor(ELECTION / 4) + 2, `seed ${seed}: new leader after ${ticks} ticks (election timeout ${ELECTION})`);
  }
});

t.test('without the hint it takes at least an election timeout (the baseline)', async (t) => {
  const nodes = cluster(7);
  const all = new Set([1, 2, 3]);
  settle(nodes, all);
  nodes[0]!.raw.campaign();
  settle(nodes, all);
  const ticks = ticksToNewLeader(nodes, new Set([2, 3]));
  t.ok(ticks >= ELECTION, `new leader after ${ticks} ticks`);
});

t.test('a false alarm while the leader is alive does not disturb it', async (t) => {
  const nodes = cluster(3);
  const all = new Set([1, 2, 3]);
  settle(nodes, all);
  nodes[0]!.raw.campaign();
  settle(nodes, all);
  const term = nodes[0]!.raw.status().term;
  nodes[1]!.raw.leaderLost(1); // only node 2 saw a connection drop; node 3 still hears the leader
  for (let i = 0; i < ELECTION * 3; i++) {
    for (const n of nodes) n.raw.tick();
    settle(nodes, all);
  }
  t.equal(leaderOf(nodes, all), 1, 'node 1 still leads');
  t.equal(nodes[0]!.raw.status().term, term, 'no term was bumped (PreVote kept the alarm local)');
  t.equal(nodes[1]!.raw.leader(), 1);
});

t.test('the hint is ignored for a node that is not our leader', async (t) => {
  const nodes = cluster(5);
  const all = new Set([1, 2, 3]);
  settle(nodes, all);
  nodes[0]!.raw.campaign();
  settle(nodes, all);
  const before = nodes[1]!.raw.status();
  nodes[1]!.raw.leaderLost(3);
  for (let i = 0; i < ELECTION - 1; i++) nodes[1]!.raw.tick();
  t.equal(nodes[1]!.raw.status().state, 'follower');
  t.equal(nodes[1]!.raw.status().term, before.term);
});
