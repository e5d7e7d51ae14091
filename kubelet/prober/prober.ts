// pkg/kubelet/prober/prober.go: runs one probe of a container (exec, httpGet, tcpSocket, grpc),
// retries a probe that errors up to three times, and turns the outcome into a result plus the
// kubelet's events: `<Type> probe failed: …` and `<Type> probe errored and resulted in <state>
// state: …` (Warning, Unhealthy), `<Type> probe warning: …` (Warning, ProbeWarning).
import type { Dispatcher } from 'undici';
import type { Container, Pod, Probe } from '../../lib/api/types.js';
import type { Clock } from '../../lib/util/clock.js';
import type { ProbeType } from '../pod-deps.js';
import { execProbe, type CommandRunner } from './exec-probe.js';
import { expandCommandOnlyStatic } from './expand.js';
import { formatPod } from './go-format.js';
import { grpcProbe } from './grpc-probe.js';
import { newRequestForHttpGetAction } from './http-get.js';
import { httpProbe } from './http-probe.js';
import type { ProbeOutcome } from './outcome.js';
import { resolveContainerPort } from './port.js';
import { tcpProbe } from './tcp-probe.js';

const MAX_PROBE_RETRIES = 3;

/** The kubelet's event sink, as C1's recorder offers it; fieldPath names the container. */
export type RecordEvent = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string) => void;

export interface ProberDeps {
  runtime: CommandRunner;
  dispatcher: Dispatcher;
  clock: Clock;
  recordEvent: RecordEvent;
}

/** What the worker counts: success or failure; with `error` set, nothing to count. */
export interface ProbeVerdict {
  result: 'success' | 'failure';
  error?: string;
}

export const PROBE_TYPE_NAMES: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

export class Prober {
  constructor(private readonly deps: ProberDeps) {}

  async probe(type: ProbeType, spec: Probe, pod: Pod, container: Container, containerID: string): Promise<ProbeVerdict> {
    const name = PROBE_TYPE_NAMES[type];
    let outcome: ProbeOutcome = { result: 'unknown', output: '' };
    for (let i = 0; i < MAX_PROBE_RETRIES; i++) {
      outcome = await this.runOnce(spec, pod, container, containerID);
      if (outcome.error === undefined) break;
    }
    if (outcome.error !== undefined) {
      this.event(pod, container, 'Unhealthy', `${name} probe errored and resulted in ${outcome.result} state: ${outcome.error}`);
      return { result: 'failure', error: outcome.error };
    }
    switch (outcome.result) {
      case 'success':
        return { result: 'success' };
      case 'warning':
        this.event(pod, container, 'ProbeWarning', `${name} probe warning: ${outcome.output}`);
        return { result: 'success' };
      case 'failure':
        this.event(pod, container, 'Unhealthy', `${name} probe failed: ${outcome.output}`);
        return { result: 'failure' };
      default:
        return { result: 'failure' };
    }
  }

  private async runOnce(spec: Probe, pod: Pod, container: Container, containerID: string): Promise<ProbeOutcome> {
    const { clock } = this.deps;
    const timeoutSeconds = spec.timeoutSeconds || 1;
    const podIP = podIPOf(pod);
    try {
      if (spec.exec) {
        const command = expandCommandOnlyStatic(spec.exec.command ?? [], container.env);
        return await execProbe(this.deps.runtime, containerID, command, timeoutSeconds, clock);
      }
      if (spec.httpGet) {
        if (!spec.httpGet.host && !podIP) return noPodIP();
        const req = newRequestForHttpGetAction(spec.httpGet, container, podIP, 'probe');
        return await httpProbe(req, { dispatcher: this.deps.dispatcher, clock, timeoutMs: timeoutSeconds * 1000 });
      }
      if (spec.tcpSocket) {
        const port = resolveContainerPort(spec.tcpSocket.port, container);
        const host = spec.tcpSocket.host || podIP;
        if (!host) return noPodIP();
        return await tcpProbe(host, port, timeoutSeconds * 1000, clock);
      }
      if (spec.grpc) {
        if (!podIP) return noPodIP();
        return await grpcProbe(podIP, spec.grpc.port, spec.grpc.service ?? '', timeoutSeconds, clock);
      }
      return { result: 'unknown', output: '', error: `missing probe handler for ${formatPod(pod)}:${container.name}` };
    } catch (err) {
      // Request construction (ports) and anything unexpected: the probe errored.
      return { result: 'unknown', output: '', error: err instanceof Error ? err.message : String(err) };
    }
  }

  private event(pod: Pod, container: Container, reason: string, message: string): void {
    this.deps.recordEvent(pod, 'Warning', reason, message, containerFieldPath(pod, container));
  }
}

/** The field path of a container reference, as events carry it: `spec.containers{name}`. */
export function containerFieldPath(pod: Pod, container: Container): string {
  const isInit = (pod.spec?.initContainers ?? []).some((c) => c.name === container.name);
  return isInit ? `spec.initContainers{${container.name}}` : `spec.containers{${container.name}}`;
}

// A running container always has a sandbox IP upstream; here a pod handed over without one cannot
// be probed over the network, and says so rather than dialling an empty host.
function noPodIP(): ProbeOutcome {
  return { result: 'unknown', output: '', error: 'the pod has no IP yet' };
}

export function podIPOf(pod: Pod): string {
  return pod.status?.podIP || pod.status?.podIPs?.[0]?.ip || '';
}

/** Whether the probe dials the pod IP (so cannot run before the pod status carries one). */
export function dialsPodIP(spec: Probe): boolean {
  return Boolean((spec.httpGet && !spec.httpGet.host) || (spec.tcpSocket && !spec.tcpSocket.host) || spec.grpc);
}
