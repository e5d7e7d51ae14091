// The kubelet's flags table: the real kubelet's names where one exists (--node-ip, --root-dir,
// --pod-manifest-path, --cluster-dns, --max-pods, --register-with-taints, …), plus the few a
// laptop cluster needs (where pod logs go, the crash-loop back-off bounds for chaos tests).
import { isIPv4 } from 'node:net';
import { hostname } from 'node:os';
import { clientFlags, defineFlags, FlagError, type FlagValues } from '../../lib/component/index.js';
import type { Taint } from '../../lib/api/types.js';
import { KUBELET_SERVER_FLAGS } from '../server/flags.js';
import { parseResourceList, type ResourceList } from '../node/resources.js';

export const DESCRIPTION = 'The k8ts kubelet: registers its Node, runs the pods bound to it through the container runtime on --container-runtime-endpoint, probes them and reports their status; serves logs, exec, attach and stats (see kubelet/README.md).';

const ipIn127 = (v: string) => (isIPv4(v) && v.startsWith('127.') ? undefined : `${JSON.stringify(v)} is not an IPv4 address in 127.0.0.0/8`);

function cidrProblem(v: string): string | undefined {
  if (v === '') return undefined;
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(v);
  if (!m || !isIPv4(m[1]!) || Number(m[2]) < 8 || Number(m[2]) > 30) return `want an IPv4 CIDR such as 127.244.1.0/24, got ${JSON.stringify(v)}`;
  return undefined;
}

export const KUBELET_FLAGS = defineFlags(
  { name: 'node-name', type: 'string', default: hostname().toLowerCase(), help: 'name of the Node this kubelet registers and runs pods for' },
  { name: 'node-ip', type: 'string', default: '127.0.10.1', help: 'the node address (InternalIP): the kubelet API, hostNetwork pods and hostPorts live on it', validate: ipIn127 },
  { name: 'container-runtime-endpoint', type: 'string', default: 'unix://.k8ts/node-1/runtime.sock', help: 'the runtime\'s unix socket (unix://PATH or PATH)' },
  { name: 'root-dir', type: 'string', default: '.k8ts/node-1/kubelet', help: 'where the kubelet keeps pod volumes and its state' },
  { name: 'pod-logs-dir', type: 'string', default: '.k8ts/node-1/pod-logs', help: 'where container logs are written (/var/log/pods on a real node)' },
  { name: 'pod-cidr', type: 'string', default: '127.244.1.0/24', help: 'pod IPs come from it while the Node has no spec.podCIDR (node IPAM assigns one later); empty = none', validate: cidrProblem },
  { name: 'cluster-dns', type: 'list', default: ['127.96.0.10'], help: 'nameservers of pods with dnsPolicy ClusterFirst' },
  { name: 'cluster-domain', type: 'string', default: 'cluster.local', help: 'the cluster\'s DNS domain (search paths, hostnames)' },
  { name: 'max-pods', type: 'int', default: 110, min: 1, help: 'pods this node runs at most (capacity "pods")' },
  { name: 'node-labels', type: 'list', help: 'labels to register the Node with, key=value (node-role.kubernetes.io/<role>= for roles)' },
  { name: 'register-with-taints', type: 'list', help: 'taints to register the Node with, key=value:Effect or key:Effect' },
  { name: 'register-schedulable', type: 'bool', default: true, help: 'register the Node schedulable (false registers it cordoned)' },
  { name: 'kube-reserved', type: 'string', default: '', help: 'resources reserved for Kubernetes daemons, cpu=100m,memory=256Mi (taken off allocatable)' },
  { name: 'system-reserved', type: 'string', default: '', help: 'resources reserved for the OS, same form (taken off allocatable)' },
  { name: 'pod-manifest-path', type: 'string', default: '', help: 'directory of static pod manifests (YAML/JSON) run without the apiserver; empty = none' },
  { name: 'sync-frequency', type: 'duration', default: '1m', help: 'how often every pod is synced even without changes' },
  { name: 'node-status-update-frequency', type: 'duration', default: '10s', help: 'how often the Node status is computed (and written when it changed)' },
  { name: 'node-status-report-frequency', type: 'duration', default: '5m', help: 'how often the Node status is written even when unchanged' },
  { name: 'node-lease-duration-seconds', type: 'int', default: 40, min: 1, help: 'the kube-node-lease Lease duration; renewed every quarter of it' },
  { name: 'crash-loop-backoff-initial', type: 'duration', default: '10s', help: 'first restart delay of a crashing container (doubles each time)' },
  { name: 'crash-loop-backoff-max', type: 'duration', default: '5m', help: 'longest restart delay of a crashing container' },
  { name: 'event-qps', type: 'float', default: 50, min: 0, help: 'Events per second the kubelet may write (a budget of their own, apart from --kube-api-qps)' },
  { name: 'event-burst', type: 'int', default: 100, min: 1, help: 'Events allowed in a burst above --event-qps' },
  ...KUBELET_SERVER_FLAGS,
  ...clientFlags({ qps: 50, burst: 100 }),
);

export type KubeletFlags = FlagValues<typeof KUBELET_FLAGS>;

/** --container-runtime-endpoint as a socket path. */
export function runtimeSocketPath(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return endpoint.slice('unix://'.length);
  if (/^[a-z]+:\/\//.test(endpoint)) throw new FlagError(`--container-runtime-endpoint: only unix:// sockets are supported, got ${JSON.stringify(endpoint)}`);
  return endpoint;
}

/** `key=value` entries as a map; FlagError naming the flag on a bad one. */
export function parseLabels(flag: string, entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    if (eq <= 0) throw new FlagError(`--${flag}: want key=value, got ${JSON.stringify(e)}`);
    out[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return out;
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** `key=value:Effect` or `key:Effect`, as the real --register-with-taints takes them. */
export function parseTaints(entries: readonly string[]): Taint[] {
  return entries.map((e) => {
    const m = /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(e);
    if (!m || !EFFECTS.includes(m[3]!)) throw new FlagError(`--register-with-taints: want key=value:Effect with Effect one of ${EFFECTS.join(', ')}, got ${JSON.stringify(e)}`);
    return { key: m[1]!, ...(m[2] ? { value: m[2] } : {}), effect: m[3]! };
  });
}

export function parseReserved(flag: string, text: string): ResourceList {
  try {
    return parseResourceList(text);
  } catch (err) {
    throw new FlagError(`--${flag}: ${(err as Error).message}`);
  }
}

/** Flags judged together (the harness turns a FlagError into exit 2 with the usage). */
export function checkKubeletFlags(f: KubeletFlags): void {
  runtimeSocketPath(f.containerRuntimeEndpoint);
  parseLabels('node-labels', f.nodeLabels);
  parseTaints(f.registerWithTaints);
  parseReserved('kube-reserved', f.kubeReserved);
  parseReserved('system-reserved', f.systemReserved);
  if (f.address !== '' && !isIPv4(f.address)) throw new FlagError(`--address: ${JSON.stringify(f.address)} is not an IPv4 address`);
}
