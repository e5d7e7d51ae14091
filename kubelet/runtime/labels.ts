// Labels and annotations the kubelet puts on sandboxes and containers, as the real kubelet does
// (pkg/kubelet/types/labels.go, kuberuntime/labels.go), so that a restarted kubelet — or the log
// and exec server — can tell from the runtime alone which pod and container each one belongs to.

export const POD_NAME = 'io.kubernetes.pod.name';
export const POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const POD_UID = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME = 'io.kubernetes.container.name';

/** Container annotations (values are strings). */
export const CONTAINER_HASH = 'io.kubernetes.container.hash';
export const CONTAINER_RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const CONTAINER_TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
export const CONTAINER_TERMINATION_MESSAGE_POLICY = 'io.kubernetes.container.terminationMessagePolicy';
export const POD_TERMINATION_GRACE_PERIOD = 'io.kubernetes.pod.terminationGracePeriod';
export const CONTAINER_PRESTOP_HANDLER = 'io.kubernetes.container.preStopHandler';
/** k8ts: declared TCP containerPorts as JSON `[80, 8080]`, for mock images that serve on them. */
export const CONTAINER_PORTS = 'k8ts.io/container-ports';
/** k8ts: `init` | `sidecar` | `regular`, so an adopting kubelet knows what each container was. */
export const CONTAINER_TYPE = 'k8ts.io/container-type';

export function podLabels(pod: { namespace: string; name: string; uid: string }): Record<string, string> {
  return { [POD_NAME]: pod.name, [POD_NAMESPACE]: pod.namespace, [POD_UID]: pod.uid };
}

export function containerLabels(pod: { namespace: string; name: string; uid: string }, container: string): Record<string, string> {
  return { ...podLabels(pod), [CONTAINER_NAME]: container };
}
