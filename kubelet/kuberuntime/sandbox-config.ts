// The CRI sandbox config for a pod (kuberuntime_sandbox.go generatePodSandboxConfig): hostname,
// DNS per dnsPolicy (pkg/kubelet/network/dns), port mappings, labels that let a restarted
// kubelet find the pod again, and where container logs go.
import type { Pod } from '../../lib/api/types.js';
import { podLabels } from '../runtime/labels.js';
import type { DNSConfig, PodSandboxConfig, PortMapping } from '../runtime/types.js';
import { podLogDir } from '../paths.js';

export interface SandboxSettings {
  /** The root of pod log directories (/var/log/pods). */
  podLogsRoot: string;
  /** --cluster-dns, e.g. ['127.96.0.10']. */
  clusterDNS: string[];
  /** --cluster-domain. */
  clusterDomain: string;
  /** The node's own resolver settings (dnsPolicy Default, hostNetwork with ClusterFirst). */
  nodeDNS: DNSConfig;
  nodeHostname: string;
}

const MAX_SEARCHES = 32;

/** Pod hostname as upstream GeneratePodHostNameAndDomain: spec.hostname, else the name cut to 63. */
export function podHostname(pod: Pod, nodeHostname: string): string {
  if (pod.spec?.hostNetwork) return nodeHostname;
  const name = pod.spec?.hostname || (pod.metadata?.name ?? '');
  return name.length > 63 ? name.slice(0, 63).replace(/[-.]+$/, '') : name;
}

export function podDNSConfig(pod: Pod, s: SandboxSettings): DNSConfig {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const hostNetwork = pod.spec?.hostNetwork === true;
  let base: DNSConfig;
  if (policy === 'None') base = { servers: [], searches: [], options: [] };
  else if (policy === 'Default' || (policy === 'ClusterFirst' && hostNetwork) || s.clusterDNS.length === 0) base = { servers: [...s.nodeDNS.servers], searches: [...s.nodeDNS.searches], options: [...s.nodeDNS.options] };
  else {
    const ns = pod.metadata?.namespace ?? 'default';
    const d = s.clusterDomain;
    base = { servers: [...s.clusterDNS], searches: [`${ns}.svc.${d}`, `svc.${d}`, d, ...s.nodeDNS.searches], options: ['ndots:5'] };
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    base.servers.push(...(extra.nameservers ?? []));
    base.searches.push(...(extra.searches ?? []));
    // A pod option replaces a base option of the same name.
    for (const o of extra.options ?? []) {
      const text = o.value !== undefined ? `${o.name}:${o.value}` : o.name ?? '';
      base.options = base.options.filter((x) => x.split(':')[0] !== o.name);
      base.options.push(text);
    }
  }
  base.searches = [...new Set(base.searches)].slice(0, MAX_SEARCHES);
  return base;
}

export function podPortMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      out.push({ protocol: (p.protocol ?? 'TCP') as PortMapping['protocol'], containerPort: p.containerPort, hostPort: p.hostPort ?? 0, hostIp: p.hostIP ?? '' });
    }
  }
  return out;
}

export function podSandboxConfig(pod: Pod, attempt: number, s: SandboxSettings): PodSandboxConfig {
  const ref = { namespace: pod.metadata?.namespace ?? 'default', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' };
  return {
    metadata: { ...ref, attempt },
    hostname: podHostname(pod, s.nodeHostname),
    logDirectory: podLogDir(s.podLogsRoot, ref),
    dnsConfig: podDNSConfig(pod, s),
    portMappings: podPortMappings(pod),
    labels: { ...(pod.metadata?.labels ?? {}), ...podLabels(ref) },
    annotations: { ...(pod.metadata?.annotations ?? {}) },
    hostNetwork: pod.spec?.hostNetwork === true,
  };
}
