// metav1.Status: the one error shape of the API (DESIGN §3.7). Every reason the apiserver answers
// with is built here so the wording and codes stay identical to real Kubernetes.
import { formatCauses, type StatusCause } from './field-errors.js';

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'Unauthorized'
  | 'Expired'
  | 'Gone'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'ServiceUnavailable'
  | 'InternalError'
  | 'Timeout';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message: string;
  reason: StatusReason | '';
  details?: StatusDetails;
  code: number;
}

/** The thing an error is about: a resource (plural, e.g. "pods"), optional group, and name. */
export interface Target {
  resource: string;
  group?: string;
  name?: string;
}

/** "pods" or "deployments.apps" — how Kubernetes names a group-qualified resource in messages. */
export function qualifiedResource(t: Pick<Target, 'resource' | 'group'>): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details && Object.keys(details).length > 0) s.details = details;
  return s;
}

function targetDetails(t: Target, kind?: string): StatusDetails {
  const d: StatusDetails = {};
  if (t.name !== undefined) d.name = t.name;
  if (t.group) d.group = t.group;
  d.kind = kind ?? t.resource;
  return d;
}

export const status = {
  success(message = ''): Status {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', message, reason: '', code: 200 };
  },
  notFound(t: Target): Status {
    const what = t.name !== undefined ? `${qualifiedResource(t)} "${t.name}" not found` : `${qualifiedResource(t)} not found`;
    return failure(404, 'NotFound', what, targetDetails(t));
  },
  /** 404 for a path that names no resource at all. */
  pathNotFound(message = 'the server could not find the requested resource'): Status {
    return failure(404, 'NotFound', message, {});
  },
  alreadyExists(t: Target): Status {
    return failure(409, 'AlreadyExists', `${qualifiedResource(t)} "${t.name}" already exists`, targetDetails(t));
  },
  conflict(t: Target, detail: string): Status {
    return failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(t)} "${t.name}": ${detail}`,
      targetDetails(t),
    );
  },
  /** The optimistic-concurrency conflict, worded as the real apiserver words it. */
  staleResourceVersion(t: Target): Status {
    return status.conflict(t, 'the object has been modified; please apply your changes to the latest version and try again');
  },
  /** 422: `kind` is the object's Kind (e.g. "Deployment"), as real Kubernetes reports it. */
  invalid(kind: string, name: string, causes: StatusCause[], group?: string): Status {
    const d: StatusDetails = { name, kind, causes };
    if (group) d.group = group;
    const qualifiedKind = group ? `${kind}.${group}` : kind;
    return failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${formatCauses(causes)}`, d);
  },
  badRequest(message: string): Status {
    return failure(400, 'BadRequest', message);
  },
  /** e.g. forbidden({resource:'namespaces', name:'default'}, 'this namespace may not be deleted') */
  forbidden(t: Target, detail: string): Status {
    const subject = t.name !== undefined ? `${qualifiedResource(t)} "${t.name}"` : qualifiedResource(t);
    return failure(403, 'Forbidden', `${subject} is forbidden: ${detail}`, targetDetails(t));
  },
  unauthorized(message = 'Unauthorized'): Status {
    return failure(401, 'Unauthorized', message);
  },
  /** 410 for a watch or list from a resourceVersion that has left the window. */
  expired(message: string): Status {
    return failure(410, 'Expired', message);
  },
  gone(message: string): Status {
    return failure(410, 'Gone', message);
  },
  methodNotAllowed(method: string, what: string): Status {
    return failure(405, 'MethodNotAllowed', `${method} is not supported on ${what}`);
  },
  notAcceptable(message: string): Status {
    return failure(406, 'NotAcceptable', message);
  },
  requestEntityTooLarge(limitBytes: number): Status {
    return failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limitBytes}`);
  },
  unsupportedMediaType(contentType: string, message?: string): Status {
    return failure(
      415,
      'UnsupportedMediaType',
      message ??
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; got ${JSON.stringify(contentType)}`,
    );
  },

  tooManyRequests(message: string, retryAfterSeconds: number): Status {
    return failure(429, 'TooManyRequests', message, { retryAfterSeconds });
  },
  serviceUnavailable(message: string, retryAfterSeconds = 1): Status {
    return failure(503, 'ServiceUnavailable', message, { retryAfterSeconds });
  },
  internalError(err: unknown): Status {
    const msg = err instanceof Error ? err.message : String(err);
    return failure(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ reason: 'FieldValueInvalid', field: '', message: msg }] });
  },
  timeout(message: string, retryAfterSeconds = 1): Status {
    return failure(504, 'Timeout', message, { retryAfterSeconds });
  },
};

/** True for anything shaped like a metav1.Status failure (e.g. a decoded response body). */
export function isStatus(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status' && typeof (v as { code?: unknown }).code === 'number';
}
