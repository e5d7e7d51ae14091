// The node heartbeat Lease (pkg/kubelet/nodelease → component-helpers/apimachinery/lease):
// kube-node-lease/<node>, holderIdentity the node name, leaseDurationSeconds 40, renewed every
// quarter of that (10 s) and owned by the Node so it goes away with it. A failing renewal retries
// at once up to 5 times; ensuring the Lease exists backs off 200 ms doubling to 7 s.
import type { Lease } from '../../lib/api/types.js';
import { isNotFound } from '../../lib/client/index.js';
import { Backoff } from '../../lib/util/backoff.js';
import type { Clock } from '../../lib/util/clock.js';
import type { Logger } from '../../lib/util/logger.js';
import type { NodeApi } from './api.js';
import { rfc3339Micro } from './times.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const MAX_UPDATE_RETRIES = 5;

export interface NodeLeaseOptions {
  api: NodeApi;
  clock: Clock;
  nodeName: string;
  /** The Node's UID once registered, for the ownerReference. */
  nodeUID: () => string | undefined;
  leaseDurationSeconds?: number;
  /** Default: a quarter of the duration. */
  renewIntervalMs?: number;
  logger?: Logger;
}

export class NodeLeaseController {
  private latest: Lease | undefined;
  private readonly duration: number;
  readonly renewIntervalMs: number;

  constructor(private readonly o: NodeLeaseOptions) {
    this.duration = o.leaseDurationSeconds ?? 40;
    this.renewIntervalMs = o.renewIntervalMs ?? this.duration * 250;
  }

  async run(signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        await this.sync(signal);
        await this.o.clock.sleep(this.renewIntervalMs, signal);
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  /** One heartbeat: make sure the Lease exists, then renew it. */
  async sync(signal: AbortSignal): Promise<void> {
    // A Lease created just now already carries this renewal.
    if (!this.latest && (await this.ensureLease(signal))) return;
    for (let i = 0; i < MAX_UPDATE_RETRIES && !signal.aborted; i++) {
      try {
        this.latest = await this.o.api.updateLease(this.renewed(this.latest!));
        return;
      } catch (err) {
        this.o.logger?.warn({ err: String(err), attempt: i + 1 }, 'failed to update lease');
        // Stale or gone: read it again before the next attempt.
        this.latest = undefined;
        try {
          await this.ensureOnce();
        } catch { /* next attempt */ }
        if (!this.latest) return;
      }
    }
  }

  private renewed(lease: Lease): Lease {
    const uid = this.o.nodeUID();
    const owned = (lease.metadata?.ownerReferences ?? []).length > 0;
    return {
      ...lease,
      metadata: {
        ...lease.metadata,
        ...(!owned && uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.o.nodeName, uid }] } : {}),
      },
      spec: { ...lease.spec, holderIdentity: this.o.nodeName, leaseDurationSeconds: this.duration, renewTime: rfc3339Micro(this.o.clock.now()) },
    };
  }

  /** Reads the Lease, creating it when absent; true when it was created. */
  private async ensureOnce(): Promise<boolean> {
    try {
      this.latest = await this.o.api.getLease(NODE_LEASE_NAMESPACE, this.o.nodeName);
      return false;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.latest = await this.o.api.createLease(this.renewed({ metadata: { name: this.o.nodeName, namespace: NODE_LEASE_NAMESPACE }, spec: {} }));
      return true;
    }
  }

  private async ensureLease(signal: AbortSignal): Promise<boolean> {
    const backoff = new Backoff({ initialMs: 200, capMs: 7000, jitter: 0 });
    for (;;) {
      try {
        return await this.ensureOnce();
      } catch (err) {
        this.o.logger?.warn({ err: String(err) }, 'failed to ensure node lease exists, will retry');
        await this.o.clock.sleep(backoff.next(), signal);
      }
    }
  }
}
