// The store's flags table (lib/component/flags.ts) and the member configuration derived from it.
// Pure: main.ts does the I/O.
import { defineFlags, FlagError, HELP_FLAG, parseFlags, type FlagValues } from '../lib/component/index.js';

export { FlagError };

export const DESCRIPTION = 'A k8ts store member: a Raft-replicated MVCC key-value store (see store/README.md).';

function httpUrlProblem(v: string): string | undefined {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return `${JSON.stringify(v)} is not a URL`;
  }
  if (u.protocol !== 'http:') return `only http:// URLs are supported, got ${JSON.stringify(v)}`;
  if (!u.port) return `${JSON.stringify(v)} needs an explicit port`;
  return undefined;
}

export const STORE_FLAGS = defineFlags(
  { name: 'name', type: 'string', default: 'default', help: 'member name, unique in the cluster' },
  { name: 'data-dir', type: 'string', help: 'where the WAL and snapshots live (default "./<name>.k8ts-store")' },
  { name: 'listen-client-urls', type: 'string', default: 'http://127.0.0.1:2379', help: 'client API listener; also serves /healthz, /livez, /readyz and /metrics', validate: httpUrlProblem },
  { name: 'listen-peer-urls', type: 'string', default: 'http://127.0.0.1:2380', help: 'peer (Raft) listener', validate: httpUrlProblem },
  { name: 'initial-cluster', type: 'string', help: 'name=peerURL,... of every initial member (default <name>=<peer url>)' },
  { name: 'initial-cluster-token', type: 'string', default: 'k8ts-store-cluster', help: 'distinguishes clusters; members of another cluster are rejected' },
  { name: 'heartbeat-interval', type: 'int', default: 100, min: 1, help: 'Raft heartbeat interval = tick, in milliseconds' },
  { name: 'election-timeout', type: 'int', default: 1000, min: 1, help: 'Raft election timeout, in milliseconds' },
  { name: 'snapshot-count', type: 'int', default: 100_000, min: 1, help: 'applied entries between snapshots (as etcd)' },
  { name: 'auto-compaction-retention', type: 'int', default: 10_000, min: 0, help: 'keep N revisions of history, compact older (0 = off)' },
  { name: 'request-timeout', type: 'int', default: 5000, min: 1, help: 'how long a write waits for commit, in milliseconds' },
  { name: 'unsafe-no-fsync', type: 'bool', help: 'skip fsync (tests only: loses acknowledged writes on power loss)' },
  {
    name: 'unsafe-enable-fault-injection',
    type: 'bool',
    help: 'serve PUT /debug/faults on the peer listener to cut this member off from chosen peers (tests only: anyone reaching the peer port could partition the member)',
  },
);

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
}

/** The member configuration the flags describe; FlagError for what no single flag can check alone. */
export function storeConfig(values: FlagValues<typeof STORE_FLAGS>): StoreFlags {
  const name = values.name;
  const clientUrl = new URL(values.listenClientUrls);
  const peerUrl = new URL(values.listenPeerUrls);
  const clusterText = values.initialCluster ?? `${name}=${peerUrl.origin}`;
  const initialCluster = clusterText.split(',').map((part) => {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FlagError(`--initial-cluster: want name=url entries, got ${JSON.stringify(part)}`);
    const url = part.slice(eq + 1).trim();
    const problem = httpUrlProblem(url);
    if (problem) throw new FlagError(`--initial-cluster: ${problem}`);
    return { name: part.slice(0, eq).trim(), url: new URL(url).origin };
  });
  const names = new Set(initialCluster.map((m) => m.name));
  if (names.size !== initialCluster.length) throw new FlagError('--initial-cluster: member names must be unique');
  if (!names.has(name)) throw new FlagError(`--initial-cluster does not list this member (--name ${name})`);
  if (![1, 3, 5].includes(initialCluster.length)) throw new FlagError(`--initial-cluster: clusters of 1, 3 or 5 members are supported, got ${initialCluster.length}`);
  if (values.electionTimeout < values.heartbeatInterval * 3) throw new FlagError('--election-timeout must be at least 3 × --heartbeat-interval');
  const token = values.initialClusterToken;
  const ids = initialCluster.map((m) => memberId(token, m.name));
  if (new Set(ids).size !== ids.length) throw new FlagError('member ids collide: choose different member names');
  return {
    name,
    dataDir: values.dataDir ?? `./${name}.k8ts-store`,
    clientUrl,
    peerUrl,
    initialCluster,
    token,
    heartbeatMs: values.heartbeatInterval,
    electionMs: values.electionTimeout,
    snapshotCount: values.snapshotCount,
    autoCompactionRetention: values.autoCompactionRetention,
    requestTimeoutMs: values.requestTimeout,
    fsync: !values.unsafeNoFsync,
    faultInjection: values.unsafeEnableFaultInjection,
  };
}

/** Flags → configuration in one step (tests; main.ts goes through the harness). */
export function parseStoreFlags(argv: readonly string[]): StoreFlags {
  return storeConfig(parseFlags([...STORE_FLAGS, ...HELP_FLAG], argv));
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
