// The kubelets' /stats/summary, fetched on demand and kept for a short while (metrics-server's
// job, built in): one request per node however many `kubectl top` calls arrive together, and a
// node that does not answer is left out rather than failing the whole list.
import type { Node } from '../../lib/api/types.js';
import type { Clock } from '../../lib/util/clock.js';
import type { Logger } from '../../lib/util/logger.js';
import { baseUrl, kubeletLocationOf } from './kubelet-location.js';

/** The parts of the kubelet Summary (kubelet/stats/types.ts) the metrics API reads. */
export interface UsageStats {
  time: string;
  usageNanoCores?: number;
  workingSetBytes?: number;
}

export interface SummaryLike {
  node: { nodeName: string; cpu?: UsageStats; memory?: UsageStats };
  pods: Array<{ podRef: { name: string; namespace: string; uid: string }; cpu?: UsageStats; memory?: UsageStats; containers: Array<{ name: string; cpu?: UsageStats; memory?: UsageStats }> }>;
}

export type SummaryFetcher = (node: Node) => Promise<SummaryLike>;

export function httpSummaryFetcher(timeoutMs = 5000): SummaryFetcher {
  return async (node) => {
    const res = await fetch(`${baseUrl(kubeletLocationOf(node))}/stats/summary`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`GET /stats/summary: ${res.status}`);
    const body = (await res.json()) as SummaryLike;
    if (!body || typeof body !== 'object' || !body.node || !Array.isArray(body.pods)) throw new Error('GET /stats/summary: not a Summary');
    return body;
  };
}

export class SummaryCache {
  private readonly entries = new Map<string, { atMs: number; summary: Promise<SummaryLike | undefined> }>();

  constructor(
    private readonly fetcher: SummaryFetcher,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly ttlMs = 5000,
  ) {}

  /** The node's summary, or undefined when its kubelet cannot be asked. */
  get(node: Node): Promise<SummaryLike | undefined> {
    const name = node.metadata?.name ?? '';
    const now = this.clock.now();
    const hit = this.entries.get(name);
    if (hit && now - hit.atMs < this.ttlMs) return hit.summary;
    const summary = this.fetcher(node).catch((err: unknown) => {
      this.logger.debug({ err, node: name }, 'no stats from the kubelet');
      return undefined;
    });
    this.entries.set(name, { atMs: now, summary });
    return summary;
  }
}
