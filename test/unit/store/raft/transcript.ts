// Interpreter for Raft transcript scenarios (test/testdata/raft/*.txt), in the spirit of etcd's
// datadriven tests. A file is a sequence of blocks:
//
//   # comment
//   command arg arg key=value
//   ----
//   expected output (until a blank line)
//
// Nodes use a fixed election timeout (no randomization) so scenarios are exact.
import { TestNode, bytes, entryText, type ApplyHooks } from './harness.js';
import type { Message, Entry } from '../../../../store/raft/types.js';

export interface Block {
  line: number;
  command: string;
  expected: string;
}

export function parseTranscript(src: string): Block[] {
  const lines = src.split('\n');
  const blocks: Block[] = [];
  let k = 0;
  while (k < lines.length) {
    const l = lines[k]!;
    if (l.trim() === '' || l.startsWith('#')) {
      k++;
      continue;
    }
    const start = k + 1;
    const command = l.trim();
    k++;
    if (lines[k] !== '----') throw new Error(`line ${start}: expected '----' after command ${JSON.stringify(command)}`);
    k++;
    const out: string[] = [];
    while (k < lines.length && lines[k] !== '') out.push(lines[k++]!);
    blocks.push({ line: start, command, expected: out.join('\n') });
  }
  return blocks;
}

export function formatTranscript(blocks: readonly Block[], actual: readonly string[], src: string): string {
  // Keep comments: rebuild by walking the source and replacing each block's output.
  const lines = src.split('\n');
  const out: string[] = [];
  let b = 0;
  let k = 0;
  while (k < lines.length) {
    const l = lines[k]!;
    if (b < blocks.length && k + 1 === blocks[b]!.line) {
      out.push(l, '----');
      if (actual[b]!.length > 0) out.push(...actual[b]!.split('\n'));
      k += 2;
      while (k < lines.length && lines[k] !== '') k++;
      b++;
      continue;
    }
    out.push(l);
    k++;
  }
  return out.join('\n');
}

function describeEntries(ents: readonly Entry[]): string {
  return ents.map((e) => `${e.index}/${e.term}${e.type === 'confChange' ? ' conf' : ''}${entryText(e) ? ` "${entryText(e)}"` : ''}`).join(', ');
}

export function describeMessage(m: Message): string {
  let s = `${m.from}->${m.to} ${m.type} term=${m.term}`;
  switch (m.type) {
    case 'MsgApp':
      s += ` prev=${m.index}/${m.logTerm} commit=${m.commit} entries=[${describeEntries(m.entries)}]`;
      break;
    case 'MsgAppResp':
      s += ` index=${m.index}`;
      if (m.reject) s += ` reject hint=${m.rejectHint}/${m.logTerm}`;
      break;
    case 'MsgVote':
    case 'MsgPreVote':
      s += ` last=${m.index}/${m.logTerm}`;
      break;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      s += m.reject ? ' reject' : ' grant';
      break;
    case 'MsgHeartbeat':
      s += ` commit=${m.commit}`;
      break;
    case 'MsgSnap':
      s += ` snapshot=${m.snapshot!.metadata.index}/${m.snapshot!.metadata.term} voters=[${m.snapshot!.metadata.confState.voters.join(',')}]`;
      break;
    case 'MsgProp':
      s += ` entries=[${describeEntries(m.entries)}]`;
      break;
    case 'MsgReadIndexResp':
      s += ` index=${m.index}`;
      break;
  }
  if (m.context !== undefined) s += ` ctx=${m.context}`;
  return s;
}

/** Never returns anything but 0: election timeouts are exactly electionTick in transcripts. */
const fixedRand = { intn: (_n: number) => 0 };

export class TranscriptCluster {
  readonly nodes = new Map<number, TestNode>();
  private queue: Message[] = [];
  private groups = new Map<number, number>();
  private electionTick = 10;
  private heartbeatTick = 1;
  private tuning: Record<string, unknown> = {};
  private readonly hooks: ApplyHooks = {};

