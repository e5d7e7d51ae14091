// The patch engine of the apiserver's PATCH verb: JSON patch, JSON merge patch, strategic merge
// patch (with the Kubernetes merge keys) and simplified server-side apply.
export { applyApplyPatch } from './apply-patch.js';
export { assertPatchDepth, GENERIC_INVALID_PATCH_MESSAGE, isPatchError, PatchError, type PatchErrorReason } from './errors.js';
export {
  applyJsonPatch,
  MAX_JSON_PATCH_COPY_BYTES,
  MAX_JSON_PATCH_OPERATIONS,
  type JsonPatchOperation,
  type JsonPatchOptions,
} from './json-patch.js';
export {
  cloneJson,
  isJsonObject,
  jsonEqual,
  MAX_PATCH_DEPTH,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
} from './json-value.js';
export { applyMergePatch } from './merge-patch.js';
export {
  childSchema,
  EMPTY_MERGE_SCHEMA,
  fieldPatchMeta,
  mergeSchemaFor,
  mergeSchemaKinds,
  NO_PATCH_META,
  type FieldPatchMeta,
  type MergeSchema,
} from './merge-keys.js';
export {
  applyPatchOfType,
  PATCH_CONTENT_TYPES,
  patchTypeFromContentType,
  type ApplyPatchRequest,
  type PatchType,
} from './patch-type.js';
export { applyStrategicMergePatch, isDirectiveKey } from './strategic-merge-patch.js';
