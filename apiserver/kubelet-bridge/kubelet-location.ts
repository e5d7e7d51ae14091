// Where a node's kubelet answers (pkg/kubelet/client GetConnectionInfo): the Node's InternalIP
// and `status.daemonEndpoints.kubeletEndpoint.Port` (10250 when unset). Plain HTTP, as k8ts's
// kubelets serve it.
import { resourceFor } from '../../lib/api/registry.js';
import { status } from '../../lib/api/status.js';
import { ApiError } from '../../lib/api/errors.js';
import type { KubeObject, Node, Pod } from '../../lib/api/types.js';
import type { ApiDeps } from '../deps.js';

export const DEFAULT_KUBELET_PORT = 10250;
const PODS = resourceFor('', 'v1', 'pods')!;
const NODES = resourceFor('', 'v1', 'nodes')!;

export interface KubeletLocation {
  host: string;
  port: number;
}

export function kubeletLocationOf(node: Node): KubeletLocation {
  const addresses = node.status?.addresses ?? [];
  const ip = addresses.find((a) => a.type === 'InternalIP')?.address;
  if (!ip) {
    const known = addresses.map((a) => `{${a.type} ${a.address}}`).join(' ');
    throw new ApiError({ ...status.internalError(new Error(`no preferred addresses found; known addresses: [${known}]`)), reason: '' });
  }
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  return { host: ip, port: port && port > 0 ? port : DEFAULT_KUBELET_PORT };
}

export function baseUrl(loc: KubeletLocation, scheme: 'http' | 'ws' = 'http'): string {
  return `${scheme}://${loc.host.includes(':') ? `[${loc.host}]` : loc.host}:${loc.port}`;
}

export async function getPod(deps: ApiDeps, namespace: string, name: string): Promise<Pod> {
  return (await deps.storeFor(PODS).get(namespace, name)) as KubeObject as Pod;
}

export async function getNode(deps: ApiDeps, name: string): Promise<Node> {
  return (await deps.storeFor(NODES).get(undefined, name)) as KubeObject as Node;
}

export async function listNodes(deps: ApiDeps): Promise<Node[]> {
  return (await deps.storeFor(NODES).list(undefined)).items as KubeObject[] as Node[];
}

export async function listPods(deps: ApiDeps, namespace: string | undefined): Promise<Pod[]> {
  return (await deps.storeFor(PODS).list(namespace)).items as KubeObject[] as Pod[];
}

/**
 * The container a log/exec/attach request means (pkg/registry/core/pod/strategy.go
 * validateContainer): the one named, or the only one; several need a name.
 */
export function validateContainer(pod: Pod, container: string | undefined): string {
  const spec = pod.spec;
  const all = [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
  const name = pod.metadata?.name ?? '';
  if (!container) {
    const regular = spec?.containers ?? [];
    if (regular.length === 1) return regular[0]!.name;
    if (regular.length === 0) throw new ApiError(status.badRequest(`a container name must be specified for pod ${name}`));
    throw new ApiError(status.badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`));
  }
  if (!all.includes(container)) throw new ApiError(status.badRequest(`container ${container} is not valid for pod ${name}`));
  return container;
}

/** The pod's kubelet, or a BadRequest naming the unscheduled pod (streamLocation). */
export async function kubeletOfPod(deps: ApiDeps, pod: Pod): Promise<KubeletLocation> {
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw new ApiError(status.badRequest(`pod ${pod.metadata?.name ?? ''} does not have a host assigned`));
  return kubeletLocationOf(await getNode(deps, nodeName));
}
