// The verbs on objects: get, list, create, update, patch, delete, deletecollection. Each returns
// a Reply; dispatch.ts picks the verb (and subresources.ts reuses these for status).
import { stringify as toYaml } from 'yaml';
import { apiVersionOf, isPreferredVersion, RESOURCES, type ResourceInfo } from '../lib/api/registry.js';
import { status } from '../lib/api/status.js';
import type { KubeObject } from '../lib/api/types.js';
import { tableFor, parseIncludeObject } from '../lib/api/printers/index.js';
import { applyPatchOfType, isPatchError, mergeSchemaFor, patchTypeFromContentType } from '../lib/api/patch/index.js';
import type { ApiDeps } from './deps.js';
import { checkObjectForUrl, clone, isObject, mutableMeta, parseBody } from './decode.js';
import { responseForm, type ResponseForm } from './negotiation.js';
import { prepareCreate, prepareStatusUpdate, prepareUpdate, strategyContext } from './objects.js';
import { ApiError } from '../lib/api/errors.js';
import { header, q, selectorsFrom, type Reply, type RequestInfo } from './request.js';
import type { ListOptions, ListResult, ResourceStore } from './storage/interfaces.js';
import { checkBodyFields, checkPatchedFields, fieldValidationOf } from './field-validation.js';

/** Sets metadata the list response needs and serializes in the requested form. */
export function render(deps: ApiDeps, res: ResourceInfo, req: RequestInfo, code: number, value: KubeObject | { items: KubeObject[]; resourceVersion: string; continue?: string; remainingItemCount?: number }, form: ResponseForm = responseForm(header(req, 'accept'))): Reply {
  if (form === 'table') {
    let includeObject;
    try {
      includeObject = parseIncludeObject(q(req.query, 'includeObject'));
    } catch (err) {
      throw new ApiError(status.badRequest((err as Error).message));
    }
    const objects = 'items' in value && Array.isArray(value.items) ? value.items : [value as KubeObject];
    const rv = 'items' in value && Array.isArray(value.items) ? (value as { resourceVersion: string }).resourceVersion : (value as KubeObject).metadata?.resourceVersion;
    const opts: Parameters<typeof tableFor>[2] = { now: deps.clock.now(), includeObject };
    if (rv !== undefined) opts.resourceVersion = rv;
    const cont = 'items' in value && Array.isArray(value.items) ? (value as { continue?: string }).continue : undefined;
    if (cont) opts.continue = cont;
    return { code, body: tableFor(res.kind, objects, opts) };
  }
  let body: unknown = value;
  if ('items' in value && Array.isArray(value.items)) {
    const metadata: Record<string, unknown> = { resourceVersion: value.resourceVersion };
    if (value.continue) metadata['continue'] = value.continue;
    if (value.remainingItemCount !== undefined) metadata['remainingItemCount'] = value.remainingItemCount;
    body = { kind: res.listKind, apiVersion: apiVersionOf(res), metadata, items: value.items.map((o) => withTypeMeta(res, o)) };
  } else {
    body = withTypeMeta(res, value as KubeObject);
  }
  if (form === 'yaml') return { code, body: toYaml(body), headers: { 'content-type': 'application/yaml' } };
  return { code, body };
}

function withTypeMeta(res: ResourceInfo, o: KubeObject): KubeObject {
  if (o.kind && o.apiVersion) return o;
  return { ...o, kind: o.kind || res.kind, apiVersion: o.apiVersion || apiVersionOf(res) };
}

function listOptions(req: RequestInfo, res: ResourceInfo): ListOptions {
  const opts: ListOptions = selectorsFrom(req, res);
  const limit = q(req.query, 'limit');
  if (limit !== undefined && limit !== '') {
    const n = Number(limit);
    if (!Number.isSafeInteger(n) || n < 0) throw new ApiError(status.badRequest(`invalid limit ${JSON.stringify(limit)}: must be a non-negative integer`));
    if (n > 0) opts.limit = n;
  }
  const cont = q(req.query, 'continue');
  if (cont) opts.continue = cont;
  return opts;
}

