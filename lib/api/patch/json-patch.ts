// JSON patch (RFC 6902), `application/json-patch+json`, with the semantics the apiserver has
// through evanphx/json-patch v4 — which is what clients such as `kubectl rollout undo` rely on:
//   - operations run in order on a copy; the first failure aborts the whole patch (422);
//   - array indexes may be negative (counted from the end) and may carry a sign or leading zeros;
//     `-` appends (add, move/copy destination only);
//   - `replace` of a missing object member adds it, `copy` from a missing member copies null;
//   - `add`/`replace` without a `value` store null; extra members of an operation are ignored.
// Deliberately stricter than Go: a path must be "" or start with "/" (Go silently drops the
// first segment of "a/b"), and a missing `value` in `test` compares against null (Go crashes).
import { assertPatchDepth, PatchError } from './errors.js';
import {
  cloneJson,
  getOwn,
  hasOwn,
  isJsonObject,
  jsonDepth,
  jsonEqual,
  jsonSize,
  MAX_PATCH_DEPTH,
  setOwn,
  type JsonObject,
  type JsonValue,
} from './json-value.js';

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: JsonValue }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

export interface JsonPatchOptions {
  /** The apiserver's cap on operations per patch (maxJSONPatchOperations). */
  maxOperations?: number;
  /** Cap on bytes added by `copy` operations in one patch (the apiserver's JSONPatchMaxCopyBytes). */
  maxCopyBytes?: number;
}

export const MAX_JSON_PATCH_OPERATIONS = 10000;
export const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;

// Go's strconv.Atoi: optional sign, decimal digits, must fit in an int64.
const INDEX_RE = /^[+-]?[0-9]+$/;

type Container = JsonObject | JsonValue[];

/**
 * Applies the operations to `target` and returns the result; neither input is modified.
 * Throws PatchError: BadRequest when `ops` is not a list of operation objects (the apiserver
 * cannot decode it), RequestEntityTooLarge past `maxOperations`, Invalid when an operation fails.
 */
export function applyJsonPatch(target: unknown, ops: unknown, options: JsonPatchOptions = {}): JsonValue {
  const maxOperations = options.maxOperations ?? MAX_JSON_PATCH_OPERATIONS;
  const maxCopyBytes = options.maxCopyBytes ?? MAX_JSON_PATCH_COPY_BYTES;
  decodePatch(ops);
  if (ops.length > maxOperations) {
    throw new PatchError(
      'RequestEntityTooLarge',
      `The allowed maximum operations in a JSON patch is ${maxOperations}, got ${ops.length}`,
    );
  }
  assertPatchDepth(target, 'the object to patch');
  assertPatchDepth(ops, 'the JSON patch');

  // The document lives in a holder so that every pointer, even "/x" on the root, has a parent.
  const doc = { root: cloneJson(target === undefined ? null : (target as JsonValue)) };
  const budget = { copied: 0, max: maxCopyBytes };
  for (const op of ops) applyOperation(doc, op, budget);

  // Moves and copies can build nesting no operation value had; keep results within bounds.
  if (jsonDepth(doc.root, MAX_PATCH_DEPTH) > MAX_PATCH_DEPTH) {
    throw PatchError.invalid(`the patched object nests deeper than the maximum of ${MAX_PATCH_DEPTH} levels`);
  }
  return doc.root;
}

