// The few API calls node registration, status and the lease make, behind an interface so unit
// tests run them against an in-memory fake; KubeNodeApi is the real one over lib/client.
import type { Lease, Node } from '../../lib/api/types.js';
import type { KubeClient } from '../../lib/client/index.js';

export interface NodeApi {
  getNode(name: string): Promise<Node>;
  createNode(node: Node): Promise<Node>;
  /** JSON merge patch of the Node (labels, spec). */
  patchNode(name: string, patch: unknown): Promise<Node>;
  /** Strategic merge patch of nodes/status. */
  patchNodeStatus(name: string, patch: unknown): Promise<Node>;
  getLease(namespace: string, name: string): Promise<Lease>;
  createLease(lease: Lease): Promise<Lease>;
  /** Compare-and-swap on metadata.resourceVersion. */
  updateLease(lease: Lease): Promise<Lease>;
}

export class KubeNodeApi implements NodeApi {
  constructor(private readonly client: KubeClient) {}
  private nodes() {
    return this.client.resource<Node>('nodes');
  }
  private leases() {
    return this.client.resource<Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' });
  }
  getNode(name: string) {
    return this.nodes().get(name);
  }
  createNode(node: Node) {
    return this.nodes().create(node);
  }
  patchNode(name: string, patch: unknown) {
    return this.nodes().patch(name, 'merge', patch);
  }
  patchNodeStatus(name: string, patch: unknown) {
    return this.nodes().patch(name, 'strategic', patch, { subresource: 'status' });
  }
  getLease(namespace: string, name: string) {
    return this.leases().get(name, { namespace });
  }
  createLease(lease: Lease) {
    return this.leases().create(lease);
  }
  updateLease(lease: Lease) {
    return this.leases().update(lease);
  }
}