  run(command: string): string {
    const parts = command.split(/\s+/);
    const cmd = parts[0]!;
    const kv = new Map<string, string>();
    const args: string[] = [];
    for (const p of parts.slice(1)) {
      const eq = p.indexOf('=');
      if (eq > 0) kv.set(p.slice(0, eq), p.slice(eq + 1));
      else args.push(p);
    }
    const ids = (): number[] => (args.length ? args.map(Number) : [...this.nodes.keys()]);
    switch (cmd) {
      case 'add-nodes':
        return this.addNodes(Number(args[0]), kv);
      case 'add-node':
        return this.addNode(Number(args[0]));
      case 'campaign':
        return this.result(this.node(args[0]).raw.campaign());
      case 'tick':
        for (const id of ids()) for (let k = 0; k < Number(kv.get('n') ?? 1); k++) this.node(id).raw.tick();
        return '';
      case 'tick-election':
        for (const id of ids()) for (let k = 0; k < this.electionTick; k++) this.node(id).raw.tick();
        return '';
      case 'tick-heartbeat':
        for (const id of ids()) for (let k = 0; k < this.heartbeatTick; k++) this.node(id).raw.tick();
        return '';
      case 'process-ready':
        return this.processReady(ids()).join('\n');
      case 'deliver-msgs':
        return this.deliver(args.length ? new Set(ids()) : undefined, Number(kv.get('max') ?? Infinity)).join('\n');
      case 'drop-msgs': {
        const n = this.queue.length;
        this.queue = [];
        return `dropped ${n} messages`;
      }
      case 'stabilize':
        return this.stabilize(ids()).join('\n');
      case 'partition':
        return this.partition(args);
      case 'heal':
        this.groups = new Map();
        return '';
      case 'propose':
        return this.result(this.node(args[0]).raw.propose(bytes(args.slice(1).join(' '))));
      case 'propose-conf-change': {
        const type = args[1] === 'add' ? 'addNode' : args[1] === 'remove' ? 'removeNode' : (args[1] as 'addNode');
        return this.result(this.node(args[0]).raw.proposeConfChange({ type, nodeId: Number(args[2]) }));
      }
      case 'read-index':
        return this.result(this.node(args[0]).raw.readIndex(args[1] ?? ''));
      case 'transfer-leader':
        return this.result(this.node(args[0]).raw.transferLeadership(Number(args[1])));
      case 'compact': {
        const n = this.node(args[0]);
        const snap = n.compact();
        return snap ? `${n.id}: compacted log to ${snap.metadata.index}/${snap.metadata.term} voters=[${snap.metadata.confState.voters.join(',')}]` : 'nothing to compact';
      }
      case 'crash':
        this.node(args[0]).crash();
        this.queue = this.queue.filter((m) => m.to !== Number(args[0]));
        return '';
      case 'restart': {
        const n = this.node(args[0]);
        n.restart();
        return this.statusLine(n);
      }
      case 'status':
        return ids()
          .map((id) => this.statusLine(this.node(id)))
          .join('\n');
      case 'log': {
        const n = this.node(args[0]);
        const log = n.raw.raft.raftLog;
        const lines = [`${n.id}: first=${log.firstIndex()} last=${log.lastIndex()} commit=${log.committed}`];
        for (const e of n.logEntries()) lines.push(`  ${describeEntries([e])}`);
        return lines.join('\n');
      }
      case 'progress': {
        const n = this.node(args[0]);
        const r = n.raw.raft;
        return [...r.trk.progress.entries()].map(([id, pr]) => `${id}: ${pr.describe()}`).join('\n');
      }
      default:
        throw new Error(`unknown command ${cmd}`);
    }
  }

