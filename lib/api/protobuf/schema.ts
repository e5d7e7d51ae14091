/**
 * Message schemas for Kubernetes' protobuf encoding, as tables of field number → how to decode the
 * field and how its JSON form looks. The numbers come from Kubernetes' generated.proto files; the
 * JSON side (names, omitempty, pointers, inlining) from the Go types' json tags, because the JSON
 * we produce must be what the Go JSON encoder prints for the same object.
 *
 * Tables are written in a compact text form, one token per field:
 *
 *     [~]jsonName[?|!]=number:type
 *
 *   type    scalar (string bytes bool int32 int64), special (Time Quantity IntOrString FieldsV1),
 *           or a message name; `[]T` is repeated, `map<string,T>` a map.
 *   `?`     Go pointer: the value is printed even when zero (e.g. `replicas: 0`).
 *   `!`     no omitempty in Go: the zero value is printed, and filled in when the field is absent.
 *   (none)  omitempty: zero scalars ("" 0 false) are dropped, as Go drops them.
 *   `~`     embedded struct inlined into the parent's JSON (json:",inline").
 *
 * Messages (nested structs) are printed whenever they are on the wire, as Go prints structs.
 */

export type ScalarType = 'string' | 'bytes' | 'bool' | 'int32' | 'int64';
export type SpecialType = 'Time' | 'Quantity' | 'IntOrString' | 'FieldsV1';

export type ValueType =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'special'; special: SpecialType }
  | { kind: 'message'; message: string };

export type Cardinality = 'single' | 'repeated' | 'map';

/** How a zero value appears in JSON. */
export type ZeroPolicy = 'omitempty' | 'pointer' | 'required';

export interface FieldSchema {
  number: number;
  jsonName: string;
  type: ValueType;
  cardinality: Cardinality;
  zero: ZeroPolicy;
  inline: boolean;
}

export interface MessageSchema {
  name: string;
  fields: ReadonlyMap<number, FieldSchema>;
}

/** Message name → field table text (see the module comment). */
export type MessageTable = Readonly<Record<string, string>>;

const SCALARS: ReadonlySet<string> = new Set<ScalarType>(['string', 'bytes', 'bool', 'int32', 'int64']);
const SPECIALS: ReadonlySet<string> = new Set<SpecialType>(['Time', 'Quantity', 'IntOrString', 'FieldsV1']);

const FIELD_TOKEN = /^(~?)([A-Za-z][A-Za-z0-9]*)([?!]?)=([1-9][0-9]*):(\[\]|map<string,)?([A-Za-z][A-Za-z0-9]*)(>?)$/;

function parseValueType(name: string): ValueType {
  if (SCALARS.has(name)) return { kind: 'scalar', scalar: name as ScalarType };
  if (SPECIALS.has(name)) return { kind: 'special', special: name as SpecialType };
  return { kind: 'message', message: name };
}

function parseField(message: string, token: string): FieldSchema {
  const m = FIELD_TOKEN.exec(token);
  if (!m) throw new Error(`protobuf schema ${message}: cannot parse field "${token}"`);
  const [, inlineMark, jsonName, zeroMark, num, container, typeName, closeMap] = m as unknown as string[];
  const cardinality: Cardinality = container === '[]' ? 'repeated' : container ? 'map' : 'single';
  if ((cardinality === 'map') !== (closeMap === '>')) throw new Error(`protobuf schema ${message}: unbalanced map type in "${token}"`);
  const type = parseValueType(typeName!);
  const inline = inlineMark === '~';
  if (inline && (type.kind !== 'message' || cardinality !== 'single')) {
    throw new Error(`protobuf schema ${message}: only a single message field can be inlined ("${token}")`);
  }
  return {
    number: Number(num),
    jsonName: jsonName!,
    type,
    cardinality,
    zero: zeroMark === '?' ? 'pointer' : zeroMark === '!' ? 'required' : 'omitempty',
    inline,
  };
}

export function parseMessage(name: string, text: string): MessageSchema {
  const fields = new Map<number, FieldSchema>();
  const names = new Set<string>();
  for (const token of text.split(/\s+/).filter((t) => t !== '')) {
    const f = parseField(name, token);
    if (fields.has(f.number)) throw new Error(`protobuf schema ${name}: field number ${f.number} used twice`);
    if (!f.inline && names.has(f.jsonName)) throw new Error(`protobuf schema ${name}: JSON name ${f.jsonName} used twice`);
    fields.set(f.number, f);
    names.add(f.jsonName);
  }
  return { name, fields };
}

/** A closed set of messages: every message a field refers to is present. */
export class SchemaRegistry {
  private readonly messages = new Map<string, MessageSchema>();

  constructor(tables: readonly MessageTable[]) {
    for (const table of tables) {
      for (const [name, text] of Object.entries(table)) {
        if (this.messages.has(name)) throw new Error(`protobuf schema: message ${name} defined twice`);
        this.messages.set(name, parseMessage(name, text));
      }
    }
    for (const msg of this.messages.values()) {
      for (const f of msg.fields.values()) {
        if (f.type.kind === 'message' && !this.messages.has(f.type.message)) {
          throw new Error(`protobuf schema ${msg.name}.${f.jsonName}: unknown message type ${f.type.message}`);
        }
      }
    }
  }

  get(name: string): MessageSchema {
    const m = this.messages.get(name);
    if (!m) throw new Error(`protobuf schema: no message ${name}`);
    return m;
  }

  has(name: string): boolean {
    return this.messages.has(name);
  }

  names(): string[] {
    return [...this.messages.keys()];
  }
}
