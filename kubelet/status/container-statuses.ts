// Runtime containers → the API's containerStatuses / initContainerStatuses, as upstream's
// convertToAPIContainerStatuses (pkg/kubelet/kubelet_pods.go): spec order, the newest container as
// `state`, the one before it as `lastState`, a start failure remembered from the last sync (the
// reason cache) as `waiting`, and ready/started from the probes.
import type { Container, ContainerStatus, Pod } from '../../lib/api/types.js';
import { metaTime } from '../../lib/events/recorder.js';
import type { RuntimeContainer, RuntimePodStatus } from '../kuberuntime/pod-status.js';
import { isSidecar } from './phase.js';

/** Why a container could not be started in the last sync (ErrImagePull, CrashLoopBackOff, …). */
export interface StartFailure {
  reason: string;
  message: string;
}

export interface ProbeView {
  ready(podUID: string, containerName: string, containerID: string): boolean;
  started(podUID: string, containerName: string, containerID: string): boolean;
}

export interface ConvertInput {
  pod: Pod;
  runtime: RuntimePodStatus;
  /** The status the API (or our cache) last had, for restart counts and lost containers. */
  oldStatuses: readonly ContainerStatus[];
  failures: ReadonlyMap<string, StartFailure>;
  probes: ProbeView;
  /** `mock` → containerIDs `mock://<id>`. */
  runtimeName: string;
}

type State = NonNullable<ContainerStatus['state']>;

function terminated(c: RuntimeContainer, runtimeName: string): NonNullable<State['terminated']> {
  return {
    exitCode: c.exitCode,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
    startedAt: c.startedAtMs ? metaTime(c.startedAtMs) : undefined,
    finishedAt: c.finishedAtMs ? metaTime(c.finishedAtMs) : undefined,
    containerID: `${runtimeName}://${c.id}`,
  } as NonNullable<State['terminated']>;
}

function stateOf(c: RuntimeContainer, runtimeName: string): State {
  switch (c.state) {
    case 'running':
      return { running: { startedAt: metaTime(c.startedAtMs) } };
    case 'exited':
      return { terminated: terminated(c, runtimeName) };
    case 'created':
      return { waiting: {} };
    default:
      // Upstream reports an unknown container as terminated with no exit code to speak of.
      return { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', containerID: `${runtimeName}://${c.id}` } };
  }
}

/**
 * Would the next sync start this container again (upstream ShouldContainerBeRestarted)? Only then
 * is a remembered start failure shown as `waiting`.
 */
export function shouldContainerBeRestarted(pod: Pod, spec: Container, latest: RuntimeContainer | undefined): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (!latest) return true;
  if (latest.state === 'running') return false;
  if (latest.state === 'unknown' || latest.state === 'created') return true;
  const policy = spec.restartPolicy === 'Always' ? 'Always' : pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && latest.exitCode === 0) return false;
  return true;
}

export function convertContainerStatuses(input: ConvertInput, specs: readonly Container[], isInit: boolean): ContainerStatus[] {
  const { pod, runtime, runtimeName } = input;
  const uid = pod.metadata?.uid ?? '';
  const hasInit = (pod.spec?.initContainers ?? []).length > 0;
  const defaultWaiting: State = { waiting: { reason: hasInit ? 'PodInitializing' : 'ContainerCreating' } };
  const out: ContainerStatus[] = [];
  for (const spec of specs) {
    const mine = runtime.containers.filter((c) => c.name === spec.name);
    const latest = mine[0];
    const old = input.oldStatuses.find((s) => s.name === spec.name);
    const status: ContainerStatus = {
      name: spec.name,
      state: defaultWaiting,
      lastState: {},
      ready: false,
      restartCount: old?.restartCount ?? 0,
      image: spec.image ?? '',
      imageID: '',
      started: false,
    };
    if (latest) {
      status.state = stateOf(latest, runtimeName);
      status.restartCount = latest.restartCount;
      status.imageID = latest.imageRef;
      status.containerID = `${runtimeName}://${latest.id}`;
      const previous = mine[1];
      if (previous && previous.state === 'exited') status.lastState = { terminated: terminated(previous, runtimeName) };
      if (latest.state === 'running') {
        status.started = input.probes.started(uid, spec.name, latest.id);
        status.ready = status.started && input.probes.ready(uid, spec.name, latest.id);
      }
      // A plain init container is ready only once it finished successfully, as upstream reports it.
      if (isInit && !isSidecar(spec)) status.ready = latest.state === 'exited' && latest.exitCode === 0;
    } else if (old?.state?.terminated) {
      // Gone from the runtime (a new runtime, a reboot) but known to have finished: the old status
      // stands, as upstream's convertToAPIContainerStatuses keeps it — not ContainerCreating.
      Object.assign(status, old, { name: spec.name });
    } else if (old?.state?.running) {
      // The runtime lost a container that was running (runtime restart): say so, as upstream does.
      status.lastState = { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' } };
    } else if (old?.lastState?.terminated) {
      status.lastState = old.lastState;
    }

    const failure = input.failures.get(spec.name);
    const finishedInit = isInit && !isSidecar(spec) && latest?.state === 'exited' && latest.exitCode === 0;
    if (failure && !finishedInit && shouldContainerBeRestarted(pod, spec, latest)) {
      if (status.state?.terminated) status.lastState = { terminated: status.state.terminated };
      status.state = { waiting: { reason: failure.reason, ...(failure.message ? { message: failure.message } : {}) } };
    }
    out.push(status);
  }
  return out;
}