  private node(id: string | number | undefined): TestNode {
    const n = this.nodes.get(Number(id));
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  private result(r: { ok: boolean; reason?: string; detail?: string }): string {
    return r.ok ? 'ok' : `dropped: ${r.reason}: ${r.detail}`;
  }

  private addNodes(count: number, kv: Map<string, string>): string {
    this.electionTick = Number(kv.get('election') ?? 10);
    this.heartbeatTick = Number(kv.get('heartbeat') ?? 1);
    this.tuning = {
      electionTick: this.electionTick,
      heartbeatTick: this.heartbeatTick,
      preVote: (kv.get('prevote') ?? 'true') === 'true',
      checkQuorum: (kv.get('checkquorum') ?? 'true') === 'true',
      maxSizePerMsg: Number(kv.get('max-size') ?? 1024 * 1024),
      maxInflightMsgs: Number(kv.get('max-inflight') ?? 256),
    };
    const peers = Array.from({ length: count }, (_, k) => k + 1);
    // timeout-extra=a,b,c: node k's election timeout is electionTick + the k-th value (default 0).
    const extras = (kv.get('timeout-extra') ?? '').split(',').filter((x) => x !== '').map(Number);
    const out: string[] = [];
    for (const id of peers) {
      const extra = extras[id - 1] ?? 0;
      const rand = extra === 0 ? fixedRand : { intn: (n: number) => Math.min(extra, n - 1) };
      const n = new TestNode({ id, clusterId: 'transcript', peers, tuning: this.tuning, seed: 0, rand });
      this.nodes.set(id, n);
      // Persist and apply the bootstrap entries so every scenario starts from the same state.
      n.processReady(this.hooks);
      out.push(this.statusLine(n));
    }
    return out.join('\n');
  }

  private addNode(id: number): string {
    const n = new TestNode({ id, clusterId: 'transcript', tuning: this.tuning, seed: 0, rand: fixedRand });
    this.nodes.set(id, n);
    return this.statusLine(n);
  }

  private statusLine(n: TestNode): string {
    if (!n.alive) return `${n.id}: down`;
    const s = n.raw.status();
    return `${n.id}: ${s.state} term=${s.term} lead=${s.lead} commit=${s.commit} applied=${n.sm.index} last=${s.lastIndex} voters=[${s.voters.join(',')}]`;
  }

  private partition(args: string[]): string {
    this.groups = new Map();
    let g = 0;
    for (const a of args) {
      if (a === '|') g++;
      else this.groups.set(Number(a), g);
    }
    return '';
  }

  private connected(a: number, b: number): boolean {
    return (this.groups.get(a) ?? 0) === (this.groups.get(b) ?? 0);
  }

  private processReady(ids: number[]): string[] {
    const out: string[] = [];
    for (const id of ids) {
      const n = this.node(id);
      if (!n.alive || !n.raw.hasReady()) continue;
      const before = n.storage.hardStateNow();
      const res = n.processReady(this.hooks);
      if (!res) continue;
      const rd = res.ready;
      if (rd.softState) out.push(`${id}: became ${rd.softState.state} (lead=${rd.softState.lead})`);
      const hs = rd.hardState;
      if (hs && (hs.term !== before.term || hs.vote !== before.vote)) out.push(`${id}: persist term=${hs.term} vote=${hs.vote}`);
      if (rd.snapshot) out.push(`${id}: install snapshot ${rd.snapshot.metadata.index}/${rd.snapshot.metadata.term}`);
      if (res.applied.length) out.push(`${id}: apply [${describeEntries(res.applied)}]`);
      for (const rs of res.readStates) out.push(`${id}: read state ctx=${rs.requestCtx} index=${rs.index}`);
      this.queue.push(...res.messages);
    }
    return out;
  }

  private deliver(to: Set<number> | undefined, max: number): string[] {
    const out: string[] = [];
    const keep: Message[] = [];
    let delivered = 0;
    for (const m of this.queue) {
      if ((to && !to.has(m.to)) || delivered >= max) {
        keep.push(m);
        continue;
      }
      delivered++;
      const target = this.nodes.get(m.to);
      const from = this.nodes.get(m.from);
      const ok = !!target?.alive && this.connected(m.from, m.to);
      out.push(`${ok ? '' : 'DROP '}${describeMessage(m)}`);
      if (ok) {
        const res = target!.raw.step(m);
        if (!res.ok) out.push(`  -> ${res.reason}: ${res.detail}`);
      }
      if (m.type === 'MsgSnap' && from?.alive) from.raw.reportSnapshot(m.to, ok);
    }
    this.queue = keep;
    return out;
  }

  private stabilize(ids: number[]): string[] {
    const out: string[] = [];
    for (let round = 0; round < 200; round++) {
      const r = this.processReady(ids);
      const d = this.deliver(new Set(ids), Infinity);
      out.push(...r, ...d);
      if (r.length === 0 && d.length === 0 && !ids.some((id) => this.nodes.get(id)?.node?.hasReady())) return out;
    }
    throw new Error('stabilize did not settle within 200 rounds');
  }
}
