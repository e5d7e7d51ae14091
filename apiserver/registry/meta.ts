// The metadata rules every resource shares (k8s.io/apiserver registry/rest BeforeCreate and
// BeforeUpdate, and apimachinery's ValidateObjectMetaUpdate): the server owns uid,
// creationTimestamp, generation and the deletion fields; a client cannot change them by writing.
import { fieldError, type StatusCause } from '../../lib/api/field-errors.js';
import { generateName } from '../../lib/api/names.js';
import { isObj, type Obj } from '../../lib/api/objects.js';
import { goStringSlice, immutableField } from './go-format.js';
import type { StrategyContext } from './interfaces.js';

/** metav1.Time on the wire: RFC 3339 in UTC with whole seconds ("2024-05-01T12:00:00Z"). */
export function rfc3339(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** obj.metadata, created when absent or not an object. */
export function metaOf(obj: Obj): Obj {
  const m = obj['metadata'];
  if (isObj(m)) return m;
  const created: Obj = {};
  obj['metadata'] = created;
  return created;
}

function setOrDelete(o: Obj, key: string, value: unknown): void {
  if (value === undefined || value === null) delete o[key];
  else o[key] = value;
}

/**
 * Server-owned metadata of a new object: a fresh uid and creationTimestamp, a name from
 * generateName when none was given, no deletion fields, no namespace on cluster-scoped kinds.
 */
export function prepareCreateMeta(obj: Obj, ctx: StrategyContext): void {
  const meta = metaOf(obj);
  delete meta['deletionTimestamp'];
  delete meta['deletionGracePeriodSeconds'];
  meta['uid'] = ctx.newUid();
  meta['creationTimestamp'] = rfc3339(ctx.now);
  const base = meta['generateName'];
  if ((typeof meta['name'] !== 'string' || meta['name'] === '') && typeof base === 'string' && base !== '') {
    meta['name'] = generateName(base, ctx.random);
  }
  if (!ctx.resource.namespaced) delete meta['namespace'];
}

/** Before the kind's own update rules: the generation is the server's (the kind may bump it after). */
export function prepareUpdateMetaBefore(obj: Obj, old: Obj, ctx: StrategyContext): void {
  const meta = metaOf(obj);
  if (!ctx.resource.namespaced) delete meta['namespace'];
  setOrDelete(meta, 'generation', metaOf(old)['generation']);
}

/**
 * After the kind's own update rules: the uid when none was sent, the creation time always, and
 * the deletion fields once the old object has them (an update never removes or moves them).
 */
export function prepareUpdateMetaAfter(obj: Obj, old: Obj): void {
  const meta = metaOf(obj);
  const oldMeta = metaOf(old);
  if (typeof meta['uid'] !== 'string' || meta['uid'] === '') setOrDelete(meta, 'uid', oldMeta['uid']);
  if (oldMeta['creationTimestamp'] !== undefined && oldMeta['creationTimestamp'] !== null) {
    meta['creationTimestamp'] = oldMeta['creationTimestamp'];
  }
  if (oldMeta['deletionTimestamp'] !== undefined && oldMeta['deletionTimestamp'] !== null) {
    meta['deletionTimestamp'] = oldMeta['deletionTimestamp'];
  }
  const oldGrace = oldMeta['deletionGracePeriodSeconds'];
  if (oldGrace !== undefined && oldGrace !== null && (meta['deletionGracePeriodSeconds'] === undefined || meta['deletionGracePeriodSeconds'] === null)) {
    meta['deletionGracePeriodSeconds'] = oldGrace;
  }
}

const IMMUTABLE_META = ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const;

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

/** ValidateObjectMetaUpdate: identity and deletion fields are immutable; no new finalizers while deleting. */
export function validateObjectMetaUpdate(obj: Obj, old: Obj): StatusCause[] {
  const meta = metaOf(obj);
  const oldMeta = metaOf(old);
  const causes: StatusCause[] = [];
  const oldGeneration = typeof oldMeta['generation'] === 'number' ? oldMeta['generation'] : 0;
  const generation = typeof meta['generation'] === 'number' ? meta['generation'] : 0;
  if (generation < oldGeneration) causes.push(fieldError.invalid('metadata.generation', generation, 'must not be decremented'));
  for (const key of IMMUTABLE_META) {
    const now = meta[key] ?? undefined;
    const before = oldMeta[key] ?? undefined;
    if (now !== before && !(isBlank(now) && isBlank(before))) causes.push(immutableField(`metadata.${key}`, now));
  }
  if (!isBlank(oldMeta['deletionTimestamp'])) {
    const before = new Set(strings(oldMeta['finalizers']));
    const added = [...new Set(strings(meta['finalizers']).filter((f) => !before.has(f)))].sort();
    if (added.length > 0) {
      causes.push(fieldError.forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(added)}`));
    }
  }
  return causes;
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}
