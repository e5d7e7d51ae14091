// Server-side apply (`application/apply-patch+yaml`, `kubectl apply --server-side`), simplified.
//
// What it does: with no live object, the applied configuration becomes the object (the apiserver
// answers 201); otherwise the configuration is merged onto the live object like a strategic merge
// patch with the kind's merge keys — every field it sets wins, fields it leaves out are kept,
// lists with a merge key merge element by element.
//
// NOT implemented (real server-side apply does these through field ownership):
//   - metadata.managedFields: no record of which manager owns which field;
//   - conflicts: a field another manager set is overwritten silently (no 409, `force` has no effect);
//   - removal by omission: a field this manager applied before and now leaves out is NOT removed;
//   - list identity follows patchMergeKey, not the OpenAPI listType/listMapKeys (e.g. ports are
//     keyed by containerPort alone, tolerations and other atomic lists are replaced whole).
import { PatchError } from './errors.js';
import { isJsonObject, type JsonObject } from './json-value.js';
import { EMPTY_MERGE_SCHEMA, type MergeSchema } from './merge-keys.js';
import { applyStrategicMergePatch, isDirectiveKey } from './strategic-merge-patch.js';

/** The object after applying `applied` (already decoded from YAML/JSON) onto `live`. */
export function applyApplyPatch(live: unknown, applied: unknown, schema: MergeSchema = EMPTY_MERGE_SCHEMA): JsonObject {
  if (!isJsonObject(applied)) {
    const what = applied === null ? 'null' : Array.isArray(applied) ? 'array' : typeof applied;
    throw PatchError.badRequest(`error decoding YAML: json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  rejectDirectives(applied);
  // Against nothing, the merge simply copies the configuration without its nulls.
  return applyStrategicMergePatch(live === undefined || live === null ? {} : live, applied, schema);
}

/**
 * An apply configuration is data: strategic-merge directives inside it would make the merge do
 * something the user did not write, so they are refused (real apply rejects them as undeclared fields).
 */
function rejectDirectives(root: JsonObject): void {
  const stack: Array<[unknown, string]> = [[root, '']];
  // Bounded by the size of the input: each container is visited once.
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (isJsonObject(value)) {
      for (const key of Object.keys(value)) {
        const at = path === '' ? key : `${path}.${key}`;
        if (isDirectiveKey(key)) {
          throw PatchError.badRequest(`apply configuration may not contain the patch directive ${JSON.stringify(key)} (at ${at})`);
        }
        stack.push([value[key], at]);
      }
    }
  }
}
