// Our store as the candidate: three `node dist/store/main.js` members on loopback, driven through
// lib's StoreClient, with the same raft timings as the etcd baseline.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { StoreClient } from '../../lib/store-client/client.js';
import { ProcessCluster, initialClusterFlag, type MemberSpec } from './cluster.js';
import { freePorts } from './ports.js';
import { waitForAgreedLeader, type ClientOptions, type KvClient, type MemberView, type RaftTimings, type StoreTarget, type Watcher } from './store-target.js';

class StoreKvClient implements KvClient {
  private readonly client: StoreClient;

  constructor(endpoints: string[], opts: ClientOptions) {
    // The probe sends a fresh write every few ms itself, so one write need not retry for long.
    this.client = new StoreClient(opts.failoverProbe ? { endpoints, timeoutMs: opts.timeoutMs, retryBudgetMs: opts.timeoutMs } : { endpoints, timeoutMs: opts.timeoutMs });
  }

  async put(key: string, value: string): Promise<number> {
    return (await this.client.put({ key, value })).header.revision;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(key))?.value;
  }

  async watchPrefix(prefix: string, onPut: (key: string, value: string) => void): Promise<Watcher> {
    // Anchor at the current revision so every put made after this resolves is delivered, however
    // long the stream takes to connect.
    const { revision } = await this.client.status();
    const abort = new AbortController();
    let failure: unknown;
    const loop = (async () => {
      try {
        for await (const batch of this.client.watch({ key: prefix, prefix: true, startRevision: revision + 1 }, abort.signal)) {
          for (const ev of batch.events) if (ev.type === 'PUT') onPut(ev.kv.key, ev.kv.value);
        }
      } catch (err) {
        if (!abort.signal.aborted) failure = err;
      }
    })();
    return {
      stop: async () => {
        abort.abort();
        await loop;
        if (failure !== undefined) throw failure;
      },
    };
  }

  async compact(revision: number): Promise<void> {
    await this.client.compact(revision);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export class K8tsTarget implements StoreTarget {
  readonly name = 'k8ts';
  readonly description: string;

  private constructor(readonly cluster: ProcessCluster, timings: RaftTimings) {
    this.description = `k8ts store, 3 members, heartbeat ${timings.heartbeatMs} ms, election ${timings.electionMs} ms, fsync on, lib StoreClient (HTTP/JSON)`;
  }

  /** Why this target cannot run (the store binary is missing), or undefined when it can. */
  static missing(storeBin: string): string | undefined {
    return existsSync(storeBin) ? undefined : `store binary not built yet (${storeBin} missing)`;
  }

  static async create(root: string, storeBin: string, timings: RaftTimings): Promise<K8tsTarget> {
    const missing = K8tsTarget.missing(storeBin);
    if (missing) throw new Error(missing);
    const ports = await freePorts(6);
    const names = ['s0', 's1', 's2'];
    const peers = names.map((name, i) => ({ name, peerUrl: `http://127.0.0.1:${ports[3 + i]}` }));
    const members: MemberSpec[] = names.map((name, i) => {
      const clientUrl = `http://127.0.0.1:${ports[i]}`;
      const dataDir = join(root, name);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      return {
        name,
        command: process.execPath,
        clientUrl,
        peerUrl: peers[i]!.peerUrl,
        dataDir,
        args: [
          storeBin,
          '--name', name,
          '--data-dir', dataDir,
          '--listen-client-urls', clientUrl,
          '--listen-peer-urls', peers[i]!.peerUrl,
          '--initial-cluster', initialClusterFlag(peers),
          '--heartbeat-interval', String(timings.heartbeatMs),
          '--election-timeout', String(timings.electionMs),
        ],
      };
    });
    return new K8tsTarget(new ProcessCluster('k8ts', members, storeReady, root), timings);
  }

  async start(): Promise<void> {
    this.cluster.startAll();
    await this.cluster.waitHealthy();
  }

  client(opts: ClientOptions): KvClient {
    return new StoreKvClient(this.cluster.clientUrls, opts);
  }

  async leaderIndex(timeoutMs = 15_000): Promise<number> {
    const views = () => Promise.all(this.cluster.members.map((m, i) => (this.cluster.pid(i) === undefined ? undefined : memberView(m))));
    return waitForAgreedLeader('k8ts', views, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.cluster.stopAll();
  }
}

async function storeReady(m: MemberSpec): Promise<boolean> {
  const res = await fetch(`${m.clientUrl}/readyz`, { signal: AbortSignal.timeout(1000) });
  await res.body?.cancel();
  return res.status === 200;
}

async function memberView(m: MemberSpec): Promise<MemberView | undefined> {
  try {
    const res = await fetch(`${m.clientUrl}/status`, { signal: AbortSignal.timeout(1000) });
    if (res.status !== 200) {
      await res.body?.cancel();
      return undefined;
    }
    const s = (await res.json()) as { memberId?: unknown; leader?: unknown };
    if (s.memberId === undefined || s.leader === undefined) return undefined;
    return { memberId: String(s.memberId), leader: String(s.leader) };
  } catch {
    return undefined;
  }
}