function decodePatch(ops: unknown): asserts ops is JsonObject[] {
  if (!Array.isArray(ops)) {
    throw PatchError.badRequest(`json: cannot unmarshal ${goJsonKind(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (!isJsonObject(op)) {
      throw PatchError.badRequest(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
}

function goJsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

interface Doc {
  root: JsonValue;
}

function applyOperation(doc: Doc, op: JsonObject, budget: { copied: number; max: number }): void {
  const kind = typeof getOwn(op, 'op') === 'string' ? (op.op as string) : 'unknown';
  switch (kind) {
    case 'add': {
      const path = requiredPointer(op, 'path', 'add operation failed to decode path');
      const { parent, key } = locate(doc, path, `add operation does not apply: doc is missing path: "${path}"`);
      addAt(parent, key, cloneJson(valueOf(op)), `error in add for path: '${path}'`);
      return;
    }
    case 'remove': {
      const path = requiredPointer(op, 'path', 'remove operation failed to decode path');
      const { parent, key } = locate(doc, path, `remove operation does not apply: doc is missing path: "${path}"`);
      removeAt(parent, key, `error in remove for path: '${path}'`);
      return;
    }
    case 'replace': {
      const path = requiredPointer(op, 'path', 'replace operation failed to decode path');
      const { parent, key } = locate(doc, path, `replace operation does not apply: doc is missing path: ${path}`);
      if (Array.isArray(parent)) {
        const idx = parseIndex(key);
        if (idx === undefined || idx >= parent.length || idx < -parent.length) {
          throw PatchError.invalid(`replace operation does not apply: doc is missing key: ${path}: missing value`);
        }
        parent[idx < 0 ? idx + parent.length : idx] = cloneJson(valueOf(op));
      } else {
        setOwn(parent, key, cloneJson(valueOf(op)));
      }
      return;
    }
    case 'move': {
      const from = requiredPointer(op, 'from', 'move operation failed to decode from');
      const src = locate(doc, from, `move operation does not apply: doc is missing from path: ${from}`);
      const value = getAt(src.parent, src.key, `error in move for path: '${src.key}'`);
      removeAt(src.parent, src.key, `error in move for path: '${src.key}'`);
      const path = requiredPointer(op, 'path', 'move operation failed to decode path');
      const dst = locate(doc, path, `move operation does not apply: doc is missing destination path: ${path}`);
      addAt(dst.parent, dst.key, value ?? null, `error in move for path: '${path}'`);
      return;
    }
    case 'copy': {
      const from = requiredPointer(op, 'from', 'copy operation failed to decode from');
      const src = locate(doc, from, `copy operation does not apply: doc is missing from path: ${from}`);
      const value = getAt(src.parent, src.key, `error in copy for from: '${from}'`) ?? null;
      const path = requiredPointer(op, 'path', 'copy operation failed to decode path');
      const dst = locate(doc, path, `copy operation does not apply: doc is missing destination path: ${path}`);
      budget.copied += jsonSize(value);
      if (budget.max > 0 && budget.copied > budget.max) {
        throw PatchError.invalid(
          `Unable to complete the copy, the accumulated size increase of copy is ${budget.copied}, exceeding the limit ${budget.max}`,
        );
      }
      addAt(dst.parent, dst.key, cloneJson(value), 'error while adding value during copy');
      return;
    }
    case 'test': {
      const path = requiredPointer(op, 'path', 'test operation failed to decode path');
      const { parent, key } = locate(doc, path, `test operation does not apply: is missing path: ${path}`);
      const actual = getAt(parent, key, `error in test for path: '${path}'`) ?? null;
      if (!jsonEqual(actual, valueOf(op))) throw PatchError.invalid(`testing value ${path} failed: test failed`);
      return;
    }
    default:
      throw PatchError.invalid(`Unexpected kind: ${kind}`);
  }
}

function valueOf(op: JsonObject): JsonValue {
  return getOwn(op, 'value') ?? null;
}

function requiredPointer(op: JsonObject, member: 'path' | 'from', failure: string): string {
  const v = getOwn(op, member);
  if (typeof v !== 'string') throw PatchError.invalid(`${failure}: missing value`);
  return v;
}

/** RFC 6901: "~1" is "/", then "~0" is "~". */
function decodeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Resolves all but the last token of `pointer`: the container the operation acts on and the key
 * (already unescaped) inside it. The whole document ("") has no parent and is not addressable,
 * as in the apiserver.
 */
function locate(doc: Doc, pointer: string, missing: string): { parent: Container; key: string } {
  if (!pointer.startsWith('/')) throw PatchError.invalid(`${missing}: missing value`);
  const tokens = pointer.slice(1).split('/').map(decodeToken);
  let node: JsonValue = doc.root;
  for (let i = 0; i < tokens.length - 1; i++) {
    const token = tokens[i]!;
    let next: JsonValue | undefined;
    if (Array.isArray(node)) {
      const idx = parseIndex(token);
      if (idx === undefined) throw PatchError.invalid(`${missing}: missing value`);
      const resolved = idx < 0 ? idx + node.length : idx;
      next = resolved >= 0 && resolved < node.length ? node[resolved] : undefined;
    } else if (isJsonObject(node)) {
      next = getOwn(node, token);
    }
    if (next === undefined || next === null || typeof next !== 'object') {
      throw PatchError.invalid(`${missing}: missing value`);
    }
    node = next;
  }
  if (node === null || typeof node !== 'object') throw PatchError.invalid(`${missing}: missing value`);
  return { parent: node, key: tokens[tokens.length - 1]! };
}

/** A Go-Atoi style index, or undefined when the token is not one (or does not fit an int64). */
function parseIndex(token: string): number | undefined {
  if (!INDEX_RE.test(token)) return undefined;
  const n = Number(token);
  return Number.isSafeInteger(n) ? n : undefined;
}

function indexOrThrow(token: string, context: string): number {
  if (!INDEX_RE.test(token)) {
    throw PatchError.invalid(`${context}: strconv.Atoi: parsing ${JSON.stringify(token)}: invalid syntax`);
  }
  const n = parseIndex(token);
  if (n === undefined) {
    throw PatchError.invalid(`${context}: strconv.Atoi: parsing ${JSON.stringify(token)}: value out of range`);
  }
  return n;
}

/** An index that must name an existing element; negative counts from the end. */
function existingIndex(arr: JsonValue[], token: string, context: string): number {
  const idx = indexOrThrow(token, context);
  if (idx >= arr.length || idx < -arr.length) {
    throw PatchError.invalid(`${context}: Unable to access invalid index: ${idx}: invalid index referenced`);
  }
  return idx < 0 ? idx + arr.length : idx;
}

function getAt(parent: Container, key: string, context: string): JsonValue | undefined {
  if (Array.isArray(parent)) return parent[existingIndex(parent, key, context)];
  return getOwn(parent, key);
}

function addAt(parent: Container, key: string, value: JsonValue, context: string): void {
  if (!Array.isArray(parent)) {
    setOwn(parent, key, value);
    return;
  }
  if (key === '-') {
    parent.push(value);
    return;
  }
  const idx = parseIndex(key);
  if (idx === undefined) {
    const why = INDEX_RE.test(key) ? 'value out of range' : 'invalid syntax';
    throw PatchError.invalid(
      `${context}: value was not a proper array index: '${key}': strconv.Atoi: parsing ${JSON.stringify(key)}: ${why}`,
    );
  }
  // Inserting may target one past the end; negative indexes count from that new end.
  const size = parent.length + 1;
  if (idx >= size || idx < -size) {
    throw PatchError.invalid(`${context}: Unable to access invalid index: ${idx}: invalid index referenced`);
  }
  parent.splice(idx < 0 ? idx + size : idx, 0, value);
}

function removeAt(parent: Container, key: string, context: string): void {
  if (Array.isArray(parent)) {
    parent.splice(existingIndex(parent, key, context), 1);
    return;
  }
  if (!hasOwn(parent, key)) {
    throw PatchError.invalid(`${context}: Unable to remove nonexistent key: ${key}: missing value`);
  }
  delete parent[key];
}
