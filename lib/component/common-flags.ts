// Flag sets shared by components. Every component gets the base flags; a component with its own
// ops server takes opsFlags; a client of the apiserver takes clientFlags with its real
// counterpart's QPS/burst defaults (scheduler 50/100, controller-manager 20/30, kube-proxy 5/10).
import { isIP } from 'node:net';
import { defineFlags, type FlagValues } from './flags.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** -h/--help: any command's table needs it for --help to work. */
export const HELP_FLAG = defineFlags({ name: 'help', type: 'bool', short: 'h', group: 'generic flags', help: 'show this help' });

/** --log-level, --shutdown-timeout, --help: added to every component's table by the harness. */
export const BASE_FLAGS = defineFlags(
  { name: 'log-level', type: 'enum', values: LOG_LEVELS, group: 'generic flags', help: 'log verbosity; $K8TS_LOG_LEVEL when absent, else info' },
  { name: 'shutdown-timeout', type: 'duration', default: '10s', group: 'generic flags', help: 'after SIGTERM/SIGINT, how long a graceful shutdown may take before the process exits non-zero' },
  ...HELP_FLAG,
);

export interface OpsFlagDefaults {
  port: number;
  bindAddress?: string;
  /** What is served on --port (the apiserver serves its API there too). */
  portHelp?: string;
  group?: string;
}

export function opsFlags(d: OpsFlagDefaults) {
  const group = d.group ?? 'ops flags';
  return defineFlags(
    {
      name: 'bind-address',
      type: 'string',
      default: d.bindAddress ?? '127.0.0.1',
      group,
      help: 'IP address to listen on',
      validate: (v: string) => (isIP(v) ? undefined : `${JSON.stringify(v)} is not an IP address`),
    },
    { name: 'port', type: 'int', default: d.port, min: 0, max: 65535, group, help: d.portHelp ?? 'port of /healthz, /livez, /readyz and /metrics (0 = any free port)' },
  );
}

export interface ClientFlagDefaults {
  qps: number;
  burst: number;
}

/** How a component reaches the apiserver; lib/client turns these values into a client. */
export function clientFlags(d: ClientFlagDefaults) {
  const group = 'client flags';
  return defineFlags(
    { name: 'kubeconfig', type: 'string', group, help: 'path to a kubeconfig file ($KUBECONFIG when absent)' },
    {
      name: 'master',
      type: 'string',
      group,
      help: 'apiserver URL(s), comma-separated; overrides the kubeconfig\'s server',
      validate: (v: string) => {
        for (const u of v.split(',')) {
          try {
            const url = new URL(u.trim());
            if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${JSON.stringify(u)} is not an http(s) URL`;
          } catch {
            return `${JSON.stringify(u)} is not a URL`;
          }
        }
        return undefined;
      },
    },
    { name: 'kube-api-qps', type: 'float', default: d.qps, min: 0, group, help: 'requests per second to the apiserver (token bucket rate)' },
    { name: 'kube-api-burst', type: 'int', default: d.burst, min: 1, group, help: 'requests allowed in a burst above --kube-api-qps' },
  );
}

/** The values clientFlags() parse to: { kubeconfig, master, kubeApiQps, kubeApiBurst }. */
export type ClientFlags = FlagValues<ReturnType<typeof clientFlags>>;