/** The body as text (undefined for binary protobuf bodies). */
function bodyText(req: RequestInfo): string | undefined {
  return typeof req.body === 'string' ? req.body : undefined;
}

function isJsonBody(req: RequestInfo): boolean {
  const t = (header(req, 'content-type') ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  return t === 'application/json' || t.endsWith('+json');
}

function withWarnings(reply: Reply, warnings: string[]): Reply {
  if (warnings.length > 0) reply.headers = { ...(reply.headers ?? {}), warning: warnings as unknown as string };
  return reply;
}

function dryRun(req: RequestInfo): boolean {
  const v = req.query['dryRun'];
  const values = Array.isArray(v) ? v : v === undefined ? [] : [v];
  for (const d of values) if (d !== 'All') throw new ApiError(status.badRequest(`unsupported dryRun value ${JSON.stringify(d)}: only "All" is supported`));
  return values.length > 0;
}

function name(req: RequestInfo): string {
  return req.path.name!;
}

/**
 * Writes a prepared new object. Admission may have claimed shared values (a Service's ClusterIP
 * and NodePorts): when the write does not happen — a dry run, or a failed create — they are
 * released again.
 */
async function storeCreate(deps: ApiDeps, res: ResourceInfo, obj: KubeObject, isDry: boolean, opts: { ttlSeconds?: number } = {}): Promise<KubeObject> {
  const release = () => deps.admission.admitDelete(obj, strategyContext(deps, res)).catch(() => undefined);
  if (isDry) {
    await release();
    return obj;
  }
  try {
    return await deps.storeFor(res).create(obj, opts);
  } catch (err) {
    await release();
    throw err;
  }
}

// ------------------------------------------------------------------ reads

export async function getObject(deps: ApiDeps, req: RequestInfo): Promise<Reply> {
  const res = req.path.resource;
  const obj = await deps.storeFor(res).get(req.path.namespace, name(req));
  return render(deps, res, req, 200, obj);
}

export async function listObjects(deps: ApiDeps, req: RequestInfo): Promise<Reply> {
  const res = req.path.resource;
  const opts = listOptions(req, res);
  const rv = q(req.query, 'resourceVersion');
  let result: ListResult;
  if (rv === '0' && !opts.continue) {
    // As Kubernetes: rv=0 lists may be served from the watch cache (possibly slightly stale).
    const cache = deps.cacheFor(res);
    await cache.ready();
    result = cache.list(req.path.namespace, opts);
  } else {
    result = await deps.storeFor(res).list(req.path.namespace, opts);
  }
  return render(deps, res, req, 200, result);
}

// ------------------------------------------------------------------ writes

export async function createObject(deps: ApiDeps, req: RequestInfo): Promise<Reply> {
  const res = req.path.resource;
  const mode = fieldValidationOf(q(req.query, 'fieldValidation'));
  const body = parseBody(req.body, header(req, 'content-type'));
  const warnings = checkBodyFields(mode, res, body, bodyText(req), isJsonBody(req));
  const obj = checkObjectForUrl(body, res, req.path.namespace, undefined);
  if (res.namespaced && !obj.metadata?.namespace) throw new ApiError(status.badRequest('a namespace is required to create this object'));
  const isDry = dryRun(req);
  await prepareCreate(deps, res, obj);
  const created = await storeCreate(deps, res, obj, isDry, res.kind === 'Event' && res.group === '' ? { ttlSeconds: deps.eventTtlSeconds } : {});
  return withWarnings(render(deps, res, req, 201, created), warnings);
}

export async function updateObject(deps: ApiDeps, req: RequestInfo): Promise<Reply> {
  const res = req.path.resource;
  const store = deps.storeFor(res);
  const mode = fieldValidationOf(q(req.query, 'fieldValidation'));
  const body = parseBody(req.body, header(req, 'content-type'));
  const warnings = checkBodyFields(mode, res, body, bodyText(req), isJsonBody(req));
  const obj = checkObjectForUrl(body, res, req.path.namespace, name(req));
  let old: KubeObject;
  try {
    old = await currentForUpdate(deps, res, store, req.path.namespace, name(req), obj.metadata?.resourceVersion);
  } catch (err) {
    if (err instanceof ApiError && err.status.code === 404 && deps.strategyFor(res).allowCreateOnUpdate) {
      await prepareCreate(deps, res, obj);
      return render(deps, res, req, 201, await storeCreate(deps, res, obj, dryRun(req)));
    }
    throw err;
  }
  const subresource = req.path.subresource;
  if (subresource === 'status') await prepareStatusUpdate(deps, res, obj, old);
  else await prepareUpdate(deps, res, obj, old);
  if (dryRun(req)) return render(deps, res, req, 200, obj);
  // The body's resourceVersion (if any) is the precondition; without one the write is unconditional.
  const updated = await store.update(obj);
  return withWarnings(render(deps, res, req, 200, await finishIfReleased(deps, store, updated)), warnings);
}

/**
 * The object an update replaces. When the client names the resourceVersion it read and the watch
 * cache holds exactly that version, the cached copy is it (the write is a compare-and-swap on
 * that version anyway), saving a store round trip — as kube-apiserver does. Otherwise read the store.
 */
async function currentForUpdate(deps: ApiDeps, res: ResourceInfo, store: ResourceStore, ns: string | undefined, objName: string, rv: string | undefined): Promise<KubeObject> {
  if (rv) {
    const cached = deps.cacheFor(res).peek(ns, objName);
    if (cached && cached.metadata?.resourceVersion === rv) return clone(cached);
  }
  return store.get(ns, objName);
}

export async function patchObject(deps: ApiDeps, req: RequestInfo): Promise<Reply> {
  const res = req.path.resource;
  const store = deps.storeFor(res);
  const contentType = header(req, 'content-type');
  const type = patchTypeFromContentType(contentType);
  if (!type) {
    throw new ApiError(
      status.unsupportedMediaType(
        contentType ?? '',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
      ),
    );
  }
  const mode = fieldValidationOf(q(req.query, 'fieldValidation'));
  const patch = parseBody(req.body, type === 'apply' ? 'application/apply-patch+yaml' : 'application/json');
  let warnings: string[] = [];
  const schema = mergeSchemaFor(apiVersionOf(res), res.kind);
  const subresource = req.path.subresource;
  const apply = (live: KubeObject | undefined): KubeObject => {
    try {
      return applyPatchOfType({ type, live: live as never, patch, ...(schema ? { schema } : {}) }) as unknown as KubeObject;
    } catch (err) {
      if (isPatchError(err)) throw new ApiError(err.toStatus());
      throw err;
    }
  };
  if (type === 'apply') {
    // Server-side apply, simplified: create when missing, else merge the applied configuration.
    try {
      await store.get(req.path.namespace, name(req));
    } catch (err) {
      if (!(err instanceof ApiError && err.status.code === 404) || subresource) throw err;
      const obj = checkObjectForUrl(apply(undefined), res, req.path.namespace, name(req));
      warnings = checkPatchedFields(mode, res, undefined, obj, false);
      await prepareCreate(deps, res, obj);
      return withWarnings(render(deps, res, req, 201, await storeCreate(deps, res, obj, dryRun(req))), warnings);
    }
  }
  const isDry = dryRun(req);
  let dryResult: KubeObject | undefined;
  const updated = await store.guaranteedUpdate(req.path.namespace, name(req), async (current) => {
    const old = clone(current);
    const patched = checkObjectForUrl(apply(current), res, req.path.namespace, name(req));
    warnings = checkPatchedFields(mode, res, bodyText(req), patched, type === 'merge' || type === 'strategic');
    // A patch carries the object's own resourceVersion only when the client put one there on purpose.
    if (patched.metadata?.resourceVersion === current.metadata?.resourceVersion) delete mutableMeta(patched).resourceVersion;
    else if (patched.metadata?.resourceVersion !== undefined) throw new ApiError(status.staleResourceVersion({ resource: res.plural, group: res.group, name: name(req) }));
    if (subresource === 'status') await prepareStatusUpdate(deps, res, patched, old);
    else await prepareUpdate(deps, res, patched, old);
    mutableMeta(patched).resourceVersion = current.metadata?.resourceVersion;
    if (isDry) {
      dryResult = patched;
      throw new DryRunDone();
    }
    return patched;
  }).catch((err) => {
    if (err instanceof DryRunDone) return dryResult!;
    throw err;
  });
  return withWarnings(render(deps, res, req, 200, isDry ? updated : await finishIfReleased(deps, store, updated)), warnings);
}

class DryRunDone extends Error {}

// ------------------------------------------------------------------ deletes

interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
}

