// Real etcd 3.4 as the baseline: three `etcd` processes on loopback (fsync on, as by default),
// driven through the npm `etcd3` gRPC client. Installs Debian's etcd-server if it is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3, type IOptions } from 'etcd3';
import { ProcessCluster, initialClusterFlag, type MemberSpec } from './cluster.js';
import { freePorts } from './ports.js';
import { waitForAgreedLeader, type ClientOptions, type KvClient, type MemberView, type RaftTimings, type StoreTarget, type Watcher } from './store-target.js';

const ETCD_CANDIDATES = ['/usr/bin/etcd', '/usr/local/bin/etcd'];

/** Path of the etcd binary, installing Debian's etcd-server (and etcd-client) when none is found. */
export function ensureEtcdInstalled(log: (line: string) => void): string {
  const found = ETCD_CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error('etcd is not installed and this is not root: run `apt-get install -y etcd-server etcd-client`');
  log('etcd not found: installing Debian etcd-server and etcd-client');
  for (const argv of [['apt-get', 'update'], ['apt-get', 'install', '-y', 'etcd-server', 'etcd-client']]) {
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
  const installed = ETCD_CANDIDATES.find((p) => existsSync(p));
  if (!installed) throw new Error('etcd-server installed but no etcd binary found');
  return installed;
}

function etcdVersion(bin: string): string {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const m = /etcd Version:\s*(\S+)/.exec(r.stdout ?? '');
  return m ? m[1]! : 'unknown';
}

type Policy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

/**
 * A pass-through fault policy. etcd3's default host circuit breaker parks a member for 5 s after
 * three failures; during an election every member fails, so the breaker — not etcd — would set
 * the failover time. The probe retries by itself instead.
 */
const passThrough: Policy = {
  _altReturn: undefined as never,
  onSuccess: () => ({ dispose: () => undefined }),
  onFailure: () => ({ dispose: () => undefined }),
  execute: async (fn) => fn({ signal: new AbortController().signal }),
};

class EtcdKvClient implements KvClient {
  private readonly client: Etcd3;

  constructor(hosts: string[], opts: ClientOptions) {
    const options: IOptions = {
      hosts,
      dialTimeout: opts.timeoutMs,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + opts.timeoutMs }),
    };
    if (opts.failoverProbe) options.faultHandling = { host: () => passThrough, global: passThrough };
    this.client = new Etcd3(options);
  }

  async put(key: string, value: string): Promise<number> {
    const res = await this.client.put(key).value(value).exec();
    return Number(res.header.revision);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(key).string()) ?? undefined;
  }

  async watchPrefix(prefix: string, onPut: (key: string, value: string) => void): Promise<Watcher> {
    const watcher = await this.client.watch().prefix(prefix).create();
    watcher.on('put', (kv) => onPut(kv.key.toString(), kv.value.toString()));
    return { stop: () => watcher.cancel() };
  }

  async compact(revision: number): Promise<void> {
    await this.client.kv.compact({ revision });
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

export class EtcdTarget implements StoreTarget {
  readonly name = 'etcd';
  readonly description: string;
  private statusClients: Etcd3[] = [];

  private constructor(
    readonly cluster: ProcessCluster,
    version: string,
    timings: RaftTimings,
  ) {
    this.description = `etcd ${version}, 3 members, heartbeat ${timings.heartbeatMs} ms, election ${timings.electionMs} ms, fsync on, etcd3 npm gRPC client`;
  }

  static async create(root: string, timings: RaftTimings, log: (line: string) => void): Promise<EtcdTarget> {
    const bin = ensureEtcdInstalled(log);
    const ports = await freePorts(6);
    const names = ['s0', 's1', 's2'];
    const peers = names.map((name, i) => ({ name, peerUrl: `http://127.0.0.1:${ports[3 + i]}` }));
    const members: MemberSpec[] = names.map((name, i) => {
      const clientUrl = `http://127.0.0.1:${ports[i]}`;
      const dataDir = join(root, name);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      return {
        name,
        command: bin,
        clientUrl,
        peerUrl: peers[i]!.peerUrl,
        dataDir,
        args: [
          '--name', name,
          '--data-dir', dataDir,
          '--listen-client-urls', clientUrl,
          '--advertise-client-urls', clientUrl,
          '--listen-peer-urls', peers[i]!.peerUrl,
          '--initial-advertise-peer-urls', peers[i]!.peerUrl,
          '--initial-cluster', initialClusterFlag(peers),
          '--initial-cluster-state', 'new',
          '--initial-cluster-token', 'k8ts-bench',
          '--heartbeat-interval', String(timings.heartbeatMs),
          '--election-timeout', String(timings.electionMs),
          '--logger', 'zap',
          '--log-level', 'warn',
        ],
      };
    });
    const cluster = new ProcessCluster('etcd', members, etcdHealthy, root);
    return new EtcdTarget(cluster, etcdVersion(bin), timings);
  }

  async start(): Promise<void> {
    this.cluster.startAll();
    await this.cluster.waitHealthy();
    // One single-endpoint client per member, to ask each one who it thinks leads.
    this.statusClients = this.cluster.members.map(
      (m) => new Etcd3({ hosts: m.clientUrl, faultHandling: { host: () => passThrough, global: passThrough }, defaultCallOptions: () => ({ deadline: Date.now() + 1000 }) }),
    );
  }

  client(opts: ClientOptions): KvClient {
    return new EtcdKvClient(this.cluster.clientUrls, opts);
  }

  async leaderIndex(timeoutMs = 15_000): Promise<number> {
    return waitForAgreedLeader('etcd', () => Promise.all(this.statusClients.map((c, i) => this.view(c, i))), timeoutMs);
  }

  async stop(): Promise<void> {
    for (const c of this.statusClients) c.close();
    this.statusClients = [];
    await this.cluster.stopAll();
  }

  private async view(c: Etcd3, i: number): Promise<MemberView | undefined> {
    if (this.cluster.pid(i) === undefined) return undefined;
    try {
      const s = await c.maintenance.status();
      return { memberId: String(s.header.member_id), leader: String(s.leader) };
    } catch {
      return undefined;
    }
  }
}

/** etcd's /health is true only when the member has a leader and no alarm is raised. */
async function etcdHealthy(m: MemberSpec): Promise<boolean> {
  const res = await fetch(`${m.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
  if (res.status !== 200) {
    await res.body?.cancel();
    return false;
  }
  const body = (await res.json()) as { health?: unknown };
  return body.health === 'true' || body.health === true;
}
