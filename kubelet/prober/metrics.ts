// The kubelet's prober metrics (pkg/kubelet/prober/prober_manager.go), on a Registry the caller
// passes: prober_probe_total by type, result, container, pod, namespace and pod_uid, and
// prober_probe_duration_seconds for probes that did not fail.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface ProbeLabels {
  probe_type: string;
  container: string;
  pod: string;
  namespace: string;
  pod_uid: string;
}

export type MetricResult = 'successful' | 'failed' | 'unknown';

export class ProberMetrics {
  private readonly total: Counter;
  private readonly duration: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.total =
      (registry.getSingleMetric('prober_probe_total') as Counter | undefined) ??
      new Counter({
        name: 'prober_probe_total',
        help: 'Cumulative number of a liveness, readiness or startup probe for a container by result.',
        labelNames: ['probe_type', 'result', 'container', 'pod', 'namespace', 'pod_uid'],
        registers,
      });
    this.duration =
      (registry.getSingleMetric('prober_probe_duration_seconds') as Histogram | undefined) ??
      new Histogram({
        name: 'prober_probe_duration_seconds',
        help: 'Duration in seconds for a probe response.',
        labelNames: ['probe_type', 'container', 'pod', 'namespace'],
        registers,
      });
  }

  observe(labels: ProbeLabels, result: MetricResult, seconds: number): void {
    this.total.inc({ ...labels, result });
    // Upstream times successful and unknown probes only: a failure's time is often the timeout.
    if (result !== 'failed') this.duration.observe(durationLabels(labels), seconds);
  }

  /** Drops a stopped worker's series. */
  forget(labels: ProbeLabels): void {
    for (const result of ['successful', 'failed', 'unknown'] as const) this.total.remove({ ...labels, result });
    this.duration.remove(durationLabels(labels));
  }
}

function durationLabels(l: ProbeLabels) {
  return { probe_type: l.probe_type, container: l.container, pod: l.pod, namespace: l.namespace };
}
