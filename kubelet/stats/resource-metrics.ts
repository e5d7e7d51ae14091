// `/metrics/resource`: the kubelet's resource metrics endpoint in the Prometheus text format
// (pkg/kubelet/metrics/collectors/resource_metrics.go), derived from the same Summary — CPU as
// cumulative core-seconds, memory as working set, each sample stamped with its time in ms.
import type { Summary } from './types.js';

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

const FAMILIES: Array<[name: string, type: 'counter' | 'gauge', help: string]> = [
  ['container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the container in core-seconds'],
  ['container_memory_working_set_bytes', 'gauge', 'Current working set of the container in bytes'],
  ['container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds'],
  ['node_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the node in core-seconds'],
  ['node_memory_working_set_bytes', 'gauge', 'Current working set of the node in bytes'],
  ['pod_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the pod in core-seconds'],
  ['pod_memory_working_set_bytes', 'gauge', 'Current working set of the pod in bytes'],
  ['resource_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise'],
];

/** The exposition text; `summary` undefined means the scrape failed (resource_scrape_error 1). */
export function resourceMetricsText(summary: Summary | undefined): string {
  const samples = new Map<string, string[]>(FAMILIES.map(([n]) => [n, []]));
  const add = (name: string, l: Record<string, string>, value: number, timeIso?: string) => {
    const ts = timeIso ? ` ${Date.parse(timeIso)}` : '';
    samples.get(name)!.push(`${name}${labels(l)} ${value}${ts}`);
  };
  if (summary) {
    const n = summary.node;
    add('node_cpu_usage_seconds_total', {}, n.cpu.usageCoreNanoSeconds / 1e9, n.cpu.time);
    add('node_memory_working_set_bytes', {}, n.memory.workingSetBytes, n.memory.time);
    for (const p of summary.pods) {
      const pl = { namespace: p.podRef.namespace, pod: p.podRef.name };
      add('pod_cpu_usage_seconds_total', pl, p.cpu.usageCoreNanoSeconds / 1e9, p.cpu.time);
      add('pod_memory_working_set_bytes', pl, p.memory.workingSetBytes, p.memory.time);
      for (const c of p.containers) {
        const cl = { container: c.name, namespace: p.podRef.namespace, pod: p.podRef.name };
        add('container_cpu_usage_seconds_total', cl, c.cpu.usageCoreNanoSeconds / 1e9, c.cpu.time);
        add('container_memory_working_set_bytes', cl, c.memory.workingSetBytes, c.memory.time);
        add('container_start_time_seconds', cl, Date.parse(c.startTime) / 1000);
      }
    }
  }
  add('resource_scrape_error', {}, summary ? 0 : 1);
  const out: string[] = [];
  for (const [name, type, help] of FAMILIES) {
    const lines = samples.get(name)!;
    if (lines.length === 0) continue;
    out.push(`# HELP ${name} [STABLE] ${help}`, `# TYPE ${name} ${type}`, ...lines);
  }
  return `${out.join('\n')}\n`;
}
