// Server-side field validation (`?fieldValidation=Strict|Warn|Ignore`), as the real apiserver's
// strict decoder (sigs.k8s.io/json) does it: a field a kind does not declare is an "unknown field",
// a key given twice in one JSON object is a "duplicate field". Under Strict a create/update answers
// 400 BadRequest with
//   Deployment in version "v1" cannot be handled as a Deployment: strict decoding error:
//     unknown field "spec.replica", duplicate field "spec.paused"
// and under Warn (the server default) each error becomes one `Warning: 299 - "…"` header.
// Paths have no leading dot, name fields by their JSON key, list items by [index] and map entries
// by .key: `spec.template.spec.containers[0].imagePullPolice`.
//
// The field names come from lib/api/field-tree.json, generated from the published kubernetes-types
// definitions by scripts/gen-field-tree.mjs. Wrong types are not reported here: they are the schema
// validator's business, and a value of the wrong shape is simply not descended into.

import { createRequire } from 'node:module';
// Type-only import: it makes tsc copy the JSON next to the compiled module, and checks below that
// the generated file has the shape FieldTree describes. The JSON is loaded with require() because
// Node 20's JSON modules need import attributes that Node 20.0–20.9 do not understand.
import type fieldTreeJson from './field-tree.json';

/** What a field holds: a type name from the tree, "scalar", "any" (not checked), a list or a string-keyed map. */
export type FieldNode = string | { readonly list: FieldNode } | { readonly map: FieldNode };

interface FieldTree {
  readonly source: string;
  readonly roots: Readonly<Record<string, string>>;
  readonly anyVersionRoots: Readonly<Record<string, string>>;
  readonly types: Readonly<Record<string, Readonly<Record<string, FieldNode>>>>;
}

/** sigs.k8s.io/json stops collecting strict errors at 100; so do we. */
export const MAX_STRICT_ERRORS = 100;

/** Nesting beyond this is scanned without checks, so a hostile body cannot exhaust the stack. */
const MAX_DEPTH = 256;

let loaded: FieldTree | undefined;
function fieldTree(): FieldTree {
  if (!loaded) {
    const json: typeof fieldTreeJson = createRequire(import.meta.url)('./field-tree.json');
    loaded = json;
  }
  return loaded;
}

/** Where the generated data came from, e.g. "kubernetes-types@1.30.0". */
export function fieldTreeSource(): string {
  return fieldTree().source;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The root node for a body of this apiVersion and kind, or undefined when the tree has none. */
function rootNode(apiVersion: string, kind: string): string | undefined {
  const tree = fieldTree();
  const key = `${apiVersion}/${kind}`;
  if (Object.hasOwn(tree.roots, key)) return tree.roots[key];
  if (Object.hasOwn(tree.anyVersionRoots, kind)) return tree.anyVersionRoots[kind];
  return undefined;
}

/** True when unknown fields of this apiVersion/kind can be found (the kind is in the field tree). */
export function hasFieldTree(apiVersion: string, kind: string): boolean {
  return rootNode(apiVersion, kind) !== undefined;
}

function fieldsOf(typeName: string): Readonly<Record<string, FieldNode>> | undefined {
  const types = fieldTree().types;
  return Object.hasOwn(types, typeName) ? types[typeName] : undefined;
}

/** The declared node of `field` in a struct, or undefined for an unknown field (own keys only: no `constructor`). */
function fieldNode(fields: Readonly<Record<string, FieldNode>>, field: string): FieldNode | undefined {
  return Object.hasOwn(fields, field) ? fields[field] : undefined;
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function resolveKind(obj: unknown, apiVersion?: string, kind?: string): string | undefined {
  const body = isPlainObject(obj) ? obj : {};
  const v = apiVersion ?? (typeof body['apiVersion'] === 'string' ? body['apiVersion'] : undefined);
  const k = kind ?? (typeof body['kind'] === 'string' ? body['kind'] : undefined);
  if (v === undefined || k === undefined) return undefined;
  return rootNode(v, k);
}

export interface UnknownFieldOptions {
  /**
   * Visit keys in sorted order instead of the object's own order. The real apiserver reports a
   * JSON create/update in document order, but a YAML body or a patched object passes through a Go
   * map first, which sorts keys: use sortKeys for those to list errors in the same order.
   */
  readonly sortKeys?: boolean;
  /** At most this many paths (default MAX_STRICT_ERRORS). */
  readonly limit?: number;
}

/**
 * Paths of the fields in `obj` that its kind does not declare, e.g. `spec.replica` or
 * `spec.template.spec.containers[0].imagePullPolice`. The kind is `apiVersion`/`kind` when given,
 * else the object's own; a kind missing from the field tree yields [] (nothing to check against).
 * Unknown fields are not descended into. Never throws: values of the wrong type are skipped.
 */
export function findUnknownFields(obj: unknown, apiVersion?: string, kind?: string, options: UnknownFieldOptions = {}): string[] {
  const root = resolveKind(obj, apiVersion, kind);
  if (root === undefined) return [];
  const out: string[] = [];
  const limit = options.limit ?? MAX_STRICT_ERRORS;
  const keysOf = (o: Record<string, unknown>) => (options.sortKeys ? Object.keys(o).sort(compareKeys) : Object.keys(o));

  const walk = (value: unknown, node: FieldNode, path: string, depth: number): void => {
    if (out.length >= limit || depth > MAX_DEPTH) return;
    if (typeof node === 'string') {
      const fields = fieldsOf(node); // undefined for "scalar" and "any"
      if (!fields || !isPlainObject(value)) return;
      for (const key of keysOf(value)) {
        const sub = fieldNode(fields, key);
        if (sub === undefined) {
          if (out.length < limit) out.push(childPath(path, key));
        } else {
          walk(value[key], sub, childPath(path, key), depth + 1);
        }
      }
    } else if ('list' in node) {
      if (!Array.isArray(value)) return;
      value.forEach((item, i) => walk(item, node.list, `${path}[${i}]`, depth + 1));
    } else {
      if (!isPlainObject(value)) return;
      for (const key of keysOf(value)) walk(value[key], node.map, childPath(path, key), depth + 1);
    }
  };
  walk(obj, root, '', 0);
  return out;
}

// Go sorts map keys by their UTF-8 bytes; for keys in the BMP that is UTF-16 order.
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type StrictErrorType = 'unknown' | 'duplicate';

export interface StrictFieldError {
  readonly type: StrictErrorType;
  /** `spec.paused`, `spec.template.spec.containers[0].imagePullPolicy`. */
  readonly path: string;
}

/**
 * The strict-decoding errors of a JSON create/update body, in the order the real decoder reports
 * them: one pass over the text, unknown and duplicate fields interleaved in document order, each
 * message once, at most MAX_STRICT_ERRORS. Duplicates are found in declared fields, maps and
 * free-form objects, not inside unknown fields or opaque values (IntOrString, RawExtension, …).
 * Malformed JSON, a body that is not an object, or a kind missing from the tree yields [] — syntax
 * errors are the JSON parser's to report.
 */
export function findStrictDecodingErrors(jsonText: string, apiVersion?: string, kind?: string): StrictFieldError[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText); // validates the syntax the scanner below relies on
  } catch {
    return [];
  }
  const root = resolveKind(parsed, apiVersion, kind);
  if (root === undefined || !isPlainObject(parsed)) return [];
  return scan(jsonText, root);
}

