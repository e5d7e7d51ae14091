// NamespaceLifecycle admission (plugin/pkg/admission/namespace/lifecycle): nothing is created in
// a namespace that does not exist or is being terminated, and the system namespaces cannot be
// deleted. Namespaces found Active are remembered for a short while so a burst of creates does
// not read the same namespace each time; a namespace not remembered is always read from the
// store, so a missing namespace is never mistaken for an existing one.
import type { CauseReason, StatusCause } from '../../lib/api/field-errors.js';
import { child, type Obj } from '../../lib/api/objects.js';
import type { ResourceInfo } from '../../lib/api/registry.js';
import { status } from '../../lib/api/status.js';
import { ApiError } from '../../lib/api/errors.js';
import type { ResourceStore } from '../storage/interfaces.js';

/** Namespaces a delete is refused for (upstream protects default, kube-system and kube-public; kube-node-lease holds node heartbeats here). */
export const IMMORTAL_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** How long an Active namespace is trusted without reading it again. */
export const DEFAULT_NAMESPACE_CACHE_TTL_MS = 1000;
/** Bound on remembered namespaces; beyond it expired entries (or all) are dropped. */
const MAX_REMEMBERED = 10_000;

function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status.code === 404;
}

function isTerminating(ns: Obj): boolean {
  const deleting = child(ns, 'metadata')?.['deletionTimestamp'];
  return child(ns, 'status')?.['phase'] === 'Terminating' || (typeof deleting === 'string' && deleting !== '');
}

export class NamespaceLifecycle {
  private readonly activeUntil = new Map<string, number>();

  constructor(
    private readonly namespaces: () => ResourceStore,
    private readonly ttlMs: number = DEFAULT_NAMESPACE_CACHE_TTL_MS,
  ) {}

  /** Refuses a create of a namespaced object whose namespace is missing or terminating. */
  async admitCreate(obj: Obj, res: ResourceInfo, now: number): Promise<void> {
    if (!res.namespaced) return;
    const name = child(obj, 'metadata')?.['namespace'];
    if (typeof name !== 'string' || name === '') return; // validation reports a missing namespace
    const until = this.activeUntil.get(name);
    if (until !== undefined && until > now) return;
    let ns: Obj;
    try {
      ns = (await this.namespaces().get(undefined, name)) as unknown as Obj;
    } catch (err) {
      this.activeUntil.delete(name);
      if (isNotFound(err)) throw new ApiError(status.notFound({ resource: 'namespaces', name }));
      throw err;
    }
    if (isTerminating(ns)) {
      this.activeUntil.delete(name);
      throw new ApiError(terminatingError(obj, res, name));
    }
    this.remember(name, now);
  }

  /** Refuses deleting a system namespace; forgets a namespace about to be deleted. */
  admitDelete(obj: Obj, res: ResourceInfo): void {
    if (res.group !== '' || res.kind !== 'Namespace') return;
    const name = child(obj, 'metadata')?.['name'];
    if (typeof name !== 'string') return;
    if (IMMORTAL_NAMESPACES.includes(name)) {
      throw new ApiError(status.forbidden({ resource: 'namespaces', name }, 'this namespace may not be deleted'));
    }
    this.forget(name);
  }

  /** Drops what is remembered about a namespace (it is being changed or deleted). */
  forget(name: string): void {
    this.activeUntil.delete(name);
  }

  private remember(name: string, now: number): void {
    if (this.activeUntil.size >= MAX_REMEMBERED) {
      for (const [k, until] of this.activeUntil) if (until <= now) this.activeUntil.delete(k);
      if (this.activeUntil.size >= MAX_REMEMBERED) this.activeUntil.clear();
    }
    this.activeUntil.set(name, now + this.ttlMs);
  }
}

function terminatingError(obj: Obj, res: ResourceInfo, namespace: string) {
  const name = child(obj, 'metadata')?.['name'];
  const target = { resource: res.plural, ...(res.group ? { group: res.group } : {}), ...(typeof name === 'string' && name !== '' ? { name } : {}) };
  const s = status.forbidden(target, `unable to create new content in namespace ${namespace} because it is being terminated`);
  // Kubernetes adds a cause of its own type (not a field error) so clients can tell why.
  const cause = { reason: 'NamespaceTerminating' as CauseReason, field: 'metadata.namespace', message: `namespace ${namespace} is being terminated` } satisfies StatusCause;
  s.details = { ...(s.details ?? {}), causes: [cause] };
  return s;
}
