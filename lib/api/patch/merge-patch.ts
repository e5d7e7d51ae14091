// JSON merge patch (RFC 7386), `application/merge-patch+json`, as the apiserver applies it
// (evanphx/json-patch MergePatch): objects merge key by key, `null` deletes a key, anything else
// (arrays included) replaces the target value whole. Nulls inside newly added objects are dropped,
// also inside objects that sit in arrays, while null array elements stay — what Kubernetes does.
import { assertPatchDepth } from './errors.js';
import { cloneJson, getOwn, isJsonObject, setOwn, type JsonObject, type JsonValue } from './json-value.js';

/** Applies `patch` to `target` and returns the result; neither input is modified. */
export function applyMergePatch(target: unknown, patch: unknown): JsonValue {
  assertPatchDepth(target, 'the object to patch');
  assertPatchDepth(patch, 'the merge patch');
  const base = target === undefined ? null : cloneJson(target as JsonValue);
  return mergeValue(base, patch as JsonValue);
}

function mergeValue(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return withoutNulls(patch);
  // RFC 7386: a non-object target is replaced by an empty object before merging.
  const result: JsonObject = isJsonObject(target) ? target : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key]!;
    if (value === null) {
      delete result[key];
      continue;
    }
    const current = getOwn(result, key);
    setOwn(result, key, current === undefined ? withoutNulls(value) : mergeValue(current, value));
  }
  return result;
}

/** A fresh copy of a patch value with every null-valued object key removed. */
function withoutNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map((item) => (item === null ? null : withoutNulls(item)));
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const item = value[key]!;
    if (item !== null) setOwn(out, key, withoutNulls(item));
  }
  return out;
}
