// Strategic merge patch, `application/strategic-merge-patch+json`, with the server-side semantics
// of k8s.io/apimachinery's strategicpatch.StrategicMergeMapPatch (the behaviour `kubectl apply`,
// `patch`, `set image`, `edit`, `cordon` and `rollout restart` rely on):
//   - objects merge key by key; `null` deletes a key;
//   - a list tagged `patchStrategy: merge` with a `patchMergeKey` merges by that key: matching
//     elements merge recursively, new ones are added; a merge list of primitives merges as a set;
//     every other list is replaced whole;
//   - element order: patch elements keep their patch order and are interleaved with the elements
//     only the server has so that those keep their relative order — new elements therefore land
//     before the server-only elements that follow them (the apimachinery rule);
//   - directives: `$patch: replace|delete` on an object, `{"$patch": "delete", <key>: v}` and
//     `{"$patch": "replace"}` inside a merge list, `$retainKeys`, `$setElementOrder/<list>`,
//     `$deleteFromPrimitiveList/<list>`.
// Deliberate differences from Go, all where Go leaks directives into the stored object or crashes:
//   - a value with nothing to merge into (a new key, a new list element, a `$patch: replace`
//     body) is cleaned: nulls dropped, `$patch: delete` parts removed, other directives stripped.
//     Go keeps some of those verbatim, or drops a new object that says `$patch: replace`.
//   - `$patch: merge` on an object is accepted as the default it names (Go rejects it).
//   - every malformed directive is a 400 BadRequest (Go answers 500 for several of them).
import { assertPatchDepth, PatchError } from './errors.js';
import {
  cloneJson,
  getOwn,
  goFormat,
  goTypeName,
  hasOwn,
  isJsonObject,
  jsonKind,
  setOwn,
  type JsonObject,
  type JsonValue,
} from './json-value.js';
import { childSchema, EMPTY_MERGE_SCHEMA, fieldPatchMeta, type FieldPatchMeta, type MergeSchema } from './merge-keys.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';

const ERR_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';
const ERR_PRIMITIVE_LIST = 'invalid patch format of primitive list';

/**
 * Applies a strategic merge `patch` to `target` using the kind's `schema` (see mergeSchemaFor)
 * and returns the result; neither input is modified. Throws PatchError on a malformed patch.
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown, schema: MergeSchema = EMPTY_MERGE_SCHEMA): JsonObject {
  if (!isJsonObject(patch)) {
    throw PatchError.badRequest(`json: cannot unmarshal ${describeKind(patch)} into Go value of type map[string]interface {}`);
  }
  if (target !== undefined && target !== null && !isJsonObject(target)) {
    throw PatchError.badRequest(`the object to patch must be a JSON object, not ${describeKind(target)}`);
  }
  assertPatchDepth(target ?? null, 'the object to patch');
  assertPatchDepth(patch, 'the strategic merge patch');
  const original = isJsonObject(target) ? cloneJson(target) : {};
  return mergeObject(original, patch, schema);
}

/** True for keys that carry instructions rather than data. */
export function isDirectiveKey(key: string): boolean {
  return (
    key === DIRECTIVE ||
    key === RETAIN_KEYS ||
    key.startsWith(SET_ELEMENT_ORDER) ||
    key.startsWith(DELETE_FROM_PRIMITIVE_LIST)
  );
}

function describeKind(v: unknown): string {
  const k = jsonKind(v);
  return k === 'invalid' ? typeof v : k;
}

// ---------------------------------------------------------------------------------------------
// Objects

/** Merges `patch` into `original` (owned by us, modified in place) and returns the result. */
function mergeObject(original: JsonObject, patch: JsonObject, schema: MergeSchema): JsonObject {
  if (hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'replace') return cleanObject(patch, schema);
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw badPatchType(directive, patch);
  }

  applyRetainKeys(original, patch);
  const handled = applySetElementOrders(original, patch, schema);

  const deletions: string[] = [];
  for (const key of Object.keys(patch)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER) || handled.has(key)) continue;
    // Deletions from primitive lists run after the merges so that the result does not depend on
    // key order (Go visits map keys in random order).
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      deletions.push(key);
      continue;
    }
    mergeField(original, key, patch[key]!, fieldPatchMeta(schema, key));
  }
  for (const key of deletions) {
    const listKey = directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST, ERR_PRIMITIVE_LIST);
    deleteFromPrimitiveList(original, listKey, patch[key]!);
  }
  return original;
}