/**
 * Paths of keys given twice in one object anywhere in a JSON document, in document order, with no
 * schema: what the real apiserver reports (`duplicate field "spec.paused"`) for the body of a merge
 * or strategic-merge patch, before it checks the patched object for unknown fields.
 */
export function findDuplicateFields(jsonText: string): string[] {
  try {
    JSON.parse(jsonText);
  } catch {
    return [];
  }
  return scan(jsonText, FREE).map((e) => e.path);
}

/** Scan mode for values with no schema whose keys are still checked for duplicates (Go's map[string]interface{}). */
const FREE = Symbol('free');
/** Scan mode for values nobody looks inside: unknown fields, opaque values, values of the wrong type. */
const SKIP = Symbol('skip');
type ScanMode = FieldNode | typeof FREE | typeof SKIP;

class MalformedJson extends Error {}

function scan(text: string, root: ScanMode): StrictFieldError[] {
  const errors: StrictFieldError[] = [];
  const seen = new Set<string>();
  let pos = 0;

  const report = (type: StrictErrorType, path: string) => {
    const key = `${type} ${path}`;
    if (errors.length >= MAX_STRICT_ERRORS || seen.has(key)) return;
    seen.add(key);
    errors.push({ type, path });
  };
  const fail = (): never => {
    throw new MalformedJson();
  };
  const ws = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
  };
  const expect = (ch: string) => {
    ws();
    if (text[pos] !== ch) fail();
    pos++;
  };
  const readString = (): string => {
    if (text[pos] !== '"') fail();
    const start = pos;
    pos++;
    let escaped = false;
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === '\\') {
        escaped = true;
        pos++;
      }
      pos++;
    }
    if (pos >= text.length) fail();
    pos++;
    const raw = text.slice(start, pos);
    if (!escaped) return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return fail();
    }
  };
  const literal = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const readLiteral = () => {
    literal.lastIndex = pos;
    if (!literal.test(text)) fail();
    pos = literal.lastIndex;
  };

  // Skips one value without checks, iteratively so that deep nesting cannot exhaust the stack.
  const skipValue = () => {
    ws();
    let depth = 0;
    for (;;) {
      ws();
      const c = text[pos];
      if (c === '{' || c === '[') {
        depth++;
        pos++;
        continue;
      }
      if (c === '}' || c === ']') {
        if (depth === 0) fail();
        depth--;
        pos++;
      } else if (c === '"') {
        readString();
        ws();
        if (text[pos] === ':') {
          if (depth === 0) fail();
          pos++;
          continue;
        }
      } else if (c === ',') {
        if (depth === 0) fail();
        pos++;
        continue;
      } else {
        readLiteral();
      }
      if (depth === 0) return;
    }
  };

  const value = (mode: ScanMode, path: string, depth: number): void => {
    ws();
    const c = text[pos];
    if (mode === SKIP || depth > MAX_DEPTH) return skipValue();
    if (c === '{') return object(mode, path, depth);
    if (c === '[') return array(mode, path, depth);
    if (c === '"') {
      readString();
      return;
    }
    readLiteral();
  };

  const object = (mode: ScanMode, path: string, depth: number) => {
    // What each key's value is checked against; undefined: unknown field (struct) — skipped.
    let member: (key: string) => ScanMode | undefined;
    let isStruct = false;
    if (mode === FREE) member = () => FREE;
    else if (typeof mode === 'string' && fieldsOf(mode)) {
      const fields = fieldsOf(mode)!;
      isStruct = true;
      member = (key) => fieldNode(fields, key);
    } else if (typeof mode === 'object' && 'map' in mode) member = () => mode.map;
    else return skipValue(); // a scalar, opaque value or list given an object: a type error, not ours

    pos++; // {
    const keys = new Set<string>();
    ws();
    if (text[pos] === '}') {
      pos++;
      return;
    }
    for (;;) {
      ws();
      const key = readString();
      expect(':');
      const sub = member(key);
      const p = childPath(path, key);
      if (sub === undefined && isStruct) {
        report('unknown', p);
        value(SKIP, p, depth + 1);
      } else {
        if (keys.has(key)) report('duplicate', p);
        keys.add(key);
        value(sub ?? SKIP, p, depth + 1);
      }
      ws();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return;
      }
      fail();
    }
  };

  const array = (mode: ScanMode, path: string, depth: number) => {
    let item: ScanMode;
    if (mode === FREE) item = FREE;
    else if (typeof mode === 'object' && 'list' in mode) item = mode.list;
    else return skipValue();

    pos++; // [
    ws();
    if (text[pos] === ']') {
      pos++;
      return;
    }
    for (let i = 0; ; i++) {
      value(item, `${path}[${i}]`, depth + 1);
      ws();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return;
      }
      fail();
    }
  };

  try {
    value(root, '', 0);
    ws();
    if (pos !== text.length) return [];
    return errors;
  } catch (err) {
    if (err instanceof MalformedJson) return [];
    throw err;
  }
}

