// Store flags → member configuration. Pure: main.ts does the I/O.
import { parseArgs } from 'node:util';

export const USAGE = `usage: node dist/store/main.js [flags]

A k8ts store member: a Raft-replicated MVCC key-value store (see store/README.md).

  --name NAME                       member name, unique in the cluster (default "default")
  --data-dir DIR                    where the WAL and snapshots live (default "./<name>.k8ts-store")
  --listen-client-urls URL          client API listener (default http://127.0.0.1:2379)
  --listen-peer-urls URL            peer (Raft) listener (default http://127.0.0.1:2380)
  --initial-cluster LIST            name=peerURL,... of every initial member (default <name>=<peer url>)
  --initial-cluster-token TOKEN     distinguishes clusters; members of another cluster are rejected
                                    (default "k8ts-store-cluster")
  --heartbeat-interval MS           Raft heartbeat interval = tick (default 100)
  --election-timeout MS             Raft election timeout (default 1000)
  --snapshot-count N                applied entries between snapshots (default 100000, as etcd)
  --auto-compaction-retention N     keep N revisions of history, compact older (default 10000, 0 = off)
  --request-timeout MS              how long a write waits for commit (default 5000)
  --unsafe-no-fsync                 skip fsync (tests only: loses acknowledged writes on power loss)
  --unsafe-enable-fault-injection   serve PUT /debug/faults on the peer listener to cut this member
                                    off from chosen peers (tests only: anyone reaching the peer port
                                    could partition the member)
  --log-level LEVEL                 fatal|error|warn|info|debug|trace|silent (default info)
  -h, --help                        show this help`;

export interface StoreFlags {
  name: string;
  dataDir: string;
  clientUrl: URL;
  peerUrl: URL;
  initialCluster: { name: string; url: string }[];
  token: string;
  heartbeatMs: number;
  electionMs: number;
  snapshotCount: number;
  autoCompactionRetention: number;
  requestTimeoutMs: number;
  fsync: boolean;
  faultInjection: boolean;
  logLevel: string | undefined;
  help: boolean;
}

export class FlagError extends Error {}

function positiveInt(name: string, v: string | undefined, def: number, min = 1): number {
  if (v === undefined) return def;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new FlagError(`--${name}: want an integer >= ${min}, got ${JSON.stringify(v)}`);
  return Number(v);
}

function httpUrl(name: string, v: string): URL {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new FlagError(`--${name}: ${JSON.stringify(v)} is not a URL`);
  }
  if (u.protocol !== 'http:') throw new FlagError(`--${name}: only http:// URLs are supported, got ${JSON.stringify(v)}`);
  if (!u.port) throw new FlagError(`--${name}: ${JSON.stringify(v)} needs an explicit port`);
  return u;
}

export function parseStoreFlags(argv: string[]): StoreFlags {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      name: { type: 'string' },
      'data-dir': { type: 'string' },
      'listen-client-urls': { type: 'string' },
      'listen-peer-urls': { type: 'string' },
      'initial-cluster': { type: 'string' },
      'initial-cluster-token': { type: 'string' },
      'heartbeat-interval': { type: 'string' },
      'election-timeout': { type: 'string' },
      'snapshot-count': { type: 'string' },
      'auto-compaction-retention': { type: 'string' },
      'request-timeout': { type: 'string' },
      'unsafe-no-fsync': { type: 'boolean' },
      'unsafe-enable-fault-injection': { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const name = values.name ?? 'default';
  const clientUrl = httpUrl('listen-client-urls', values['listen-client-urls'] ?? 'http://127.0.0.1:2379');
  const peerUrl = httpUrl('listen-peer-urls', values['listen-peer-urls'] ?? 'http://127.0.0.1:2380');
  const clusterText = values['initial-cluster'] ?? `${name}=${peerUrl.origin}`;
  const initialCluster = clusterText.split(',').map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FlagError(`--initial-cluster: want name=url entries, got ${JSON.stringify(part)}`);
    return { name: part.slice(0, eq).trim(), url: httpUrl('initial-cluster', part.slice(eq + 1).trim()).origin };
  });
  const names = new Set(initialCluster.map((m) => m.name));
  if (names.size !== initialCluster.length) throw new FlagError('--initial-cluster: member names must be unique');
  if (!names.has(name)) throw new FlagError(`--initial-cluster does not list this member (--name ${name})`);
  if (![1, 3, 5].includes(initialCluster.length)) throw new FlagError(`--initial-cluster: clusters of 1, 3 or 5 members are supported, got ${initialCluster.length}`);
  const heartbeatMs = positiveInt('heartbeat-interval', values['heartbeat-interval'], 100);
  const electionMs = positiveInt('election-timeout', values['election-timeout'], 1000);
  if (electionMs < heartbeatMs * 3) throw new FlagError('--election-timeout must be at least 3 × --heartbeat-interval');
  return {
    name,
    dataDir: values['data-dir'] ?? `./${name}.k8ts-store`,
    clientUrl,
    peerUrl,
    initialCluster,
    token: values['initial-cluster-token'] ?? 'k8ts-store-cluster',
    heartbeatMs,
    electionMs,
    snapshotCount: positiveInt('snapshot-count', values['snapshot-count'], 100_000),
    autoCompactionRetention: positiveInt('auto-compaction-retention', values['auto-compaction-retention'], 10_000, 0),
    requestTimeoutMs: positiveInt('request-timeout', values['request-timeout'], 5000),
    fsync: !values['unsafe-no-fsync'],
    faultInjection: values['unsafe-enable-fault-injection'] ?? false,
    logLevel: values['log-level'],
    help: values.help ?? false,
  };
}

/** FNV-1a, 32 bits: stable member and cluster ids from names, like etcd derives them from URLs. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function memberId(token: string, name: string): number {
  return fnv1a32(`${token}/${name}`) || 1;
}

export function clusterId(token: string, cluster: { name: string; url: string }[]): string {
  const canonical = [...cluster].sort((a, b) => (a.name < b.name ? -1 : 1)).map((m) => `${m.name}=${m.url}`).join(',');
  return fnv1a32(`${token}|${canonical}`).toString(16).padStart(8, '0');
}
