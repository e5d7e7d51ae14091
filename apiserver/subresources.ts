// Subresources: status (the status half of an object), scale (autoscaling/v1 Scale over a
// workload's replicas), binding (how the scheduler assigns a pod to a node) and eviction.
import { subresourceOf, type ResourceInfo } from '../lib/api/registry.js';
import { selectorFromLabelSelector, selectorToString } from '../lib/api/labels.js';
import { status } from '../lib/api/status.js';
import { fieldError } from '../lib/api/field-errors.js';
import type { KubeObject } from '../lib/api/types.js';
import { applyPatchOfType, isPatchError, patchTypeFromContentType } from '../lib/api/patch/index.js';
import type { ApiDeps } from './deps.js';
import { clone, isObject, parseBody } from './decode.js';
import { prepareUpdate } from './objects.js';
import { deleteObject, getObject, patchObject, updateObject } from './resources.js';
import { header, type Reply, type RequestInfo } from './request.js';
import { ApiError } from '../lib/api/errors.js';

export async function handleSubresource(deps: ApiDeps, req: RequestInfo): Promise<Reply> {
  const { path, method } = req;
  const res = path.resource;
  const sub = path.subresource!;
  const info = subresourceOf(res, sub);
  if (!info || path.name === undefined) throw new ApiError(status.pathNotFound());
  switch (sub) {
    case 'status':
      if (method === 'GET') return getObject(deps, req);
      if (method === 'PUT') return updateObject(deps, req);
      if (method === 'PATCH') return patchObject(deps, req);
      break;
    case 'scale':
      if (method === 'GET') return scaleReply(deps, res, await deps.storeFor(res).get(path.namespace, path.name));
      if (method === 'PUT' || method === 'PATCH') return updateScale(deps, req);
      break;
    case 'binding':
      if (method === 'POST') return bind(deps, req);
      break;
    case 'eviction':
      if (method === 'POST') return evict(deps, req);
      break;
    default:
      // log and exec are served once the kubelet can answer them.
      throw new ApiError(status.pathNotFound());
  }
  throw new ApiError(status.methodNotAllowed(method, `${res.plural}/${sub}`));
}

// ------------------------------------------------------------------ scale

function toScale(obj: KubeObject): KubeObject {
  const o = obj as KubeObject & { spec?: { replicas?: number; selector?: unknown }; status?: { replicas?: number } };
  const meta = obj.metadata ?? {};
  const sel = o.spec?.selector;
  let selector = '';
  if (obj.kind === 'ReplicationController' && isObject(sel)) {
    // An RC's selector is a plain label map.
    selector = Object.entries(sel as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
  } else if (isObject(sel)) {
    try {
      selector = selectorToString(selectorFromLabelSelector(sel as never));
    } catch {
      selector = '';
    }
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector },
  } as KubeObject;
}

function scaleReply(_deps: ApiDeps, _res: ResourceInfo, obj: KubeObject): Reply {
  return { code: 200, body: toScale(obj) };
}

async function updateScale(deps: ApiDeps, req: RequestInfo): Promise<Reply> {
  const res = req.path.resource;
  const store = deps.storeFor(res);
  const contentType = header(req, 'content-type');
  const patchType = req.method === 'PATCH' ? patchTypeFromContentType(contentType) : undefined;
  if (req.method === 'PATCH' && !patchType) throw new ApiError(status.unsupportedMediaType(contentType ?? ''));
  const body = parseBody(req.body, patchType === 'apply' ? 'application/apply-patch+yaml' : contentType ?? 'application/json');
  const updated = await store.guaranteedUpdate(req.path.namespace, req.path.name!, async (current) => {
    const old = clone(current);
    const scale = toScale(current);
    let wanted: KubeObject;
    if (patchType) {
      try {
        wanted = applyPatchOfType({ type: patchType, live: scale as never, patch: body }) as unknown as KubeObject;
      } catch (err) {
        if (isPatchError(err)) throw new ApiError(err.toStatus());
        throw err;
      }
    } else {
      if (!isObject(body)) throw new ApiError(status.badRequest('the request body must be a Scale object'));
      wanted = body as unknown as KubeObject;
      const rv = wanted.metadata?.resourceVersion;
      if (rv && rv !== current.metadata?.resourceVersion) throw new ApiError(status.staleResourceVersion({ resource: res.plural, group: res.group, name: req.path.name! }));
    }
    const replicas = (wanted as { spec?: { replicas?: unknown } }).spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isSafeInteger(replicas) || replicas < 0) {
      throw new ApiError(status.invalid('Scale', req.path.name!, [fieldError.invalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0')], 'autoscaling'));
    }
    (current as { spec?: Record<string, unknown> }).spec = { ...((current as { spec?: Record<string, unknown> }).spec ?? {}), replicas };
    await prepareUpdate(deps, res, current, old);
    return current;
  });
  return { code: 200, body: toScale(updated) };
}

// ------------------------------------------------------------------ binding

async function bind(deps: ApiDeps, req: RequestInfo): Promise<Reply> {
  const res = req.path.resource;
  const body = parseBody(req.body, header(req, 'content-type'));
  const target = isObject(body) && isObject(body['target']) ? (body['target'] as { name?: unknown; kind?: unknown }) : undefined;
  if (!target || typeof target.name !== 'string' || target.name === '') {
    throw new ApiError(status.invalid('Binding', req.path.name!, [fieldError.required('target.name')]));
  }
  if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node') {
    throw new ApiError(status.invalid('Binding', req.path.name!, [fieldError.notSupported('target.kind', target.kind, ['Node'])]));
  }
  const nodeName = target.name;
  const uid = isObject(body) && isObject(body['metadata']) ? (body['metadata'] as { uid?: string }).uid : undefined;
  await deps.storeFor(res).guaranteedUpdate(
    req.path.namespace,
    req.path.name!,
    (pod) => {
      const p = pod as KubeObject & { spec?: { nodeName?: string }; status?: { conditions?: Record<string, unknown>[] } };
      if (pod.metadata?.deletionTimestamp) {
        throw new ApiError(status.conflict({ resource: 'pods/binding', name: req.path.name! }, `pod ${req.path.name} is being deleted, cannot be assigned to a host`));
      }
      if (p.spec?.nodeName) {
        throw new ApiError(status.conflict({ resource: 'pods/binding', name: req.path.name! }, `pod ${req.path.name} is already assigned to node "${p.spec.nodeName}"`));
      }
      p.spec = { ...(p.spec ?? {}), nodeName };
      const st = (p.status ??= {});
      const conditions = (st.conditions ?? []).filter((c) => c['type'] !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: new Date(deps.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') });
      st.conditions = conditions;
      return pod;
    },
    uid ? { preconditions: { uid } } : {},
  );
  return { code: 201, body: status.success() };
}

// ------------------------------------------------------------------ eviction

async function evict(deps: ApiDeps, req: RequestInfo): Promise<Reply> {
  const text = typeof req.body === 'string' ? req.body : req.body?.toString('utf8');
  const body = text && text.trim() !== '' ? parseBody(req.body, header(req, 'content-type')) : {};
  const deleteOptions = isObject(body) && isObject(body['deleteOptions']) ? JSON.stringify(body['deleteOptions']) : undefined;
  // PodDisruptionBudgets are not served yet, so nothing can block an eviction.
  await deleteObject(deps, {
    ...req,
    method: 'DELETE',
    path: { ...req.path, subresource: undefined },
    body: deleteOptions,
    headers: { ...req.headers, 'content-type': 'application/json', accept: 'application/json' },
    query: {},
  });
  return { code: 201, body: status.success() };
}

