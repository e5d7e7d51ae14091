import { ProtobufDecodeError } from './errors.js';
import type { FieldSchema, MessageSchema, ScalarType, SchemaRegistry } from './schema.js';
import { decodeSpecial, specialZero } from './special-types.js';
import { toInt32, toInt64, WireReader, WireType, type Tag } from './wire.js';

/**
 * Turns protobuf message bytes into the JSON object Go's encoding/json would print for the same
 * Kubernetes object, driven by the schema tables (see schema.ts for the zero-value rules).
 *
 * Protobuf semantics kept: the last occurrence of a scalar wins, a repeated message field appends,
 * a message field seen twice merges, map entries with the same key overwrite, repeated numbers may
 * be packed or not, and unknown fields are skipped (their locations are reported).
 */

/** Nesting deeper than this is refused; the Kubernetes schemas need about 15 levels. */
export const MAX_DEPTH = 64;
/** Unknown fields beyond this many are still skipped, just not listed. */
export const MAX_REPORTED_UNKNOWN = 100;

export type JsonObject = Record<string, unknown>;

export interface DecodeContext {
  registry: SchemaRegistry;
  /** Where unknown field numbers were skipped, e.g. `spec.template.spec#99`. */
  unknownFields: string[];
}

function malformed(detail: string): ProtobufDecodeError {
  return new ProtobufDecodeError('Malformed', detail);
}

