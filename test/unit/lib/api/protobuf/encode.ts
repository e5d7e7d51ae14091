/**
 * A minimal protobuf writer for building test inputs by hand, including broken ones: each helper
 * returns the bytes of one field (tag + value), and fields are concatenated with Buffer.concat.
 */

export function varint(n: bigint | number): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? b : b | 0x80);
  } while (v !== 0n);
  return Buffer.from(out);
}

export function tag(field: number, wireType: number): Buffer {
  return varint((BigInt(field) << 3n) | BigInt(wireType));
}

/** A varint field (int32, int64, bool). */
export function vint(field: number, n: bigint | number | boolean): Buffer {
  return Buffer.concat([tag(field, 0), varint(typeof n === 'boolean' ? (n ? 1 : 0) : n)]);
}

/** A length-delimited field. */
export function bytes(field: number, payload: Buffer | string): Buffer {
  const b = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([tag(field, 2), varint(b.length), b]);
}

/** A nested message field. */
export function msg(field: number, ...fields: Buffer[]): Buffer {
  return bytes(field, Buffer.concat(fields));
}

/** A map entry {key=1, value=2}. */
export function entry(field: number, key: string, value: Buffer): Buffer {
  return msg(field, bytes(1, key), value);
}

export function fixed32(field: number): Buffer {
  return Buffer.concat([tag(field, 5), Buffer.alloc(4, 7)]);
}

export function fixed64(field: number): Buffer {
  return Buffer.concat([tag(field, 1), Buffer.alloc(8, 7)]);
}

const MAGIC = Buffer.from('k8s\0', 'latin1');

/** A full request body: magic + runtime.Unknown{typeMeta, raw}. */
export function envelope(apiVersion: string, kind: string, raw: Buffer, extra: Buffer[] = []): Buffer {
  return Buffer.concat([MAGIC, msg(1, bytes(1, apiVersion), bytes(2, kind)), bytes(2, raw), ...extra]);
}
