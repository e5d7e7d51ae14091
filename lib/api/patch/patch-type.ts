// The four PATCH content types the apiserver accepts, and one entry point that applies a decoded
// body of any of them the way Kubernetes does.
import { applyApplyPatch } from './apply-patch.js';
import { PatchError } from './errors.js';
import { applyJsonPatch, type JsonPatchOptions } from './json-patch.js';
import { isJsonObject, type JsonObject } from './json-value.js';
import { applyMergePatch } from './merge-patch.js';
import { EMPTY_MERGE_SCHEMA, type MergeSchema } from './merge-keys.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Readonly<Record<string, PatchType>> = Object.freeze({
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
});

/** The patch type of a Content-Type header (parameters such as `; charset=utf-8` ignored). */
export function patchTypeFromContentType(contentType: string | undefined): PatchType | undefined {
  if (!contentType) return undefined;
  const base = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(PATCH_CONTENT_TYPES, base) ? PATCH_CONTENT_TYPES[base] : undefined;
}

export interface ApplyPatchRequest {
  type: PatchType;
  /**
   * The stored object, or undefined when there is none. Only `apply` creates; for the other types
   * the apiserver answers 404 before calling this, and passing undefined is a programming error.
   */
  live: JsonObject | undefined;
  /** The decoded request body. */
  patch: unknown;
  /**
   * Merge keys of the kind (mergeSchemaFor). Used by `strategic` and `apply`. Kubernetes refuses
   * a strategic merge patch with 415 for kinds without one (custom resources); that is the
   * caller's decision, made before calling.
   */
  schema?: MergeSchema;
  jsonPatchOptions?: JsonPatchOptions;
}

/** The patched object. Throws PatchError with the code and reason the apiserver answers. */
export function applyPatchOfType(req: ApplyPatchRequest): JsonObject {
  const schema = req.schema ?? EMPTY_MERGE_SCHEMA;
  if (req.type === 'apply') return applyApplyPatch(req.live, req.patch, schema);
  if (req.live === undefined) throw new TypeError(`a ${req.type} patch needs the live object`);
  switch (req.type) {
    case 'json':
      return expectObject(applyJsonPatch(req.live, req.patch, req.jsonPatchOptions));
    case 'merge':
      if (Array.isArray(req.patch)) {
        // Go's merge patch turns the whole document into the array, which then fails to decode.
        throw PatchError.invalid('json: cannot unmarshal array into Go value of type map[string]interface {}');
      }
      if (!isJsonObject(req.patch)) throw PatchError.badRequest('Invalid JSON Patch');
      return expectObject(applyMergePatch(req.live, req.patch));
    case 'strategic':
      return applyStrategicMergePatch(req.live, req.patch, schema);
  }
}

function expectObject(v: unknown): JsonObject {
  if (!isJsonObject(v)) throw PatchError.invalid('the patched document is not a JSON object');
  return v;
}