function deleteOptions(req: RequestInfo): DeleteOptions {
  let opts: DeleteOptions = {};
  if (bodyText(req)?.trim()) {
    const body = parseBody(req.body, header(req, 'content-type') ?? 'application/json');
    if (!isObject(body)) throw new ApiError(status.badRequest('DeleteOptions must be an object'));
    opts = body as DeleteOptions;
  }
  const grace = q(req.query, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = Number(grace);
  const prop = q(req.query, 'propagationPolicy');
  if (prop !== undefined) opts.propagationPolicy = prop as DeleteOptions['propagationPolicy'];
  if (opts.gracePeriodSeconds !== undefined && (!Number.isSafeInteger(opts.gracePeriodSeconds) || opts.gracePeriodSeconds < 0)) {
    throw new ApiError(status.badRequest(`gracePeriodSeconds must be a non-negative integer, got ${JSON.stringify(opts.gracePeriodSeconds)}`));
  }
  if (opts.propagationPolicy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(opts.propagationPolicy)) {
    throw new ApiError(status.invalid('DeleteOptions', '', [{ reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: ${JSON.stringify(opts.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan"` }]));
  }
  if (opts.orphanDependents === true && opts.propagationPolicy === undefined) opts.propagationPolicy = 'Orphan';
  return opts;
}

/**
 * Deletes as Kubernetes does: objects with finalizers (including the ones Foreground/Orphan
 * propagation adds) get a deletionTimestamp and stay until their finalizers are removed; pods
 * bound to a node are deleted gracefully (the kubelet finishes them); everything else goes now.
 */
export async function deleteObject(deps: ApiDeps, req: RequestInfo): Promise<Reply> {
  const res = req.path.resource;
  const store = deps.storeFor(res);
  const opts = deleteOptions(req);
  const ns = req.path.namespace;
  const current = await store.get(ns, name(req));
  await deps.admission.admitDelete(current, strategyContext(deps, res));
  if (dryRun(req)) return render(deps, res, req, 200, current);
  const preconditions = opts.preconditions ?? {};
  const propagationFinalizer = opts.propagationPolicy === 'Foreground' ? 'foregroundDeletion' : opts.propagationPolicy === 'Orphan' ? 'orphan' : undefined;
  const graceful = res.kind === 'Pod' && res.group === '' && !!(current as { spec?: { nodeName?: string } }).spec?.nodeName;
  const grace = opts.gracePeriodSeconds ?? ((current as { spec?: { terminationGracePeriodSeconds?: number } }).spec?.terminationGracePeriodSeconds ?? 30);
  const isNamespace = res.kind === 'Namespace' && res.group === '';
  const finalizers = current.metadata?.finalizers ?? [];
  if (finalizers.length > 0 || propagationFinalizer || (graceful && grace > 0) || isNamespace) {
    const now = new Date(deps.clock.now());
    const updated = await store.guaranteedUpdate(ns, name(req), (cur) => {
      const meta = mutableMeta(cur);
      const fins = new Set(meta.finalizers ?? []);
      if (propagationFinalizer && !meta.deletionTimestamp) fins.add(propagationFinalizer);
      meta.finalizers = fins.size > 0 ? [...fins] : undefined;
      if (!meta.finalizers) delete meta.finalizers;
      if (!meta.deletionTimestamp) {
        const graceSeconds = graceful ? grace : 0;
        meta.deletionTimestamp = new Date(now.getTime() + graceSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        meta.deletionGracePeriodSeconds = graceSeconds;
      } else if (graceful && grace < (meta.deletionGracePeriodSeconds ?? Infinity)) {
        // A shorter grace period may be requested for an object already terminating.
        meta.deletionTimestamp = new Date(now.getTime() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        meta.deletionGracePeriodSeconds = grace;
      }
      if (isNamespace) {
        const st = ((cur as { status?: Record<string, unknown> }).status ??= {});
        st['phase'] = 'Terminating';
      }
      return cur;
    }, { preconditions });
    const done = (await finishIfReleased(deps, store, updated, isNamespace)) as MaybeDeleted;
    if (done[DELETED]) return deletedReply(deps, res, req, done);
    return render(deps, res, req, 200, done);
  }
  const deleted = await store.delete(ns, name(req), { preconditions });
  return deletedReply(deps, res, req, deleted);
}

function deletedReply(deps: ApiDeps, res: ResourceInfo, req: RequestInfo, deleted: KubeObject): Reply {
  // Kubernetes answers a completed delete with a Success Status for most resources, the object for pods.
  if (res.kind === 'Pod' && res.group === '') return render(deps, res, req, 200, deleted);
  const s = status.success();
  return {
    code: 200,
    body: { ...s, details: { name: deleted.metadata?.name, ...(res.group ? { group: res.group } : {}), kind: res.plural, uid: deleted.metadata?.uid } },
  };
}

const DELETED = Symbol('deleted');
type MaybeDeleted = KubeObject & { [DELETED]?: true };

/**
 * An object marked for deletion goes away once nothing holds it: no finalizers left and (for
 * pods) a zero grace period. Namespaces also wait until they are empty (the namespace controller
 * empties them; an empty one is removed at once).
 */
async function finishIfReleased(deps: ApiDeps, store: ResourceStore, obj: KubeObject, isNamespace = false): Promise<KubeObject> {
  const meta = obj.metadata;
  if (!meta?.deletionTimestamp) return obj;
  if ((meta.finalizers ?? []).length > 0) return obj;
  if ((meta.deletionGracePeriodSeconds ?? 0) > 0) return obj;
  if (isNamespace && !(await namespaceIsEmpty(deps, meta.name!))) return obj;
  try {
    const gone = (await store.delete(meta.namespace, meta.name!, { preconditions: { uid: meta.uid! } })) as MaybeDeleted;
    gone[DELETED] = true;
    return gone;
  } catch (err) {
    if (err instanceof ApiError && (err.status.code === 404 || err.status.code === 409)) return obj;
    throw err;
  }
}

async function namespaceIsEmpty(deps: ApiDeps, ns: string): Promise<boolean> {
  for (const r of RESOURCES) {
    if (!r.namespaced || !isPreferredVersion(r)) continue;
    const page = await deps.storeFor(r).list(ns, { limit: 1 });
    if (page.items.length > 0) return false;
  }
  return true;
}

export async function deleteCollection(deps: ApiDeps, req: RequestInfo): Promise<Reply> {
  const res = req.path.resource;
  const store = deps.storeFor(res);
  const opts = listOptions(req, res);
  delete opts.limit;
  delete opts.continue;
  const list = await store.list(req.path.namespace, opts);
  const deleted: KubeObject[] = [];
  for (const item of list.items.slice(0, 10_000)) {
    const r = await deleteObject(deps, { ...req, method: 'DELETE', path: { ...req.path, namespace: item.metadata?.namespace, name: item.metadata?.name }, query: {}, headers: { accept: 'application/json' } }).catch((err) => {
      if (err instanceof ApiError && err.status.code === 404) return undefined;
      throw err;
    });
    if (r) deleted.push(item);
  }
  return render(deps, res, req, 200, { items: deleted, resourceVersion: list.resourceVersion });
}