function mergeField(original: JsonObject, key: string, patchValue: JsonValue, meta: FieldPatchMeta): void {
  if (patchValue === null) {
    delete original[key];
    return;
  }
  const current = getOwn(original, key);
  if (current === undefined || jsonKind(current) !== jsonKind(patchValue)) {
    setOrDelete(original, key, cleanValue(patchValue, meta));
    return;
  }
  if (isJsonObject(patchValue)) {
    const merged =
      meta.strategy === 'replace'
        ? cleanObject(patchValue, childSchema(meta))
        : mergeObject(current as JsonObject, patchValue, childSchema(meta));
    setOwn(original, key, merged);
  } else if (Array.isArray(patchValue)) {
    const merged =
      meta.strategy === 'merge' ? mergeList(current as JsonValue[], patchValue, meta) : cleanList(patchValue, meta);
    setOwn(original, key, merged);
  } else {
    setOwn(original, key, patchValue);
  }
}

function setOrDelete(obj: JsonObject, key: string, value: JsonValue | undefined): void {
  if (value === undefined) delete obj[key];
  else setOwn(obj, key, value);
}

/** `$retainKeys: [...]`: keys of the original not listed are cleared; every patched key must be listed. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw PatchError.badRequest(ERR_RETAIN_KEYS);
  const retained = new Set(list.filter((v): v is string => typeof v === 'string'));
  for (const key of Object.keys(patch)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS || patch[key] === null) continue;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retained.has(key)) throw PatchError.badRequest(ERR_RETAIN_KEYS);
  }
  for (const key of Object.keys(original)) {
    if (!retained.has(key)) delete original[key];
  }
}

/** `$deleteFromPrimitiveList/<list>: [...]`: removes those values from a list of primitives. */
function deleteFromPrimitiveList(original: JsonObject, listKey: string, values: JsonValue): void {
  if (values === null) {
    delete original[listKey];
    return;
  }
  const current = getOwn(original, listKey);
  // Like Go: nothing to delete from, or not a list on either side, is silently a no-op.
  if (!Array.isArray(current) || !Array.isArray(values)) return;
  const doomed = new Set(values.filter(isPrimitive));
  setOwn(
    original,
    listKey,
    current.filter((v) => !(isPrimitive(v) && doomed.has(v))),
  );
}

/** The list field a `$setElementOrder/x` or `$deleteFromPrimitiveList/x` key names. */
function directiveTarget(key: string, prefix: string, error: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw PatchError.badRequest(error);
  return key.slice(slash + 1);
}

// ---------------------------------------------------------------------------------------------
// $setElementOrder

/**
 * Processes every `$setElementOrder/<list>` of `patch`: merges that list (if the patch carries it)
 * and puts the result in the order given — patch-ordered elements per the directive, server-only
 * elements keeping their place relative to them. Returns the list keys it consumed.
 */
function applySetElementOrders(original: JsonObject, patch: JsonObject, schema: MergeSchema): Set<string> {
  const handled = new Set<string>();
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key]!;
    if (!Array.isArray(order)) throw badArgType([], order);
    const listKey = directiveTarget(key, SET_ELEMENT_ORDER, ERR_SET_ELEMENT_ORDER);
    const meta = fieldPatchMeta(schema, listKey);
    const mergeKey = meta.mergeKey ?? '';

    const originalList = getOwn(original, listKey);
    const patchList = getOwn(patch, listKey);
    if (originalList !== undefined && !Array.isArray(originalList)) throw badArgType([], originalList);
    if (patchList !== undefined && !Array.isArray(patchList)) throw badArgType([], patchList);
    handled.add(listKey);
    validateAgainstOrder(patchList ?? [], order, mergeKey);

    let merged: JsonValue[];
    if (originalList !== undefined && patchList !== undefined) merged = mergeListField(originalList, patchList, meta);
    else if (patchList !== undefined) merged = cleanList(patchList, meta);
    else if (originalList !== undefined) merged = originalList;
    else continue;

    setOwn(original, listKey, orderBy(merged, order, originalList ?? [], mergeKey));
  }
  return handled;
}

function mergeListField(original: JsonValue[], patch: JsonValue[], meta: FieldPatchMeta): JsonValue[] {
  return meta.strategy === 'merge' ? mergeList(original, patch, meta) : cleanList(patch, meta);
}

/**
 * The patch list must name its (non-deleted) elements in the same relative order as the
 * `$setElementOrder` list, and only elements that list names.
 */
function validateAgainstOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== '') {
    items = patchList.filter((item) => {
      if (!isJsonObject(item)) throw badArgType({}, item);
      return getOwn(item, DIRECTIVE) !== 'delete';
    });
  }
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p]!;
    if (isJsonObject(item) && hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (sameElement(item, order[s]!, mergeKey)) p++;
    s++;
  }
  if (p < items.length) {
    throw PatchError.badRequest(
      `the order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}`,
    );
  }
}

