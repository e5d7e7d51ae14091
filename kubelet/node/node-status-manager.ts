// Registers the Node and keeps its status current (kubelet_node_status.go): create, or reconcile an
// existing Node's default labels; then every --node-status-update-frequency build the status and
// PATCH nodes/status when it changed or --node-status-report-frequency has passed since the last
// report. Registration retries with backoff (100 ms doubling to 7 s) while the apiserver is away;
// a status update tries 5 times per period, as upstream's nodeStatusUpdateRetry.
import type { Node } from '../../lib/api/types.js';
import { isAlreadyExists } from '../../lib/client/index.js';
import { Backoff } from '../../lib/util/backoff.js';
import type { Clock } from '../../lib/util/clock.js';
import type { Logger } from '../../lib/util/logger.js';
import type { Image, Runtime, RuntimeCondition } from '../runtime/types.js';
import type { NodeApi } from './api.js';
import type { MachineInfo } from './machine-info.js';
import { initialNode, reconcileExisting, type NodeIdentity } from './node-object.js';
import type { ResourceList } from './resources.js';
import { runtimeErrors, setNodeStatus, statusChanged, type NodeEvent } from './status-setters.js';
import { rfc3339 } from './times.js';

export const NODE_STATUS_UPDATE_RETRY = 5;

/** Records an event about this Node (`Node <name> status is now: <reason>`). */
export type NodeEventSink = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface NodeStatusOptions {
  api: NodeApi;
  runtime: Pick<Runtime, 'version' | 'status' | 'listImages'>;
  clock: Clock;
  identity: NodeIdentity;
  nodeIP: string;
  kubeletPort: number;
  machine: MachineInfo;
  capacity: ResourceList;
  allocatable: ResourceList;
  updateFrequencyMs?: number;
  reportFrequencyMs?: number;
  events?: NodeEventSink;
  logger?: Logger;
  random?: () => number;
}

export class NodeStatusManager {
  private registered = false;
  private lastReportMs = -Infinity;
  private uid: string | undefined;
  private runtimeVersion = '';
  private images: readonly Image[] = [];

  constructor(private readonly o: NodeStatusOptions) {}

  get nodeName(): string {
    return this.o.identity.nodeName;
  }

  /** The registered Node's UID (the lease's owner), once known. */
  nodeUID(): string | undefined {
    return this.uid;
  }

  /** Registers, then updates the status every period until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    try {
      await this.registerWithAPIServer(signal);
      for (let tick = 0; !signal.aborted; tick++) {
        await this.syncNodeStatus();
        await this.o.clock.sleep(this.o.updateFrequencyMs ?? 10_000, signal);
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  async registerWithAPIServer(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff({ initialMs: 100, capMs: 7000, jitter: 0, ...(this.o.random ? { random: this.o.random } : {}) });
    while (!this.registered) {
      try {
        await this.tryRegister();
      } catch (err) {
        this.o.logger?.warn({ err: String(err) }, 'unable to register node with API server');
        await this.o.clock.sleep(backoff.next(), signal);
      }
    }
  }

  private async tryRegister(): Promise<void> {
    const id = this.o.identity;
    const bare = initialNode(id);
    const { status, events } = await this.buildStatus(bare);
    const node: Node = { ...bare, status };
    try {
      const created = await this.o.api.createNode(node);
      this.uid = created.metadata?.uid;
      this.o.logger?.info({ node: id.nodeName }, 'successfully registered node');
      this.record(events);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await this.o.api.getNode(id.nodeName);
      this.uid = existing.metadata?.uid;
      const patch = reconcileExisting(existing, id);
      if (patch) await this.o.api.patchNode(id.nodeName, patch);
    }
    this.registered = true;
  }

  /** One period: up to 5 attempts (upstream logs and waits for the next period after that). */
  async syncNodeStatus(): Promise<boolean> {
    for (let i = 0; i < NODE_STATUS_UPDATE_RETRY; i++) {
      try {
        await this.tryUpdateNodeStatus();
        return true;
      } catch (err) {
        this.o.logger?.warn({ err: String(err), attempt: i + 1 }, 'error updating node status, will retry');
      }
    }
    return false;
  }

  private async buildStatus(node: Node) {
    let conditions: RuntimeCondition[] | undefined;
    try {
      conditions = await this.o.runtime.status();
    } catch {
      conditions = undefined;
    }
    if (conditions) {
      // The runtime answers: refresh what it knows, keeping the last values if one call fails.
      try {
        const v = await this.o.runtime.version();
        this.runtimeVersion = `${v.runtimeName}://${v.runtimeVersion}`;
      } catch { /* keep the last version */ }
      try {
        this.images = await this.o.runtime.listImages();
      } catch { /* keep the last list */ }
    }
    return setNodeStatus(node, {
      nowISO: rfc3339(this.o.clock.now()),
      nodeIP: this.o.nodeIP,
      hostname: this.o.identity.hostname,
      kubeletPort: this.o.kubeletPort,
      machine: this.o.machine,
      capacity: this.o.capacity,
      allocatable: this.o.allocatable,
      runtimeVersion: this.runtimeVersion,
      images: this.images,
      notReadyReasons: runtimeErrors(conditions),
    });
  }

  private async tryUpdateNodeStatus(): Promise<void> {
    const node = await this.o.api.getNode(this.nodeName);
    this.uid = node.metadata?.uid ?? this.uid;
    const { status, events } = await this.buildStatus(node);
    const now = this.o.clock.now();
    const due = now >= this.lastReportMs + (this.o.reportFrequencyMs ?? 5 * 60_000);
    if (!due && !statusChanged(node.status, status)) return;
    await this.o.api.patchNodeStatus(this.nodeName, { status });
    this.lastReportMs = now;
    this.record(events);
  }

  private record(events: readonly NodeEvent[]): void {
    for (const e of events) this.o.events?.(e.type, e.reason, `Node ${this.nodeName} status is now: ${e.reason}`);
  }
}
