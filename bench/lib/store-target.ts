// What the store benchmark needs from a key-value cluster under test, so the same load generator
// drives real etcd and our store: a running 3-member cluster, a client over all its endpoints,
// and enough of the status API to find (and kill) the leader.
import type { ProcessCluster } from './cluster.js';

/** Raft timings given to both clusters, so failover compares like with like. */
export interface RaftTimings {
  heartbeatMs: number;
  electionMs: number;
}

export interface Watcher {
  stop(): Promise<void>;
}

export interface KvClient {
  /** Writes key=value; resolves with the store revision of the write. */
  put(key: string, value: string): Promise<number>;
  /** Linearizable read of one key. */
  get(key: string): Promise<string | undefined>;
  /** Calls onPut for every put under the prefix from (about) now on. */
  watchPrefix(prefix: string, onPut: (key: string, value: string) => void): Promise<Watcher>;
  /** Drops history up to `revision`, so long runs don't grow the store without bound. */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** Deadline of one request. */
  timeoutMs: number;
  /**
   * For the leader-kill probe, which sends writes of its own every few ms: bound the library's
   * own retrying to one deadline, and drop any client-side policy that would park a member for
   * longer than the store takes to recover.
   */
  failoverProbe?: boolean;
}

export interface StoreTarget {
  readonly name: string;
  /** Version and settings, printed with the results. */
  readonly description: string;
  readonly cluster: ProcessCluster;
  /** Starts the members and waits until all are healthy with a leader. */
  start(): Promise<void>;
  client(opts: ClientOptions): KvClient;
  /** Index of the leader every reachable member agrees on; waits (bounded) for agreement. */
  leaderIndex(timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

export interface MemberView {
  memberId: string;
  /** The leader's member id as this member sees it; '' or '0' when it knows none. */
  leader: string;
}

/**
 * The index of the member that every answering member names as leader, or undefined while they
 * disagree, know no leader, or name one that is not among the answers.
 */
export function agreedLeader(views: readonly (MemberView | undefined)[]): number | undefined {
  const answered = views.filter((v): v is MemberView => v !== undefined);
  if (answered.length === 0) return undefined;
  const leader = answered[0]!.leader;
  if (leader === '' || leader === '0') return undefined;
  if (!answered.every((v) => v.leader === leader)) return undefined;
  const index = views.findIndex((v) => v?.memberId === leader);
  return index >= 0 ? index : undefined;
}

/** Polls member views until they agree on a leader; throws after timeoutMs. */
export async function waitForAgreedLeader(label: string, views: () => Promise<(MemberView | undefined)[]>, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last: (MemberView | undefined)[] = [];
  for (;;) {
    last = await views();
    const index = agreedLeader(last);
    if (index !== undefined) return index;
    if (Date.now() >= deadline) throw new Error(`${label}: members did not agree on a leader within ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
