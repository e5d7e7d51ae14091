// The Node object a kubelet registers (kubelet_node_status.go initialNode) and the reconciliation
// it does when a Node of its name already exists (only the default labels, and a pod CIDR when the
// node has none; an admin's taints, cordon and other labels are left as they are).
import type { Node, Taint } from '../../lib/api/types.js';

export interface NodeIdentity {
  nodeName: string;
  hostname: string;
  os: string;
  arch: string;
  roles: readonly string[];
  extraLabels: Record<string, string>;
  registerWithTaints: readonly Taint[];
  /** --register-schedulable=false registers cordoned. */
  registerSchedulable: boolean;
  podCIDRs: readonly string[];
}

export function defaultLabels(id: NodeIdentity): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': id.arch,
    'beta.kubernetes.io/os': id.os,
    'kubernetes.io/arch': id.arch,
    'kubernetes.io/hostname': id.hostname,
    'kubernetes.io/os': id.os,
  };
}

export function initialNode(id: NodeIdentity): Node {
  const labels: Record<string, string> = { ...defaultLabels(id) };
  for (const role of id.roles) labels[`node-role.kubernetes.io/${role}`] = '';
  Object.assign(labels, id.extraLabels);
  const taints = [...id.registerWithTaints];
  if (!id.registerSchedulable) taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: id.nodeName, labels, annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
    spec: {
      ...(id.podCIDRs.length > 0 ? { podCIDR: id.podCIDRs[0], podCIDRs: [...id.podCIDRs] } : {}),
      ...(taints.length > 0 ? { taints } : {}),
      ...(!id.registerSchedulable ? { unschedulable: true } : {}),
    },
  };
}

/** The merge patch bringing an existing Node in line, or undefined when it already is. */
export function reconcileExisting(existing: Node, id: NodeIdentity): Record<string, unknown> | undefined {
  const patch: { metadata?: { labels: Record<string, string> }; spec?: { podCIDR: string; podCIDRs: string[] } } = {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(defaultLabels(id))) if (existing.metadata?.labels?.[k] !== v) labels[k] = v;
  if (Object.keys(labels).length > 0) patch.metadata = { labels };
  if (!existing.spec?.podCIDR && id.podCIDRs.length > 0) patch.spec = { podCIDR: id.podCIDRs[0]!, podCIDRs: [...id.podCIDRs] };
  return Object.keys(patch).length > 0 ? patch : undefined;
}
