// What one probe attempt yields (pkg/probe: Result plus output plus error). `error` set means the
// probe itself errored (bad port, runtime unreachable): the prober retries and then discards it.
export type ProbeStatus = 'success' | 'warning' | 'failure' | 'unknown';

export interface ProbeOutcome {
  result: ProbeStatus;
  /** The text that follows "<Type> probe failed: " or "<Type> probe warning: " in the event. */
  output: string;
  error?: string;
}

/** Go's time.Duration String() for whole seconds: 1s, 1m30s, 1h0m0s. */
export function goSeconds(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
