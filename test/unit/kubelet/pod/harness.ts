// A Kubelet wired to fakes for unit tests: FakeRuntime, FakeClock, probes the test controls,
// lifecycle hooks that record their calls, and recorded status writes, deletes and events.
import type { Container, Node, Pod, PodStatus } from '../../../../lib/api/types.js';
import type { EventRecorder, EventType, InvolvedObject, EventOptions } from '../../../../lib/events/recorder.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import { createLogger } from '../../../../lib/util/logger.js';
import { Kubelet, type KubeletOptions } from '../../../../kubelet/kubelet.js';
import type { HandlerResult, LifecycleHandlers, ProbeUpdate, Probes } from '../../../../kubelet/pod-deps.js';
import type { PodKey, PodStatusWriter } from '../../../../kubelet/status/status-manager.js';
import { FakeRuntime } from '../fake-runtime.js';

export interface RecordedEvent {
  type: EventType;
  reason: string;
  message: string;
  fieldPath?: string;
}

export class FakeProbes implements Probes {
  readiness = new Map<string, boolean>();
  startup = new Map<string, boolean>();
  listeners: Array<(u: ProbeUpdate) => void> = [];
  removed: string[] = [];
  addPod(): void {}
  updatePod(): void {}
  removePod(uid: string): void {
    this.removed.push(uid);
  }
  ready(_uid: string, name: string): boolean {
    return this.readiness.get(name) ?? true;
  }
  started(_uid: string, name: string): boolean {
    return this.startup.get(name) ?? true;
  }
  onUpdate(l: (u: ProbeUpdate) => void): void {
    this.listeners.push(l);
  }
  emit(u: ProbeUpdate): void {
    for (const l of this.listeners) l(u);
  }
}

export class FakeLifecycle implements LifecycleHandlers {
  calls: string[] = [];
  failPostStart = false;
  async run(_pod: Pod, container: Container, _id: string, handler: unknown): Promise<HandlerResult> {
    const kind = handler === container.lifecycle?.preStop ? 'preStop' : 'postStart';
    this.calls.push(`${kind} ${container.name}`);
    if (kind === 'postStart' && this.failPostStart) return { ok: false, message: 'Exec lifecycle hook ([false]) for Container "web" in Pod "p" failed - error: command exited with 1, message: ""' };
    return { ok: true };
  }
}

export class Harness {
  readonly clock = new FakeClock(Date.UTC(2025, 0, 1));
  readonly runtime = new FakeRuntime(this.clock);
  readonly probes = new FakeProbes();
  readonly lifecycle = new FakeLifecycle();
  readonly events: RecordedEvent[] = [];
  readonly statuses: Array<{ pod: PodKey; status: PodStatus }> = [];
  readonly deletes: PodKey[] = [];
  /** Log of side effects in order (runtime calls interleaved with deletes). */
  node: Node | undefined = {
    metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1', disk: 'ssd' } },
    status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
  };
  readonly kubelet: Kubelet;

  constructor(overrides: Partial<KubeletOptions> = {}) {
    const recorder: EventRecorder = {
      event: (_o: InvolvedObject, type: EventType, reason: string, message: string, opts?: EventOptions) => {
        this.events.push({ type, reason, message, ...(opts?.fieldPath ? { fieldPath: opts.fieldPath } : {}) });
      },
    };
    const writer: PodStatusWriter = {
      patchStatus: async (pod, status) => {
        this.statuses.push({ pod, status: structuredClone(status) });
      },
      deletePod: async (pod) => {
        this.runtime.calls.push(`DELETE ${pod.name} uid=${pod.uid}`);
        this.deletes.push(pod);
      },
    };
    this.kubelet = new Kubelet({
      nodeName: 'node-1',
      runtime: this.runtime,
      env: { containerEnv: async () => [] },
      volumes: { mountPod: async () => undefined, writeEtcHosts: async () => undefined, containerMounts: () => [], unmountPod: async () => undefined },
      probes: this.probes,
      lifecycle: this.lifecycle,
      statusWriter: writer,
      recorder,
      clock: this.clock,
      log: createLogger('kubelet-test', { level: 'silent' }),
      sandbox: { podLogsRoot: '/tmp/k8ts-test-logs', clusterDNS: ['127.96.0.10'], clusterDomain: 'cluster.local', nodeDNS: { servers: ['127.0.0.53'], searches: [], options: [] }, nodeHostname: 'node-1' },
      node: () => this.node,
      hostIPs: () => ['127.0.10.1'],
      ...overrides,
    });
  }

  /** Lets every worker and the status manager finish what is due now. */
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await this.kubelet.workers.idle();
      await this.kubelet.statusManager.idle();
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Moves the clock and lets the work it triggers finish. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.settle();
  }

  /** The status the kubelet last generated for the pod. */
  status(pod: Pod): PodStatus {
    const s = this.kubelet.statusManager.getPodStatus(pod.metadata!.uid!);
    if (!s) throw new Error('no status for pod');
    return s;
  }

  containerState(pod: Pod, name: string) {
    const s = this.status(pod);
    return [...(s.containerStatuses ?? []), ...(s.initContainerStatuses ?? [])].find((c) => c.name === name);
  }

  reasons(): string[] {
    return this.events.map((e) => e.reason);
  }
}

let uidSeq = 0;
export function makePod(spec: Partial<NonNullable<Pod['spec']>> & { containers?: Container[] }, meta: Partial<NonNullable<Pod['metadata']>> = {}): Pod {
  uidSeq++;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${uidSeq}`, namespace: 'default', uid: `uid-${uidSeq}`, resourceVersion: '1', ...meta },
    spec: { nodeName: 'node-1', restartPolicy: 'Always', containers: [{ name: 'web', image: 'nginx:1.27' }], ...spec },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }] },
  };
}
