// pkg/kubelet/prober/results: the latest result of one probe type, keyed by container ID, so a
// restarted container (new ID) starts from nothing. Setting a value that differs from the cached
// one (or the first value) notifies the listener.
import type { ProbeResult } from '../pod-deps.js';

export interface ResultChange {
  containerID: string;
  podUID: string;
  containerName: string;
  result: ProbeResult;
}

export class ResultsCache {
  private readonly cache = new Map<string, ProbeResult>();

  constructor(private readonly onChange: (change: ResultChange) => void) {}

  get(containerID: string): ProbeResult | undefined {
    return this.cache.get(containerID);
  }

  set(change: ResultChange): void {
    if (this.cache.get(change.containerID) === change.result) return;
    this.cache.set(change.containerID, change.result);
    this.onChange(change);
  }

  remove(containerID: string): void {
    this.cache.delete(containerID);
  }
}
