// What the kubelet's HTTP server needs, injected by kubelet/main.ts (and by tests): the runtime,
// the pods this kubelet runs, a clock, and what the stats need to describe the node.
import type { Registry } from 'prom-client';
import type { Pod } from '../../lib/api/types.js';
import type { HealthChecks } from '../../lib/component/health.js';
import type { Clock } from '../../lib/util/clock.js';
import type { Logger } from '../../lib/util/logger.js';
import type { Runtime } from '../runtime/types.js';

export interface KubeletServerDeps {
  nodeName: string;
  runtime: Runtime;
  /** The pods bound to this node as the kubelet knows them (spec from the API, status its own). */
  pods(): readonly Pod[];
  clock: Clock;
  logger: Logger;
  /** Root of the pod log directories (`--pod-logs-dir`): the file system /stats/summary reports. */
  podLogsRoot: string;
  /** When the node started (ms since the epoch), for the Summary's node.startTime. */
  nodeStartTimeMs: number;
  memoryCapacityBytes: number;
  /** /healthz and /metrics of the process; fresh ones when absent. */
  health?: HealthChecks;
  metrics?: Registry;
  /** How often a followed log looks for new lines. */
  logPollMs?: number;
}
