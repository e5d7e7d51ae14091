// Deterministic randomized simulation of a Raft cluster: a seeded PRNG drives message drop, delay,
// reordering and duplication, partitions and healing, crashes (losing whatever was not persisted)
// and restarts, proposals, reads, compactions, campaigns and leadership transfers. After every step
// the Raft safety properties are checked; at the end the network heals and liveness is checked.
//
//   RAFT_SEED=123           replay a single seed (prints a trace of events on failure)
//   RAFT_SEEDS=5000         number of seeds for a longer soak (default 200)
//   RAFT_STEPS=1000         steps per seed (default 300)
//   RAFT_TRACE=1            with RAFT_SEED: print every event and message
import t from 'tap';
import { SeededRand } from '../../../../store/raft/rand.js';
import type { Entry, Message, Snapshot } from '../../../../store/raft/types.js';
import { TestNode, bytes, entryText, type ApplyHooks, type RaftTuning } from './harness.js';

const ELECTION_TICK = 10;

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${v}`);
  return n;
}

class Violation extends Error {}

function cloneEntry(e: Entry): Entry {
  return { term: e.term, index: e.index, type: e.type, data: e.data.slice() };
}

/** Messages cross the "wire" as copies, so no node can ever share or mutate another's objects. */
function cloneMessage(m: Message): Message {
  const c: Message = { ...m, entries: m.entries.map(cloneEntry) };
  if (m.snapshot) {
    const s: Snapshot = m.snapshot;
    c.snapshot = {
      metadata: { index: s.metadata.index, term: s.metadata.term, confState: { voters: [...s.metadata.confState.voters] } },
      data: s.data.slice(),
    };
  }
  return c;
}

interface InFlight {
  msg: Message;
  at: number;
}

interface CommittedRecord {
  term: number;
  text: string;
  /** A term at or after the one in which the entry was committed. */
  commitTerm: number;
}

/** Global observer checking Raft's safety properties across all members. */
class Checker {
  readonly leaderByTerm = new Map<number, number>();
  /** (index, term) -> "prevTerm|data": the same pair must always denote the same entry and prefix. */
  private readonly entryAt = new Map<number, string>();
  readonly committed = new Map<number, CommittedRecord>();
  readonly appliedAt = new Map<number, string>();
  readonly appliedHash = new Map<number, number>();
  private readonly commitChecked = new Map<number, number>();
  private readonly textCache = new WeakMap<Entry, string>();
  maxCommit = 0;
  leadersSeen = 0;

  private textOf(e: Entry): string {
    let s = this.textCache.get(e);
    if (s === undefined) {
      s = `${e.type === 'confChange' ? 'cc:' : ''}${entryText(e)}`;
      this.textCache.set(e, s);
    }
    return s;
  }

  hooks(): ApplyHooks {
    return {
      onApply: (node, e) => {
        const s = this.textOf(e);
        const prev = this.appliedAt.get(e.index);
        if (prev === undefined) this.appliedAt.set(e.index, s);
        else if (prev !== s) {
          throw new Violation(`state machine safety: node ${node.id} applied ${JSON.stringify(s)} at ${e.index}, another node applied ${JSON.stringify(prev)}`);
        }
        const h = this.appliedHash.get(e.index);
        if (h === undefined) this.appliedHash.set(e.index, node.sm.hash);
        else if (h !== node.sm.hash) throw new Violation(`state machine safety: node ${node.id} state hash differs at ${e.index}`);
      },
      onRestore: (node, snap) => {
        const h = this.appliedHash.get(snap.metadata.index);
        if (h !== node.sm.hash) {
          throw new Violation(`snapshot at ${snap.metadata.index} installed on node ${node.id} does not match the applied history`);
        }
      },
    };
  }

  /** Called when a node restarts: its commit index starts again from the disk. */
  forgetCommit(id: number): void {
    this.commitChecked.delete(id);
  }

  check(nodes: readonly TestNode[]): void {
    for (const n of nodes) {
      if (!n.node) continue;
      const r = n.node.raft;
      // Election safety: at most one leader per term.
      if (r.state === 'leader') {
        const other = this.leaderByTerm.get(r.term);
        if (other === undefined) {
          this.leaderByTerm.set(r.term, n.id);
          this.leadersSeen++;
          this.checkLeaderCompleteness(n);
        } else if (other !== n.id) {
          throw new Violation(`election safety: nodes ${other} and ${n.id} are both leaders in term ${r.term}`);
        }
      }
      this.checkLogMatching(n);
      this.checkCommitted(n);
    }
  }

  private checkLogMatching(n: TestNode): void {
    const log = n.raw.raft.raftLog;
    const ents = n.logEntries();
    let prevTerm = log.term(log.firstIndex() - 1) ?? 0;
    for (const e of ents) {
      const key = e.index * 1048576 + e.term;
      const val = `${prevTerm}|${this.textOf(e)}`;
      const seen = this.entryAt.get(key);
      if (seen === undefined) this.entryAt.set(key, val);
      else if (seen !== val) {
        throw new Violation(`log matching: node ${n.id} has entry ${e.index}/${e.term} = ${val}, previously seen as ${seen}`);
      }
      prevTerm = e.term;
    }
  }

  private checkCommitted(n: TestNode): void {
    const r = n.raw.raft;
    const log = r.raftLog;
    const commit = log.committed;
    if (commit > this.maxCommit) this.maxCommit = commit;
    const from = Math.max(this.commitChecked.get(n.id) ?? 0, log.firstIndex() - 1);
    for (let i = from + 1; i <= commit; i++) {
      const term = log.term(i);
      const ents = log.slice(i, i + 1, Number.MAX_SAFE_INTEGER);
      if (term === undefined || !ents || ents.length !== 1) throw new Violation(`node ${n.id}: committed entry ${i} missing from its log`);
      const s = this.textOf(ents[0]!);
      const rec = this.committed.get(i);
      if (rec === undefined) this.committed.set(i, { term, text: s, commitTerm: r.term });
      else if (rec.term !== term || rec.text !== s) {
        throw new Violation(`committed entry ${i} differs: node ${n.id} has ${term}:${s}, committed was ${rec.term}:${rec.text}`);
      }
    }
    this.commitChecked.set(n.id, commit);
  }

  /** Every entry committed before this leader's term must be in its log (or its snapshot). */
  private checkLeaderCompleteness(n: TestNode): void {
    const log = n.raw.raft.raftLog;
    const term = n.raw.raft.term;
    const first = log.firstIndex();
    const last = log.lastIndex();
    for (const [i, rec] of this.committed) {
      if (rec.commitTerm >= term || i < first) continue;
      if (i > last) throw new Violation(`leader completeness: leader ${n.id} of term ${term} lacks committed entry ${i}`);
      const ents = log.slice(i, i + 1, Number.MAX_SAFE_INTEGER)!;
      if (log.term(i) !== rec.term || this.textOf(ents[0]!) !== rec.text) {
        throw new Violation(`leader completeness: leader ${n.id} of term ${term} has a different entry at committed index ${i}`);
      }
    }
  }
}

interface SeedResult {
  leaders: number;
  commits: number;
  confirmedReads: number;
  snapshotsInstalled: number;
  crashes: number;
}

class Simulation {
  readonly rand: SeededRand;
  readonly nodes: TestNode[];
  readonly checker = new Checker();
  private readonly hooks: ApplyHooks;
  private net: InFlight[] = [];
  private now = 0;
  private groups = new Map<number, number>();
  private dropP = 0;
  private dupP = 0;
  private maxDelay = 2;
  private proposals = 0;
  private readonly reads = new Map<string, number>();
  readonly trace: string[] = [];
  readonly stats: SeedResult = { leaders: 0, commits: 0, confirmedReads: 0, snapshotsInstalled: 0, crashes: 0 };

  constructor(
    readonly seed: number,
    private readonly verbose: boolean,
  ) {
    this.rand = new SeededRand(seed);
    const r = this.rand;
    const size = r.chance(0.5) ? 3 : 5;
    const ids = Array.from({ length: size }, (_, k) => k + 1);
    const tuning: RaftTuning = {
      electionTick: ELECTION_TICK,
      heartbeatTick: r.chance(0.7) ? 1 : 3,
      preVote: r.chance(0.8),
      checkQuorum: r.chance(0.8),
      maxSizePerMsg: r.pick([40, 100, 1024 * 1024]),
      maxInflightMsgs: r.pick([1, 2, 4, 64]),
    };
    this.log(`seed=${seed} size=${size} tuning=${JSON.stringify(tuning)}`);
    this.nodes = ids.map((id) => new TestNode({ id, clusterId: 'sim', peers: ids, tuning, seed }));
    this.hooks = this.checker.hooks();
    this.setNetwork();
  }

  private log(s: string): void {
    this.trace.push(`[${this.now}] ${s}`);
    if (this.trace.length > 400) this.trace.splice(0, 100);
    if (this.verbose) console.log(`[${this.now}] ${s}`);
  }

  private setNetwork(): void {
    const r = this.rand;
    this.dropP = r.pick([0, 0, 0.05, 0.2]);
    this.dupP = r.pick([0, 0.03]);
    this.maxDelay = r.pick([0, 1, 3]);
    this.log(`network drop=${this.dropP} dup=${this.dupP} maxDelay=${this.maxDelay}`);
  }

  private alive(): TestNode[] {
    return this.nodes.filter((n) => n.alive);
  }

  private leader(): TestNode | undefined {
    let best: TestNode | undefined;
    for (const n of this.alive()) {
      if (n.raw.isLeader() && (!best || n.raw.raft.term > best.raw.raft.term)) best = n;
    }
    return best;
  }

  private connected(a: number, b: number): boolean {
    return (this.groups.get(a) ?? 0) === (this.groups.get(b) ?? 0);
  }

  private enqueue(msgs: readonly Message[]): void {
    for (const m of msgs) {
      if (this.verbose) this.log(`send ${describe(m)}`);
      this.net.push({ msg: cloneMessage(m), at: this.now + this.rand.intn(this.maxDelay + 1) });
      if (this.dupP > 0 && this.rand.chance(this.dupP)) {
        this.net.push({ msg: cloneMessage(m), at: this.now + this.rand.intn(this.maxDelay + 3) });
      }
    }
  }

  private deliverDue(): void {
    const due: InFlight[] = [];
    const later: InFlight[] = [];
    for (const f of this.net) (f.at <= this.now ? due : later).push(f);
    this.net = later;
    // Same-time messages arrive in random order.
    for (let k = due.length - 1; k > 0; k--) {
      const j = this.rand.intn(k + 1);
      [due[k], due[j]] = [due[j]!, due[k]!];
    }
    for (const { msg } of due) this.deliver(msg);
  }

  private deliver(m: Message): void {
    const to = this.nodes[m.to - 1]!;
    const from = this.nodes[m.from - 1];
    const ok = to.alive && this.connected(m.from, m.to) && !(this.dropP > 0 && this.rand.chance(this.dropP));
    if (ok) {
      const res = to.raw.step(m);
      if (!res.ok && (res.reason === 'invalidMessage' || res.reason === 'clusterIdMismatch' || res.reason === 'wrongRecipient')) {
        throw new Violation(`node ${to.id} rejected a well-formed message ${describe(m)}: ${res.detail}`);
      }
    }
    // The transport tells the sender how a snapshot send went (as a real stream would).
    if (m.type === 'MsgSnap' && from?.alive) from.raw.reportSnapshot(m.to, ok);
  }

  private handleOutcome(n: TestNode, out: ReturnType<TestNode['finishReady']>): void {
    if (!out) return;
    if (out.ready.snapshot) this.stats.snapshotsInstalled++;
    for (const rs of out.readStates) {
      const min = this.reads.get(rs.requestCtx);
      if (min === undefined) throw new Violation(`node ${n.id} confirmed an unknown read ${rs.requestCtx}`);
      if (rs.index < min) {
        throw new Violation(`linearizability: read ${rs.requestCtx} on node ${n.id} got index ${rs.index}, but ${min} was already committed when it was issued`);
      }
      // Not deleted: a duplicated request or response may confirm the same read again (later).
      this.stats.confirmedReads++;
    }
    this.enqueue(out.messages);
  }

  private processReadys(finishP: number, crashP: number): void {
    for (const n of this.nodes) {
      if (!n.alive) continue;
      if (!n.pending) n.beginReady();
      if (!n.pending || !this.rand.chance(finishP)) continue;
      if (crashP > 0 && this.rand.chance(crashP)) {
        this.log(`crash ${n.id} right after persisting a Ready`);
        n.finishReady(this.hooks, true);
        this.checker.forgetCommit(n.id);
        this.stats.crashes++;
        continue;
      }
      this.handleOutcome(n, n.finishReady(this.hooks));
    }
  }

  private randomEvent(): void {
    const r = this.rand;
    const x = r.next();
    const alive = this.alive();
    if (x < 0.25) {
      // Mostly to some node that believes it leads (a stale leader too: that creates divergent logs).
      const leaders = alive.filter((n) => n.raw.isLeader());
      const target = leaders.length && r.chance(0.7) ? r.pick(leaders) : alive.length ? r.pick(alive) : undefined;
      if (!target) return;
      const count = r.chance(0.8) ? 1 : 1 + r.intn(6);
      const datas = Array.from({ length: count }, () => `p${++this.proposals}`);
      const res = count === 1 ? target.raw.propose(bytes(datas[0]!)) : target.raw.proposeBatch(datas.map(bytes));
      this.log(`propose ${datas.join(',')} on ${target.id}: ${res.ok ? 'ok' : res.reason}`);
    } else if (x < 0.3) {
      const leaders = alive.filter((n) => n.raw.isLeader());
      const target = leaders.length && r.chance(0.5) ? r.pick(leaders) : alive.length ? r.pick(alive) : undefined;
      if (!target) return;
      const ctx = `read${++this.proposals}`;
      this.reads.set(ctx, this.checker.maxCommit);
      const res = target.raw.readIndex(ctx);
      this.log(`read-index ${ctx} on ${target.id} (must be >= ${this.checker.maxCommit}): ${res.ok ? 'ok' : res.reason}`);
    } else if (x < 0.33) {
      if (!alive.length) return;
      const n = r.pick(alive);
      const snap = n.compact();
      if (snap) this.log(`compact ${n.id} to ${snap.metadata.index}`);
    } else if (x < 0.345) {
      if (!alive.length) return;
      const n = r.pick(alive);
      n.crash();
      this.checker.forgetCommit(n.id);
      this.stats.crashes++;
      this.log(`crash ${n.id}`);
    } else if (x < 0.385) {
      const down = this.nodes.filter((n) => !n.alive);
      if (!down.length) return;
      const n = r.pick(down);
      n.restart();
      this.log(`restart ${n.id} (term ${n.raw.raft.term}, commit ${n.raw.raft.raftLog.committed}, last ${n.raw.raft.raftLog.lastIndex()})`);
    } else if (x < 0.405) {
      this.groups = new Map();
      const l = this.leader();
      if (l && r.chance(0.4)) {
        // Cut the leader off with at most one follower: a stale leader keeps going on the small side.
        this.groups.set(l.id, 1);
        if (r.chance(0.5)) this.groups.set(r.intn(this.nodes.length) + 1, 1);
      } else if (r.chance(0.5)) {
        const iso = r.intn(this.nodes.length) + 1;
        this.groups.set(iso, 1);
      } else {
        for (const n of this.nodes) this.groups.set(n.id, r.intn(2));
      }
      this.log(`partition ${JSON.stringify([...this.groups])}`);
    } else if (x < 0.435) {
      this.groups = new Map();
      this.log('heal');
    } else if (x < 0.445) {
      this.setNetwork();
    } else if (x < 0.45) {
      const l = this.leader();
      if (!l) return;
      const to = r.intn(this.nodes.length) + 1;
      this.log(`transfer leadership ${l.id} -> ${to}`);
      l.raw.transferLeadership(to);
    } else if (x < 0.455) {
      if (!alive.length) return;
      const n = r.pick(alive);
      this.log(`campaign ${n.id}`);
      n.raw.campaign();
    } else if (x < 0.47) {
      // Leaders crashing with entries replicated to a minority is what tests commitment rules.
      const l = this.leader();
      if (!l) return;
      l.crash();
      this.checker.forgetCommit(l.id);
      this.stats.crashes++;
      this.log(`crash leader ${l.id}`);
    }
  }

  private step(chaos: boolean): void {
    this.now++;
    if (chaos) this.randomEvent();
    this.deliverDue();
    for (const n of this.nodes) if (n.alive && (!chaos || this.rand.chance(0.5))) n.raw.tick();
    this.processReadys(chaos ? 0.7 : 1, chaos ? 0.003 : 0);
    this.checker.check(this.nodes);
  }

  run(steps: number): void {
    for (let k = 0; k < steps; k++) this.step(true);
    this.checkLiveness();
    this.stats.leaders = this.checker.leadersSeen;
    this.stats.commits = this.checker.maxCommit;
  }

  /** After healing everything, a leader must emerge and a new proposal must reach every node. */
  private checkLiveness(): void {
    this.groups = new Map();
    this.dropP = 0;
    this.dupP = 0;
    this.maxDelay = 1;
    for (const n of this.nodes) if (!n.alive) n.restart();
    this.log('liveness phase: healed, all nodes up');
    const bound = 80 * ELECTION_TICK;
    let liveIndex = 0;
    let lastProposalAt = -Infinity;
    let attempt = 0;
    for (let k = 0; k < bound; k++) {
      this.step(false);
      if (liveIndex === 0) {
        for (const [i, s] of this.checker.appliedAt) if (s.startsWith(`live-${this.seed}-`)) liveIndex = i;
      }
      if (liveIndex > 0 && this.nodes.every((n) => n.sm.index >= liveIndex)) {
        this.log(`liveness ok after ${k} steps (entry at ${liveIndex})`);
        return;
      }
      const l = this.leader();
      if (liveIndex === 0 && l && k - lastProposalAt > 3 * ELECTION_TICK) {
        const data = `live-${this.seed}-${++attempt}`;
        const res = l.raw.propose(bytes(data));
        this.log(`propose ${data} on leader ${l.id}: ${res.ok ? 'ok' : res.reason}`);
        lastProposalAt = k;
      }
    }
    const states = this.nodes
      .map((n) => {
        const s = n.raw.status();
        return `${n.id}:${s.state} term=${s.term} lead=${s.lead} commit=${s.commit} applied=${n.sm.index} last=${s.lastIndex} progress=${JSON.stringify(s.progress)}`;
      })
      .join('\n  ');
    throw new Violation(`liveness: no proposal committed on all nodes within ${bound} steps after healing (live index ${liveIndex})\n  ${states}`);
  }
}

function describe(m: Message): string {
  let s = `${m.from}->${m.to} ${m.type} term=${m.term}`;
  if (m.type === 'MsgApp') s += ` prev=${m.index}/${m.logTerm} commit=${m.commit} n=${m.entries.length}`;
  else if (m.type === 'MsgAppResp') s += ` index=${m.index}${m.reject ? ` reject hint=${m.rejectHint}/${m.logTerm}` : ''}`;
  else if (m.type.endsWith('Vote')) s += ` last=${m.index}/${m.logTerm}`;
  else if (m.type.endsWith('VoteResp')) s += m.reject ? ' reject' : ' grant';
  else if (m.type === 'MsgSnap') s += ` snap=${m.snapshot?.metadata.index}`;
  if (m.context !== undefined) s += ` ctx=${m.context}`;
  return s;
}

const single = process.env.RAFT_SEED;
const seeds: number[] = single !== undefined && single !== '' ? [envInt('RAFT_SEED', 0)] : Array.from({ length: envInt('RAFT_SEEDS', 200) }, (_, k) => k + 1);
const steps = envInt('RAFT_STEPS', 300);
const verbose = single !== undefined && process.env.RAFT_TRACE === '1';

t.test(`simulation: ${seeds.length} seeds x ${steps} steps, safety after every step, liveness after healing`, async (t) => {
  const totals: SeedResult = { leaders: 0, commits: 0, confirmedReads: 0, snapshotsInstalled: 0, crashes: 0 };
  let failures = 0;
  let ran = 0;
  for (const seed of seeds) {
    ran++;
    const sim = new Simulation(seed, verbose);
    try {
      sim.run(steps);
    } catch (err) {
      failures++;
      const msg = err instanceof Error ? err.message : String(err);
      t.fail(`seed=${seed}: ${msg}\n  replay with RAFT_SEED=${seed}${single ? `\n  last events:\n    ${sim.trace.slice(-60).join('\n    ')}` : ''}`);
      if (!(err instanceof Violation)) t.comment(err instanceof Error ? (err.stack ?? msg) : msg);
      if (failures >= 5) break;
      continue;
    }
    for (const k of Object.keys(totals) as (keyof SeedResult)[]) totals[k] += sim.stats[k];
  }
  t.equal(failures, 0, 'no seed violated safety or liveness');
  t.comment(`totals: ${JSON.stringify(totals)}`);
  if (ran >= 50) {
    // The simulation must actually exercise the interesting paths, or it proves little.
    t.ok(totals.leaders > ran, 'elections happened');
    t.ok(totals.confirmedReads > 0, 'linearizable reads were confirmed');
    t.ok(totals.snapshotsInstalled > 0, 'snapshots were sent to lagging followers');
    t.ok(totals.crashes > 0, 'nodes crashed and restarted');
  }
});
