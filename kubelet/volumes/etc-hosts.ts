// The /etc/hosts the kubelet writes for each pod (kubelet_pods.go managedHostsFileContent): the
// localhost lines, the pod's own IPs with its hostname (and FQDN under a subdomain), then hostAliases.
// hostNetwork pods get the node's own hosts file plus the aliases.
import type { Pod } from '../../lib/api/types.js';

const HOSTNAME_MAX = 63;

/** The pod's hostname: spec.hostname or its name, cut to 63 characters without a trailing - or . */
export function podHostname(pod: Pod): string {
  const h = pod.spec?.hostname || pod.metadata?.name || '';
  return h.length <= HOSTNAME_MAX ? h : h.slice(0, HOSTNAME_MAX).replace(/[-.]+$/, '');
}

/** `<subdomain>.<namespace>.svc.<clusterDomain>` when the pod has a subdomain, else ''. */
export function podDomain(pod: Pod, clusterDomain: string): string {
  const sub = pod.spec?.subdomain;
  return sub ? `${sub}.${pod.metadata?.namespace ?? ''}.svc.${clusterDomain}` : '';
}

function aliases(pod: Pod): string {
  const list = pod.spec?.hostAliases ?? [];
  if (list.length === 0) return '';
  return '\n# Entries added by HostAliases.\n' + list.map((a) => `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`).join('');
}

export function managedHostsFile(pod: Pod, podIPs: readonly string[], clusterDomain: string): string {
  const name = podHostname(pod);
  const domain = podDomain(pod, clusterDomain);
  let s = '# Kubernetes-managed hosts file.\n'
    + '127.0.0.1\tlocalhost\n'
    + '::1\tlocalhost ip6-localhost ip6-loopback\n'
    + 'fe00::0\tip6-localnet\n'
    + 'fe00::0\tip6-mcastprefix\n'
    + 'fe00::1\tip6-allnodes\n'
    + 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) s += domain ? `${ip}\t${name}.${domain}\t${name}\n` : `${ip}\t${name}\n`;
  return s + aliases(pod);
}

export function hostNetworkHostsFile(pod: Pod, nodeHostsFile: string): string {
  return '# Kubernetes-managed hosts file (host network).\n' + nodeHostsFile + aliases(pod);
}