/** One error as the real decoder words it: `unknown field "spec.replica"`. Also the text of its Warning header. */
export function strictErrorText(error: StrictFieldError): string {
  return `${error.type} field ${goQuote(error.path)}`;
}

/**
 * The strict decoding error as Kubernetes words it:
 * `strict decoding error: unknown field "spec.replica", duplicate field "spec.paused"`.
 * A bare string is an unknown-field path (what findUnknownFields returns).
 */
export function strictDecodingMessage(errors: readonly (StrictFieldError | string)[]): string {
  const texts = errors.map((e) => strictErrorText(typeof e === 'string' ? { type: 'unknown', path: e } : e));
  return `strict decoding error: ${texts.join(', ')}`;
}

/**
 * The 400 BadRequest message of a create or update whose body failed to decode, as the real
 * apiserver builds it: `Deployment in version "v1" cannot be handled as a Deployment: <detail>`.
 * The body's kind and version, when missing, default to the target's (the decoder defaults them
 * from the request path the same way).
 */
export function cannotBeHandledMessage(
  body: unknown,
  target: { readonly apiVersion: string; readonly kind: string },
  detail: string,
): string {
  const o = isPlainObject(body) ? body : {};
  const kind = typeof o['kind'] === 'string' && o['kind'] !== '' ? o['kind'] : target.kind;
  const apiVersion = typeof o['apiVersion'] === 'string' && o['apiVersion'] !== '' ? o['apiVersion'] : target.apiVersion;
  const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
  return `${kind} in version ${goQuote(version)} cannot be handled as a ${target.kind}: ${detail}`;
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\',
};

/** Go's %q for a string: double-quoted, with Go escapes for quotes, backslashes and unprintable runes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const esc = GO_ESCAPES[ch];
    if (esc !== undefined) {
      out += esc;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\ufffd'; // a lone surrogate: Go sees invalid UTF-8 and decodes U+FFFD
    } else if (ch === ' ' || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) {
      out += ch;
    } else if (cp < 0x80) {
      out += `\\x${cp.toString(16).padStart(2, '0')}`;
    } else if (cp <= 0xffff) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else {
      out += `\\U${cp.toString(16).padStart(8, '0')}`;
    }
  }
  return `${out}"`;
}