function sameElement(a: JsonValue, b: JsonValue, mergeKey: string): boolean {
  if (mergeKey === '') return isPrimitive(a) && a === b;
  if (!isJsonObject(a)) throw badArgType({}, a);
  if (!isJsonObject(b)) throw badArgType({}, b);
  return mergeKeyOf(a, mergeKey) === mergeKeyOf(b, mergeKey);
}

// ---------------------------------------------------------------------------------------------
// Lists

type ElementKind = 'object' | 'string' | 'number' | 'boolean' | 'empty';

/** All elements of the lists share one JSON type (Go refuses mixed lists and lists of lists). */
function elementKind(...lists: JsonValue[][]): ElementKind {
  let kind: ElementKind = 'empty';
  for (const list of lists) {
    for (const item of list) {
      const k = jsonKind(item);
      if (k === 'null' || k === 'invalid') {
        throw PatchError.badRequest(`list element types are not identical: null in ${goFormat(lists)}`);
      }
      if (kind === 'empty') {
        if (k === 'array') throw PatchError.invalid('lists of lists are not supported');
        kind = k as ElementKind;
      } else if (kind !== k) {
        throw PatchError.badRequest(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  return kind;
}

/** Merges a `patchStrategy: merge` list. `original` is ours to modify. */
function mergeList(original: JsonValue[], patch: JsonValue[], meta: FieldPatchMeta): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  if (kind !== 'object') return mergePrimitiveList(original, patch);

  const mergeKey = meta.mergeKey;
  if (!mergeKey) {
    throw PatchError.badRequest(`cannot merge lists without merge key for ${childSchema(meta).name}`);
  }
  const elementSchema = childSchema(meta);
  let base = original as JsonObject[];
  let plain: JsonObject[] = [];
  let replaceAll = false;

  // Directive elements first: deletions by key, and `{"$patch": "replace"}` for the whole list.
  const doomed = new Set<JsonValue>();
  for (const item of patch as JsonObject[]) {
    if (!hasOwn(item, DIRECTIVE)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      const k = item[mergeKey]!;
      if (isPrimitive(k)) doomed.add(k);
    } else if (directive === 'replace') {
      replaceAll = true;
    } else if (directive === 'merge') {
      throw PatchError.badRequest('merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(directive, item);
    }
  }
  if (doomed.size > 0) base = base.filter((el) => !doomed.has(getOwn(el, mergeKey) ?? null));
  if (replaceAll) {
    base = plain.map((item) => cleanObject(item, elementSchema));
    plain = [];
  }

  // Merge each patch element into the element with the same key, or add it.
  const merged: JsonObject[] = [...base];
  const position = new Map<JsonValue, number>();
  merged.forEach((el, i) => {
    const k = getOwn(el, mergeKey);
    if (k !== undefined && isPrimitive(k) && !position.has(k)) position.set(k, i);
  });
  for (const item of plain) {
    if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const k = item[mergeKey]!;
    const at = isPrimitive(k) ? position.get(k) : undefined;
    if (at !== undefined) {
      merged[at] = mergeObject(merged[at]!, item, elementSchema);
    } else {
      const added = cleanObject(item, elementSchema);
      if (isPrimitive(k)) position.set(k, merged.length);
      merged.push(added);
    }
  }
  return orderBy(merged, plain, base, mergeKey);
}

/** Set union of two primitive lists, each value once. */
function mergePrimitiveList(original: JsonValue[], patch: JsonValue[]): JsonValue[] {
  const seen = new Set<JsonValue>();
  const merged: JsonValue[] = [];
  for (const v of [...original, ...patch]) {
    if (seen.has(v)) continue;
    seen.add(v);
    merged.push(v);
  }
  return orderBy(merged, patch, original, '');
}

/**
 * The apimachinery ordering rule. Elements named by `order` (the patch list or a
 * `$setElementOrder`) come in that order; the other ("server-only") elements keep the order of
 * `serverOrder` (the live list); the two sequences are interleaved so that a server-only element
 * is emitted before an ordered one only when both are in the live list and it came first there.
 */
function orderBy(merged: JsonValue[], order: JsonValue[], serverOrder: JsonValue[], mergeKey: string): JsonValue[] {
  if (merged.length === 0) return merged;
  const identity = (v: JsonValue): JsonValue | undefined => {
    if (mergeKey === '') return isPrimitive(v) ? v : undefined;
    if (!isJsonObject(v)) throw badArgType({}, v);
    const k = mergeKeyOf(v, mergeKey);
    return k !== undefined && isPrimitive(k) ? k : undefined;
  };
  const firstIndex = (list: JsonValue[], what: 'order' | 'server'): Map<JsonValue, number> => {
    const index = new Map<JsonValue, number>();
    list.forEach((v, i) => {
      if (mergeKey !== '' && what === 'order') {
        if (!isJsonObject(v)) throw badArgType({}, v);
        if (!hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
      }
      const id = mergeKey === '' ? (isPrimitive(v) ? v : undefined) : isJsonObject(v) ? getOwn(v, mergeKey) : undefined;
      if (id !== undefined && isPrimitive(id) && !index.has(id)) index.set(id, i);
    });
    return index;
  };
  const orderIndex = firstIndex(order, 'order');
  const serverIndex = firstIndex(serverOrder, 'server');

  const ordered: Array<{ v: JsonValue; rank: number; seq: number }> = [];
  const serverOnly: Array<{ v: JsonValue; rank: number; seq: number }> = [];
  merged.forEach((v, seq) => {
    if (mergeKey !== '') {
      if (!isJsonObject(v)) throw badArgType({}, v);
      if (!hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
    }
    const id = identity(v);
    const inOrder = id !== undefined ? orderIndex.get(id) : undefined;
    if (inOrder !== undefined) ordered.push({ v, rank: inOrder, seq });
    else serverOnly.push({ v, rank: id !== undefined ? (serverIndex.get(id) ?? Infinity) : Infinity, seq });
  });
  const byRank = (a: { rank: number; seq: number }, b: { rank: number; seq: number }): number =>
    a.rank - b.rank || a.seq - b.seq;
  ordered.sort(byRank);
  serverOnly.sort(byRank);

  const serverRank = (v: JsonValue): number | undefined => {
    const id = identity(v);
    return id !== undefined ? serverIndex.get(id) : undefined;
  };
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < ordered.length) {
    if (j >= ordered.length) out.push(serverOnly[i++]!.v);
    else if (i >= serverOnly.length) out.push(ordered[j++]!.v);
    else {
      const left = serverRank(serverOnly[i]!.v);
      const right = serverRank(ordered[j]!.v);
      if (left !== undefined && right !== undefined && left < right) out.push(serverOnly[i++]!.v);
      else out.push(ordered[j++]!.v);
    }
  }
  return out;
}

function mergeKeyOf(obj: JsonObject, mergeKey: string): JsonValue | undefined {
  return getOwn(obj, mergeKey);
}

function isPrimitive(v: JsonValue | undefined): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

// ---------------------------------------------------------------------------------------------
// Values with nothing to merge into

/** A patch value that lands where the original has nothing (or a different type); undefined = drop. */
function cleanValue(v: JsonValue, meta: FieldPatchMeta): JsonValue | undefined {
  if (v === null) return undefined;
  if (isJsonObject(v)) {
    if (getOwn(v, DIRECTIVE) === 'delete') return undefined;
    return cleanObject(v, childSchema(meta));
  }
  if (Array.isArray(v)) return cleanList(v, meta);
  return v;
}

/** An object's patch with directives applied against nothing: nulls and directive keys go. */
function cleanObject(obj: JsonObject, schema: MergeSchema): JsonObject {
  if (hasOwn(obj, DIRECTIVE)) {
    const directive = obj[DIRECTIVE];
    if (directive === 'delete') return {};
    if (directive !== 'replace' && directive !== 'merge') throw badPatchType(directive, obj);
  }
  if (hasOwn(obj, RETAIN_KEYS) && !Array.isArray(obj[RETAIN_KEYS])) throw PatchError.badRequest(ERR_RETAIN_KEYS);
  const out: JsonObject = {};
  for (const key of Object.keys(obj)) {
    if (isDirectiveKey(key)) continue;
    const value = cleanValue(obj[key]!, fieldPatchMeta(schema, key));
    if (value !== undefined) setOwn(out, key, value);
  }
  return out;
}

/** A list from the patch: directive elements (`$patch: delete|replace`) removed, elements cleaned. */
function cleanList(list: JsonValue[], meta: FieldPatchMeta): JsonValue[] {
  const out: JsonValue[] = [];
  for (const item of list) {
    if (isJsonObject(item) && hasOwn(item, DIRECTIVE)) {
      const directive = item[DIRECTIVE];
      if (directive === 'delete' || directive === 'replace') continue;
      if (directive !== 'merge') throw badPatchType(directive, item);
    }
    if (item === null) out.push(null);
    else out.push(cleanValue(item, meta) ?? null);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Errors worded as apimachinery's mergepatch package words them

function badPatchType(directive: JsonValue | undefined, obj: JsonObject): PatchError {
  return PatchError.badRequest(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(obj)}`);
}

function noMergeKey(obj: JsonObject, mergeKey: string): PatchError {
  return PatchError.badRequest(`map: ${goFormat(obj)} does not contain declared merge key: ${mergeKey}`);
}

function badArgType(expected: JsonValue, actual: JsonValue | undefined): PatchError {
  return PatchError.badRequest(`expected a ${goTypeName(expected)}, but received a ${goTypeName(actual)}`);
}
