// Whether this node can run a pod (upstream lifecycle/predicate.go, the kubelet's generalFilter):
// enough allocatable pods/cpu/memory left after the pods already admitted, its host ports free,
// its nodeName and node selector / required node affinity matching. The first failure is the
// rejection: phase Failed, reason OutOfcpu / OutOfmemory / OutOfpods / NodePorts / NodeAffinity /
// NodeName, message `Pod was rejected: …` as the real kubelet writes it.
import type { Container, Node, Pod } from '../../lib/api/types.js';
import { cpuMillis, memoryBytes } from '../kuberuntime/container-config.js';

export type Admission = { admit: true } | { admit: false; reason: string; message: string };

function requestOf(c: Container, resource: 'cpu' | 'memory'): number {
  const r = (c.resources?.requests ?? {}) as Record<string, string | number>;
  const l = (c.resources?.limits ?? {}) as Record<string, string | number>;
  const v = r[resource] ?? l[resource];
  return resource === 'cpu' ? cpuMillis(v) : memoryBytes(v);
}

/** A pod's effective request: max(sum over containers and sidecars, each init container + sidecars before it), plus overhead. */
export function podRequest(pod: Pod, resource: 'cpu' | 'memory'): number {
  let sidecars = 0;
  let initMax = 0;
  for (const c of pod.spec?.initContainers ?? []) {
    const v = requestOf(c, resource);
    if (c.restartPolicy === 'Always') {
      sidecars += v;
      initMax = Math.max(initMax, sidecars);
    } else initMax = Math.max(initMax, sidecars + v);
  }
  let sum = sidecars;
  for (const c of pod.spec?.containers ?? []) sum += requestOf(c, resource);
  const overhead = (pod.spec?.overhead ?? {}) as Record<string, string | number>;
  const o = resource === 'cpu' ? cpuMillis(overhead.cpu) : memoryBytes(overhead.memory);
  return Math.max(sum, initMax) + o;
}

function hostPorts(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP || '0.0.0.0'}/${p.hostPort}`);
  }
  return out;
}

function portsConflict(a: string, b: string): boolean {
  const [pa, ia, na] = a.split('/');
  const [pb, ib, nb] = b.split('/');
  return pa === pb && na === nb && (ia === ib || ia === '0.0.0.0' || ib === '0.0.0.0');
}

type Requirement = { key: string; operator: string; values?: string[] };

function requirementMatches(req: Requirement, labels: Record<string, string>): boolean {
  const v = labels[req.key];
  switch (req.operator) {
    case 'In': return v !== undefined && (req.values ?? []).includes(v);
    case 'NotIn': return v === undefined || !(req.values ?? []).includes(v);
    case 'Exists': return v !== undefined;
    case 'DoesNotExist': return v === undefined;
    case 'Gt': return v !== undefined && Number(v) > Number(req.values?.[0]);
    case 'Lt': return v !== undefined && Number(v) < Number(req.values?.[0]);
    default: return false;
  }
}

export function matchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  // Terms are ORed, expressions within a term ANDed; matchFields supports metadata.name.
  return terms.some((t) =>
    (t.matchExpressions ?? []).every((e) => requirementMatches(e, labels)) &&
    (t.matchFields ?? []).every((f) => requirementMatches({ ...f, key: f.key === 'metadata.name' ? '\u0000name' : f.key }, { '\u0000name': node.metadata?.name ?? '' })) &&
    ((t.matchExpressions?.length ?? 0) + (t.matchFields?.length ?? 0) > 0),
  );
}

export function admitPod(pod: Pod, node: Node, admitted: readonly Pod[]): Admission {
  const alloc = (node.status?.allocatable ?? {}) as Record<string, string | number>;
  const checks: Array<{ resource: string; requested: number; used: number; capacity: number }> = [];
  if (alloc.pods !== undefined) checks.push({ resource: 'pods', requested: 1, used: admitted.length, capacity: memoryBytes(alloc.pods) });
  if (alloc.cpu !== undefined) checks.push({ resource: 'cpu', requested: podRequest(pod, 'cpu'), used: sum(admitted, 'cpu'), capacity: cpuMillis(alloc.cpu) });
  if (alloc.memory !== undefined) checks.push({ resource: 'memory', requested: podRequest(pod, 'memory'), used: sum(admitted, 'memory'), capacity: memoryBytes(alloc.memory) });
  for (const c of checks) {
    if (c.requested > 0 && c.used + c.requested > c.capacity) {
      const message = `Node didn't have enough resource: ${c.resource}, requested: ${c.requested}, used: ${c.used}, capacity: ${c.capacity}`;
      return { admit: false, reason: `OutOf${c.resource}`, message };
    }
  }
  if (pod.spec?.nodeName && node.metadata?.name && pod.spec.nodeName !== node.metadata.name) {
    return { admit: false, reason: 'NodeName', message: "Predicate NodeName failed: node(s) didn't match the requested node name" };
  }
  const taken = admitted.flatMap(hostPorts);
  if (hostPorts(pod).some((p) => taken.some((t) => portsConflict(p, t)))) {
    return { admit: false, reason: 'NodePorts', message: "Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports" };
  }
  if (!matchesNodeSelectorAndAffinity(pod, node)) {
    return { admit: false, reason: 'NodeAffinity', message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector" };
  }
  return { admit: true };
}

function sum(pods: readonly Pod[], resource: 'cpu' | 'memory'): number {
  let total = 0;
  for (const p of pods) total += podRequest(p, resource);
  return total;
}
