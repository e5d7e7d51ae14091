// Finding a pod this kubelet runs by namespace/name, and the running container of a given name
// for exec and attach (the newest attempt if several).
import type { Pod } from '../../lib/api/types.js';
import { containersOf } from '../logs/container-log-source.js';
import type { Container, RuntimeService } from '../runtime/types.js';

export function findPod(pods: readonly Pod[], namespace: string, name: string): Pod | undefined {
  return pods.find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name);
}

/** Whether the pod spec names a container (regular, init or ephemeral) of this name. */
export function hasContainer(pod: Pod, name: string): boolean {
  const spec = pod.spec;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])].some((c) => c.name === name);
}

export async function runningContainer(runtime: Pick<RuntimeService, 'listContainers'>, pod: Pod, name: string): Promise<Container | undefined> {
  return (await containersOf(runtime, pod, name)).find((c) => c.state === 'CONTAINER_RUNNING');
}

export function podList(pods: readonly Pod[]): object {
  return { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods.map((p) => ({ kind: 'Pod', apiVersion: 'v1', ...p })) };
}
