// metrics.k8s.io/v1beta1 (NodeMetrics, PodMetrics), what metrics-server serves and `kubectl top`
// reads: CPU as nanocores and memory as working set bytes from the kubelets' Summary. Read-only
// (get, list), with label selectors; pods that no longer exist are left out.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseSelector, matches, SelectorParseError, type Selector } from '../../lib/api/labels.js';
import type { ResourceInfo, Verb } from '../../lib/api/registry.js';
import { status } from '../../lib/api/status.js';
import { ApiError } from '../../lib/api/errors.js';
import type { Node, Pod } from '../../lib/api/types.js';
import type { ApiDeps } from '../deps.js';
import { q, type RequestInfo } from '../request.js';
import { listNodes, listPods } from './kubelet-location.js';
import type { SummaryCache, UsageStats } from './summary-cache.js';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
const API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;
/** metrics-server's resolution: the window each sample covers. */
const WINDOW = '10s';
const READ_VERBS: readonly Verb[] = ['get', 'list'];

function metricsResource(kind: string, plural: string, namespaced: boolean): ResourceInfo {
  return Object.freeze({
    group: METRICS_GROUP,
    version: METRICS_VERSION,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: '',
    namespaced,
    shortNames: [],
    categories: [],
    verbs: READ_VERBS,
    subresources: [],
  });
}

/** For discovery: the group's resources, as an aggregated API would list them. */
export const METRICS_RESOURCES: readonly ResourceInfo[] = Object.freeze([metricsResource('NodeMetrics', 'nodes', false), metricsResource('PodMetrics', 'pods', true)]);

/** CPU as metrics-server writes it: nanocores (`1234n`), or `0`. */
export function cpuQuantity(nanoCores: number): string {
  const n = Math.max(0, Math.round(nanoCores));
  return n === 0 ? '0' : `${n}n`;
}

/** Memory in binary SI: the largest of Ki/Mi/Gi/Ti that divides it, else bytes. */
export function memoryQuantity(bytes: number): string {
  let n = Math.max(0, Math.round(bytes));
  if (n === 0) return '0';
  for (const suffix of ['', 'Ki', 'Mi', 'Gi', 'Ti']) {
    if (n % 1024 !== 0 || suffix === 'Ti') return `${n}${suffix}`;
    n /= 1024;
  }
  return String(n);
}

function usage(cpu: UsageStats | undefined, memory: UsageStats | undefined): { cpu: string; memory: string } {
  return { cpu: cpuQuantity(cpu?.usageNanoCores ?? 0), memory: memoryQuantity(memory?.workingSetBytes ?? 0) };
}

function labelSelector(req: FastifyRequest): Selector | undefined {
  const text = q(req.query as RequestInfo['query'], 'labelSelector');
  if (!text) return undefined;
  try {
    return parseSelector(text);
  } catch (err) {
    throw new ApiError(status.badRequest(`unable to parse requirement: ${err instanceof SelectorParseError ? err.message : String(err)}`));
  }
}

async function nodeMetrics(deps: ApiDeps, cache: SummaryCache, nodes: Node[]): Promise<object[]> {
  const out: object[] = [];
  const summaries = await Promise.all(nodes.map((n) => cache.get(n)));
  nodes.forEach((node, i) => {
    const s = summaries[i];
    if (!s) return;
    out.push({
      metadata: { name: node.metadata?.name, creationTimestamp: new Date(deps.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'), labels: node.metadata?.labels ?? {} },
      timestamp: s.node.cpu?.time ?? new Date(deps.clock.now()).toISOString(),
      window: WINDOW,
      usage: usage(s.node.cpu, s.node.memory),
    });
  });
  return out;
}

async function podMetrics(deps: ApiDeps, cache: SummaryCache, namespace: string | undefined): Promise<Array<{ pod: Pod; item: object }>> {
  const [nodes, pods] = await Promise.all([listNodes(deps), listPods(deps, namespace)]);
  const byKey = new Map(pods.map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p]));
  const summaries = await Promise.all(nodes.map((n) => cache.get(n)));
  const out: Array<{ pod: Pod; item: object }> = [];
  for (const s of summaries) {
    for (const ps of s?.pods ?? []) {
      const pod = byKey.get(`${ps.podRef.namespace}/${ps.podRef.name}`);
      if (!pod || (pod.metadata?.uid && ps.podRef.uid && pod.metadata.uid !== ps.podRef.uid)) continue;
      out.push({
        pod,
        item: {
          metadata: { name: ps.podRef.name, namespace: ps.podRef.namespace, creationTimestamp: new Date(deps.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'), labels: pod.metadata?.labels ?? {} },
          timestamp: ps.cpu?.time ?? new Date(deps.clock.now()).toISOString(),
          window: WINDOW,
          containers: ps.containers.map((c) => ({ name: c.name, usage: usage(c.cpu, c.memory) })),
        },
      });
    }
  }
  return out.sort((a, b) => ((a.item as { metadata: { name: string } }).metadata.name < (b.item as { metadata: { name: string } }).metadata.name ? -1 : 1));
}

function list(kind: string, items: object[]): object {
  return { kind: `${kind}List`, apiVersion: API_VERSION, metadata: {}, items };
}

export function nodeMetricsHandler(deps: ApiDeps, cache: SummaryCache, sendError: (reply: FastifyReply, err: unknown) => FastifyReply) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      const name = (req.params as { name?: string }).name;
      const sel = labelSelector(req);
      let nodes = await listNodes(deps);
      if (name !== undefined) nodes = nodes.filter((n) => n.metadata?.name === name);
      if (sel) nodes = nodes.filter((n) => matches(sel, n.metadata?.labels));
      const items = await nodeMetrics(deps, cache, nodes);
      if (name === undefined) return list('NodeMetrics', items);
      if (items.length === 0) throw new ApiError(status.notFound({ resource: 'nodemetrics', group: METRICS_GROUP, name }));
      return { kind: 'NodeMetrics', apiVersion: API_VERSION, ...items[0] };
    } catch (err) {
      return sendError(reply, err);
    }
  };
}

export function podMetricsHandler(deps: ApiDeps, cache: SummaryCache, sendError: (reply: FastifyReply, err: unknown) => FastifyReply) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      const { namespace, name } = req.params as { namespace?: string; name?: string };
      const sel = labelSelector(req);
      let found = await podMetrics(deps, cache, namespace);
      if (name !== undefined) found = found.filter((f) => f.pod.metadata?.name === name);
      if (sel) found = found.filter((f) => matches(sel, f.pod.metadata?.labels));
      if (name === undefined) return list('PodMetrics', found.map((f) => f.item));
      if (found.length === 0) throw new ApiError(status.notFound({ resource: 'podmetrics', group: METRICS_GROUP, name: `${namespace}/${name}` }));
      return { kind: 'PodMetrics', apiVersion: API_VERSION, ...found[0]!.item };
    } catch (err) {
      return sendError(reply, err);
    }
  };
}
