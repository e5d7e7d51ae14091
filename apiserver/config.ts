// The apiserver's flags table (lib/component/flags.ts) and the pure helpers that read it.
import { isIP } from 'node:net';
import { defineFlags, opsFlags } from '../lib/component/index.js';

export const DESCRIPTION = 'The k8ts apiserver: the Kubernetes REST API over the k8ts store (see apiserver/README.md).';

function storeEndpointProblem(urls: string[]): string | undefined {
  if (urls.length === 0) return 'at least one endpoint is required';
  for (const e of urls) {
    let u: URL;
    try {
      u = new URL(e);
    } catch {
      return `${JSON.stringify(e)} is not a URL`;
    }
    if (u.protocol !== 'http:') return `only http:// is supported, got ${JSON.stringify(e)}`;
  }
  return undefined;
}

export function parseNodePortRange(text: string): { min: number; max: number } | undefined {
  const m = /^(\d+)-(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) > 65535 || Number(m[1]) > Number(m[2])) return undefined;
  return { min: Number(m[1]), max: Number(m[2]) };
}

function serviceCIDRProblem(cidr: string): string | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!m || isIP(m[1]!) !== 4 || Number(m[2]) < 8 || Number(m[2]) > 30) return `want an IPv4 CIDR between /8 and /30, got ${JSON.stringify(cidr)}`;
  return undefined;
}

export const API_FLAGS = defineFlags(
  { name: 'store-endpoints', type: 'list', default: ['http://127.0.0.1:2379'], help: 'store client URLs, comma-separated', validate: storeEndpointProblem },
  { name: 'service-cluster-ip-range', type: 'string', default: '127.96.0.0/16', help: 'CIDR the ClusterIPs of Services come from (inside loopback: mock-mode Service addresses never leave this machine)', validate: serviceCIDRProblem },
  {
    name: 'service-node-port-range',
    type: 'string',
    default: '30000-32767',
    help: 'port range A-B the NodePorts of Services come from',
    validate: (v: string) => (parseNodePortRange(v) ? undefined : `want A-B within 1-65535, got ${JSON.stringify(v)}`),
  },
  { name: 'event-ttl', type: 'int', default: 3600, min: 1, help: 'seconds an Event is kept' },
  ...opsFlags({ port: 6443, group: 'serving flags', portHelp: 'plain-HTTP port of the API and of /healthz, /livez, /readyz, /metrics' }),
);

/** The first usable address of the service range: the `kubernetes` Service's ClusterIP. */
export function firstServiceIP(cidr: string): string {
  const [ip, bits] = cidr.split('/') as [string, string];
  const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const mask = Number(bits);
  const base = Math.floor(n / 2 ** (32 - mask)) * 2 ** (32 - mask);
  const first = base + 1;
  return [24, 16, 8, 0].map((s) => Math.floor(first / 2 ** s) % 256).join('.');
}
