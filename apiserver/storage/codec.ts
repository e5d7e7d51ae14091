// How objects sit in the store: JSON text without metadata.resourceVersion (the key's modRevision
// is the resourceVersion, so storing it would only let the two drift apart). Reads put it back.
import { status } from '../../lib/api/status.js';
import type { KubeObject } from '../../lib/api/types.js';
import { ApiError } from '../../lib/api/errors.js';

/** The stored text of `obj`: its JSON with metadata.resourceVersion left out. `obj` is not changed. */
export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  return JSON.stringify({ ...obj, metadata });
}

/** Parses a stored value and sets metadata.resourceVersion to `revision`. A corrupt value is a 500. */
export function decodeObject(key: string, value: string, revision: number): KubeObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new ApiError(status.internalError(new Error(`unable to decode the stored object at ${key}: ${(err as Error).message}`)));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError(status.internalError(new Error(`unable to decode the stored object at ${key}: not a JSON object`)));
  }
  const obj = parsed as KubeObject;
  const meta = typeof obj.metadata === 'object' && obj.metadata !== null ? obj.metadata : {};
  obj.metadata = { ...meta, resourceVersion: String(revision) };
  return obj;
}

/** A copy of `obj` whose metadata.resourceVersion is `revision` (what a write returns). */
export function withResourceVersion(obj: KubeObject, revision: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}

/**
 * Parses a resourceVersion the way the apiserver does: '' and undefined mean "none" (undefined),
 * otherwise a non-negative integer. Anything else is a 400 naming `what`.
 */
export function parseResourceVersion(rv: string | undefined, what = 'resource version'): number | undefined {
  if (rv === undefined || rv === '') return undefined;
  if (!/^\d{1,16}$/.test(rv) || !Number.isSafeInteger(Number(rv))) {
    throw new ApiError(status.badRequest(`invalid ${what}: ${JSON.stringify(rv)}: must be a non-negative integer`));
  }
  return Number(rv);
}
