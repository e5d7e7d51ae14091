// apiserver flags → configuration. Pure: main.ts does the I/O.
import { parseArgs } from 'node:util';
import { isIP } from 'node:net';

export const USAGE = `usage: node dist/apiserver/main.js [flags]

The k8ts apiserver: the Kubernetes REST API over the k8ts store (see apiserver/README.md).

  --store-endpoints URLS            comma-separated store client URLs (default http://127.0.0.1:2379)
  --bind-address ADDR               address to listen on (default 127.0.0.1)
  --port PORT                       plain-HTTP port (default 6443)
  --service-cluster-ip-range CIDR   ClusterIPs for Services (default 10.96.0.0/12)
  --service-node-port-range A-B     NodePorts for Services (default 30000-32767)
  --event-ttl SECONDS               how long Events are kept (default 3600)
  --log-level LEVEL                 fatal|error|warn|info|debug|trace|silent (default info)
  -h, --help                        show this help`;

export interface ApiFlags {
  storeEndpoints: string[];
  bindAddress: string;
  port: number;
  serviceCIDR: string;
  nodePortRange: { min: number; max: number };
  eventTtlSeconds: number;
  logLevel: string | undefined;
  help: boolean;
}

export class FlagError extends Error {}

export function parseApiFlags(argv: string[]): ApiFlags {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'store-endpoints': { type: 'string' },
      'bind-address': { type: 'string' },
      port: { type: 'string' },
      'service-cluster-ip-range': { type: 'string' },
      'service-node-port-range': { type: 'string' },
      'event-ttl': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const storeEndpoints = (values['store-endpoints'] ?? 'http://127.0.0.1:2379').split(',').map((s) => s.trim()).filter(Boolean);
  for (const e of storeEndpoints) {
    let u: URL;
    try {
      u = new URL(e);
    } catch {
      throw new FlagError(`--store-endpoints: ${JSON.stringify(e)} is not a URL`);
    }
    if (u.protocol !== 'http:') throw new FlagError(`--store-endpoints: only http:// is supported, got ${JSON.stringify(e)}`);
  }
  if (storeEndpoints.length === 0) throw new FlagError('--store-endpoints: at least one endpoint is required');
  const bindAddress = values['bind-address'] ?? '127.0.0.1';
  if (!isIP(bindAddress)) throw new FlagError(`--bind-address: ${JSON.stringify(bindAddress)} is not an IP address`);
  const port = Number(values.port ?? '6443');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FlagError(`--port: want 0-65535, got ${JSON.stringify(values.port)}`);
  const serviceCIDR = values['service-cluster-ip-range'] ?? '10.96.0.0/12';
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(serviceCIDR);
  if (!m || isIP(m[1]!) !== 4 || Number(m[2]) < 8 || Number(m[2]) > 30) throw new FlagError(`--service-cluster-ip-range: want an IPv4 CIDR between /8 and /30, got ${JSON.stringify(serviceCIDR)}`);
  const range = /^(\d+)-(\d+)$/.exec(values['service-node-port-range'] ?? '30000-32767');
  if (!range || Number(range[1]) < 1 || Number(range[2]) > 65535 || Number(range[1]) > Number(range[2])) {
    throw new FlagError(`--service-node-port-range: want A-B within 1-65535, got ${JSON.stringify(values['service-node-port-range'])}`);
  }
  const ttl = Number(values['event-ttl'] ?? '3600');
  if (!Number.isInteger(ttl) || ttl < 1) throw new FlagError(`--event-ttl: want a positive number of seconds, got ${JSON.stringify(values['event-ttl'])}`);
  return {
    storeEndpoints,
    bindAddress,
    port,
    serviceCIDR,
    nodePortRange: { min: Number(range[1]), max: Number(range[2]) },
    eventTtlSeconds: ttl,
    logLevel: values['log-level'],
    help: values.help ?? false,
  };
}

/** The first usable address of the service range: the `kubernetes` Service's ClusterIP. */
export function firstServiceIP(cidr: string): string {
  const [ip, bits] = cidr.split('/') as [string, string];
  const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const mask = Number(bits);
  const base = Math.floor(n / 2 ** (32 - mask)) * 2 ** (32 - mask);
  const first = base + 1;
  return [24, 16, 8, 0].map((s) => Math.floor(first / 2 ** s) % 256).join('.');
}