/** Defines an own property, so a map key like "__proto__" stays an ordinary key. */
function setOwn(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function getOwn(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function joinPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function isNumeric(t: ScalarType): boolean {
  return t === 'bool' || t === 'int32' || t === 'int64';
}

function scalarWireType(t: ScalarType): WireType {
  return isNumeric(t) ? WireType.Varint : WireType.LengthDelimited;
}

function scalarZero(t: ScalarType): unknown {
  switch (t) {
    case 'string':
    case 'bytes':
      return '';
    case 'bool':
      return false;
    case 'int32':
    case 'int64':
      return 0;
  }
}

function decodeScalarFromVarint(t: ScalarType, v: bigint): unknown {
  switch (t) {
    case 'bool':
      return v !== 0n;
    case 'int32':
      return toInt32(v);
    case 'int64':
      return toInt64(v);
    default:
      throw malformed(`${t} cannot be a varint`);
  }
}

function decodeScalarFromBytes(t: ScalarType, bytes: Uint8Array): unknown {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Go's JSON encoder prints []byte as standard base64; invalid UTF-8 becomes U+FFFD in both.
  return t === 'bytes' ? b.toString('base64') : b.toString('utf8');
}

function wireTypeError(field: FieldSchema, tag: Tag): ProtobufDecodeError {
  return malformed(`wrong wire type ${tag.wireType} for field ${field.number} (${field.jsonName})`);
}

/** Reads one value of a single or repeated field (not a map entry). */
function readValue(
  r: WireReader,
  tag: Tag,
  field: FieldSchema,
  ctx: DecodeContext,
  path: string,
  depth: number,
  into?: JsonObject,
): unknown {
  const t = field.type;
  if (t.kind === 'scalar') {
    if (tag.wireType !== scalarWireType(t.scalar)) throw wireTypeError(field, tag);
    return t.scalar === 'string' || t.scalar === 'bytes'
      ? decodeScalarFromBytes(t.scalar, r.readLengthDelimited())
      : decodeScalarFromVarint(t.scalar, r.readVarint());
  }
  if (tag.wireType !== WireType.LengthDelimited) throw wireTypeError(field, tag);
  const bytes = r.readLengthDelimited();
  if (t.kind === 'special') {
    try {
      return decodeSpecial(t.special, bytes);
    } catch (e) {
      throw e instanceof ProtobufDecodeError ? e.at(path) : e;
    }
  }
  return decodeMessage(bytes, ctx.registry.get(t.message), ctx, path, depth + 1, into);
}

/** Appends the elements of a packed repeated number field. */
function readPacked(r: WireReader, field: FieldSchema & { type: { kind: 'scalar' } }, out: unknown[]): void {
  const inner = new WireReader(r.readLengthDelimited());
  while (!inner.done) out.push(decodeScalarFromVarint(field.type.scalar, inner.readVarint()));
}

/** A map entry message {key=1, value=2}; Kubernetes maps always have string keys. */
function readMapEntry(
  r: WireReader,
  tag: Tag,
  field: FieldSchema,
  ctx: DecodeContext,
  path: string,
  depth: number,
): [string, unknown] {
  if (tag.wireType !== WireType.LengthDelimited) throw wireTypeError(field, tag);
  const entry = new WireReader(r.readLengthDelimited());
  const valueField: FieldSchema = { ...field, cardinality: 'single', number: 2 };
  let key = '';
  let value: unknown;
  while (!entry.done) {
    const t = entry.readTag();
    if (t.field === 1) {
      if (t.wireType !== WireType.LengthDelimited) throw malformed(`wrong wire type ${t.wireType} for map key of ${field.jsonName}`);
      key = decodeScalarFromBytes('string', entry.readLengthDelimited()) as string;
    } else if (t.field === 2) {
      value = readValue(entry, t, valueField, ctx, `${path}[${JSON.stringify(key)}]`, depth);
    } else {
      entry.skip(t);
    }
  }
  if (value === undefined) value = zeroOf(field);
  return [key, value];
}

/** What Go prints for the field's zero value (used for absent `!` fields and valueless map entries). */
function zeroOf(field: FieldSchema): unknown {
  const t = field.type;
  if (t.kind === 'scalar') return scalarZero(t.scalar);
  if (t.kind === 'special') return specialZero(t.special);
  return {};
}

function isZeroScalar(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

export function decodeMessage(
  bytes: Uint8Array,
  schema: MessageSchema,
  ctx: DecodeContext,
  path: string,
  depth: number,
  into: JsonObject = {},
): JsonObject {
  if (depth > MAX_DEPTH) throw malformed(`messages nested deeper than ${MAX_DEPTH} levels`).at(path);
  const r = new WireReader(bytes);
  const out = into;
  try {
    while (!r.done) {
      const tag = r.readTag();
      const field = schema.fields.get(tag.field);
      if (!field) {
        r.skip(tag);
        if (ctx.unknownFields.length < MAX_REPORTED_UNKNOWN) ctx.unknownFields.push(`${path === '' ? '(root)' : path}#${tag.field}`);
        continue;
      }
      try {
        decodeField(r, tag, field, out, ctx, path, depth);
      } catch (e) {
        throw e instanceof ProtobufDecodeError ? e.at(joinPath(path, field.jsonName)) : e;
      }
    }
  } catch (e) {
    throw e instanceof ProtobufDecodeError ? e.at(path === '' ? '(root)' : path) : e;
  }
  for (const field of schema.fields.values()) {
    if (field.zero === 'required' && field.cardinality === 'single' && !field.inline && !Object.hasOwn(out, field.jsonName)) {
      setOwn(out, field.jsonName, zeroOf(field));
    }
  }
  return out;
}

function decodeField(
  r: WireReader,
  tag: Tag,
  field: FieldSchema,
  out: JsonObject,
  ctx: DecodeContext,
  path: string,
  depth: number,
): void {
  const name = field.jsonName;
  const fieldPath = joinPath(path, name);

  if (field.inline) {
    // json:",inline" — the embedded struct's fields land in this object.
    readValue(r, tag, field, ctx, path, depth - 1, out);
    return;
  }

  if (field.cardinality === 'map') {
    const [key, value] = readMapEntry(r, tag, field, ctx, fieldPath, depth);
    let map = getOwn(out, name) as JsonObject | undefined;
    if (map === undefined) {
      map = {};
      setOwn(out, name, map);
    }
    setOwn(map, key, value);
    return;
  }

  if (field.cardinality === 'repeated') {
    let list = getOwn(out, name) as unknown[] | undefined;
    if (list === undefined) {
      list = [];
      setOwn(out, name, list);
    }
    if (field.type.kind === 'scalar' && isNumeric(field.type.scalar) && tag.wireType === WireType.LengthDelimited) {
      readPacked(r, field as FieldSchema & { type: { kind: 'scalar' } }, list);
      return;
    }
    list.push(readValue(r, tag, field, ctx, `${fieldPath}[${list.length}]`, depth));
    return;
  }

  if (field.type.kind === 'message') {
    // A message field seen twice merges into the first, as protobuf specifies.
    const existing = getOwn(out, name);
    const into = existing !== null && typeof existing === 'object' ? (existing as JsonObject) : undefined;
    setOwn(out, name, readValue(r, tag, field, ctx, fieldPath, depth, into));
    return;
  }

  const value = readValue(r, tag, field, ctx, fieldPath, depth);
  if (field.zero === 'omitempty' && field.type.kind === 'scalar' && isZeroScalar(value)) {
    // Go drops a zero scalar with omitempty; a later zero also overrides an earlier value.
    delete out[name];
  } else {
    setOwn(out, name, value);
  }
}
