import { normalize, QuantityError } from '../quantity.js';
import { ProtobufDecodeError } from './errors.js';
import type { SpecialType } from './schema.js';
import { toInt32, toInt64, WireReader, WireType, type Tag } from './wire.js';

/**
 * apimachinery types whose protobuf message and JSON form differ: JSON prints them as a string or a
 * number, not as an object.
 */

/** Go's time range for JSON: years 0001..9999 (Time.MarshalJSON refuses others). */
const MIN_SECONDS = -62135596800n; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253402300799n; // 9999-12-31T23:59:59Z

function invalid(detail: string): ProtobufDecodeError {
  return new ProtobufDecodeError('InvalidValue', detail);
}

function expectWireType(tag: Tag, want: WireType, what: string): void {
  if (tag.wireType !== want) {
    throw new ProtobufDecodeError('Malformed', `wrong wire type ${tag.wireType} for ${what} (want ${want})`);
  }
}

/** Reads the string in field 1, or undefined when absent (Quantity's only field). */
function readStringField1(bytes: Uint8Array, what: string): string | undefined {
  const r = new WireReader(bytes);
  let s: string | undefined;
  while (!r.done) {
    const tag = r.readTag();
    if (tag.field === 1) {
      expectWireType(tag, WireType.LengthDelimited, `${what}.string`);
      s = Buffer.from(r.readLengthDelimited()).toString('utf8');
    } else {
      r.skip(tag);
    }
  }
  return s;
}

/**
 * metav1.Time: {seconds=1, nanos=2}; an empty message is the zero time, which Go prints as null.
 * JSON carries whole seconds (RFC 3339), so nanos are checked but not printed.
 */
function decodeTime(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return null;
  const r = new WireReader(bytes);
  let seconds = 0n;
  let nanos = 0;
  while (!r.done) {
    const tag = r.readTag();
    if (tag.field === 1) {
      expectWireType(tag, WireType.Varint, 'Time.seconds');
      seconds = BigInt.asIntN(64, r.readVarint());
    } else if (tag.field === 2) {
      expectWireType(tag, WireType.Varint, 'Time.nanos');
      nanos = toInt32(r.readVarint());
    } else {
      r.skip(tag);
    }
  }
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw invalid(`time ${seconds}s is outside years 0001-9999`);
  if (nanos < 0 || nanos > 999_999_999) throw invalid(`time nanos ${nanos} is outside 0..999999999`);
  // toISOString gives "YYYY-MM-DDTHH:MM:SS.mmmZ"; Go prints RFC 3339 with whole seconds in UTC.
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}Z`;
}

/** resource.Quantity: {string=1}, printed in Kubernetes' canonical form; absent string is zero. */
function decodeQuantity(bytes: Uint8Array): string {
  const s = readStringField1(bytes, 'Quantity');
  if (s === undefined) return '0';
  try {
    return normalize(s);
  } catch (e) {
    if (e instanceof QuantityError) throw invalid(`invalid quantity ${JSON.stringify(s)}: ${e.message}`);
    throw e;
  }
}

/** intstr.IntOrString: {type=1 (0 int, 1 string), intVal=2, strVal=3}. */
function decodeIntOrString(bytes: Uint8Array): number | string {
  const r = new WireReader(bytes);
  let type = 0;
  let intVal = 0;
  let strVal = '';
  while (!r.done) {
    const tag = r.readTag();
    if (tag.field === 1) {
      expectWireType(tag, WireType.Varint, 'IntOrString.type');
      type = toInt64(r.readVarint());
    } else if (tag.field === 2) {
      expectWireType(tag, WireType.Varint, 'IntOrString.intVal');
      intVal = toInt32(r.readVarint());
    } else if (tag.field === 3) {
      expectWireType(tag, WireType.LengthDelimited, 'IntOrString.strVal');
      strVal = Buffer.from(r.readLengthDelimited()).toString('utf8');
    } else {
      r.skip(tag);
    }
  }
  if (type === 0) return intVal;
  if (type === 1) return strVal;
  throw invalid(`IntOrString type ${type} is neither 0 (int) nor 1 (string)`);
}

/** metav1.FieldsV1: {Raw=1}, raw JSON embedded as is. */
function decodeFieldsV1(bytes: Uint8Array): unknown {
  const r = new WireReader(bytes);
  let raw: Uint8Array | undefined;
  while (!r.done) {
    const tag = r.readTag();
    if (tag.field === 1) {
      expectWireType(tag, WireType.LengthDelimited, 'FieldsV1.Raw');
      raw = r.readLengthDelimited();
    } else {
      r.skip(tag);
    }
  }
  if (raw === undefined || raw.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8')) as unknown;
  } catch {
    throw invalid('FieldsV1 does not hold valid JSON');
  }
}

export function decodeSpecial(type: SpecialType, bytes: Uint8Array): unknown {
  switch (type) {
    case 'Time':
      return decodeTime(bytes);
    case 'Quantity':
      return decodeQuantity(bytes);
    case 'IntOrString':
      return decodeIntOrString(bytes);
    case 'FieldsV1':
      return decodeFieldsV1(bytes);
  }
}

/** What Go prints for a special type's zero value. */
export function specialZero(type: SpecialType): unknown {
  switch (type) {
    case 'Time':
    case 'FieldsV1':
      return null;
    case 'Quantity':
      return '0';
    case 'IntOrString':
      return 0;
  }
}
