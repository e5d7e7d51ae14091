// Store members in one process, driven by a FakeClock, connected by an in-memory transport whose
// links can be cut per direction. Data dirs are real temp dirs (no fsync); time moves only when a
// test says so.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../lib/util/clock.js';
import { createLogger } from '../../../lib/util/logger.js';
import { Member, type MemberConfig, type MemberTransport } from '../../../store/member.js';
import { SeededRand } from '../../../store/raft/rand.js';
import type { Message } from '../../../store/raft/types.js';
import { ServiceError } from '../../../store/service.js';

export const TICK_MS = 100;

export class MemoryCluster {
  readonly clock = new FakeClock(1_000_000);
  readonly members: Member[] = [];
  /** "from>to" links that drop everything. */
  private readonly cut = new Set<string>();
  private root = '';

  static async start(size: number, overrides: Partial<MemberConfig> = {}): Promise<MemoryCluster> {
    const c = new MemoryCluster();
    c.root = await mkdtemp(join(tmpdir(), 'k8ts-member-'));
    const peers = Array.from({ length: size }, (_, i) => ({ id: i + 1, name: `m${i + 1}`, url: `mem://m${i + 1}` }));
    for (const peer of peers) {
      c.members.push(
        new Member({
          name: peer.name,
          id: peer.id,
          clusterId: 'memory-cluster',
          peers,
          dataDir: join(c.root, peer.name),
          clock: c.clock,
          rand: new SeededRand(peer.id * 7919),
          random: () => 0.5,
          logger: createLogger('store', { level: 'silent' }),
          tickMs: TICK_MS,
          electionTicks: 20,
          heartbeatTicks: 1,
          snapshotCount: 100_000,
          snapshotCatchUpEntries: 100,
          requestTimeoutMs: 1000,
          autoCompactionRetention: 0,
          autoCompactionIntervalMs: 5000,
          fsync: false,
          ...overrides,
        }),
      );
    }
    for (const m of c.members) await m.start(c.transportFor(m.cfg.id));
    return c;
  }

  member(id: number): Member {
    return this.members[id - 1]!;
  }

  /** Drops every message from `from` to each of `to` (one direction). */
  cutLinks(from: number, to: number[]): void {
    for (const t of to) this.cut.add(`${from}>${t}`);
  }

  healAll(): void {
    this.cut.clear();
  }

  private transportFor(self: number): MemberTransport {
    return {
      send: (msgs: readonly Message[]) => {
        for (const m of msgs) {
          if (this.cut.has(`${self}>${m.to}`)) {
            if (m.type === 'MsgSnap') setImmediate(() => this.member(self).reportSnapshot(m.to, false));
            continue;
          }
          setImmediate(() => {
            this.member(m.to).receive([m]);
            if (m.type === 'MsgSnap') this.member(self).reportSnapshot(m.to, true);
          });
        }
      },
      forward: async <T>(id: number, path: string, body: unknown) => {
        if (this.cut.has(`${self}>${id}`)) throw new Error('link cut');
        try {
          return { status: 200, body: this.member(id).answerForwarded(path, body) as T };
        } catch (err) {
          const e = err instanceof ServiceError ? err : new ServiceError('internal', String(err));
          return { status: 503, body: { error: { code: e.code, message: e.message } } as T };
        }
      },
    };
  }

  /** Lets pending I/O and deliveries run (real event-loop turns; the fake clock does not move). */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 1));
  }

  /** Ticks the clock until `cond` holds; throws after `maxTicks`. */
  async until<T>(cond: () => T | undefined | false, what: string, maxTicks = 200): Promise<T> {
    for (let i = 0; i < maxTicks; i++) {
      await this.settle();
      const v = cond();
      if (v !== undefined && v !== false) return v;
      this.clock.advance(TICK_MS);
    }
    throw new Error(`not reached after ${maxTicks} ticks: ${what}`);
  }

  /** The member all running members agree leads. */
  leader(): Promise<Member> {
    return this.until(() => {
      const leads = new Set(this.members.map((m) => m.status().leader));
      if (leads.size !== 1) return undefined;
      const [lead] = leads;
      return lead ? this.members.find((m) => m.memberIdHex === lead) : undefined;
    }, 'an agreed leader');
  }

  async stop(): Promise<void> {
    for (const m of this.members) await m.stop();
    await rm(this.root, { recursive: true, force: true });
  }
}

/** A promise's outcome, observable synchronously by test loops. */
export function track<T>(p: Promise<T>): { done: boolean; value?: T; error?: unknown } {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  p.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
}
