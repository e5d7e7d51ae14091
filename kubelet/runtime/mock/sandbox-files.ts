// The files a sandbox gives its containers, as containerd writes them under the sandbox's
// directory and bind-mounts them: /etc/hostname, /etc/resolv.conf from the pod's dnsConfig, and a
// default /etc/hosts for containers the kubelet gives none (it normally mounts its own).
import type { DNSConfig } from '../types.js';

export function resolvConf(dns: DNSConfig): string {
  const lines: string[] = [];
  if (dns.searches.length > 0) lines.push(`search ${dns.searches.join(' ')}`);
  for (const s of dns.servers) lines.push(`nameserver ${s}`);
  if (dns.options.length > 0) lines.push(`options ${dns.options.join(' ')}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export function defaultHosts(ip: string, hostname: string): string {
  return ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'fe00::0\tip6-mcastprefix', 'fe00::1\tip6-allnodes', 'fe00::2\tip6-allrouters', `${ip}\t${hostname}`, ''].join('\n');
}
