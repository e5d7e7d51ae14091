import { ProtobufDecodeError } from './errors.js';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/#structure). */
export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** Largest field number protobuf allows (2^29 - 1). */
const MAX_FIELD_NUMBER = 0x1fffffff;
/** A varint never takes more than 10 bytes (64 bits, 7 per byte). */
const MAX_VARINT_BYTES = 10;

export interface Tag {
  field: number;
  wireType: WireType;
}

function malformed(detail: string): ProtobufDecodeError {
  return new ProtobufDecodeError('Malformed', detail);
}

/**
 * Reads protobuf wire format from a byte range. Every read checks the remaining length first, so
 * truncated or lying input ends in a ProtobufDecodeError, never an out-of-range read or a long loop:
 * each call consumes at least one byte or throws.
 */
export class WireReader {
  private pos: number;
  private readonly end: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Offset of the next byte, for error messages. */
  get offset(): number {
    return this.pos;
  }

  readVarint(): bigint {
    let result = 0n;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.end) throw malformed(`truncated varint at byte ${this.pos}`);
      const b = this.buf[this.pos++]!;
      // The 10th byte may only carry the 64th bit.
      if (i === MAX_VARINT_BYTES - 1 && b > 1) throw malformed(`varint overflows 64 bits at byte ${this.pos - 1}`);
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return result;
    }
    throw malformed(`varint longer than ${MAX_VARINT_BYTES} bytes at byte ${this.pos}`);
  }

  readTag(): Tag {
    const at = this.pos;
    const v = this.readVarint();
    const field = v >> 3n;
    const wireType = Number(v & 7n);
    if (field === 0n || field > BigInt(MAX_FIELD_NUMBER)) throw malformed(`illegal field number ${field} at byte ${at}`);
    if (wireType > WireType.Fixed32) throw malformed(`illegal wire type ${wireType} for field ${field} at byte ${at}`);
    return { field: Number(field), wireType: wireType as WireType };
  }

  /** A length-delimited payload, as a view into the input (no copy). */
  readLengthDelimited(): Uint8Array {
    const at = this.pos;
    const len = this.readVarint();
    const left = this.end - this.pos;
    if (len > BigInt(left)) throw malformed(`length ${len} at byte ${at} runs past the end (${left} bytes left)`);
    const n = Number(len);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  readFixed32(): Uint8Array {
    return this.take(4);
  }

  readFixed64(): Uint8Array {
    return this.take(8);
  }

  /** Skips one field's value. Groups (wire types 3/4) are long deprecated and never used by Kubernetes. */
  skip(tag: Tag): void {
    switch (tag.wireType) {
      case WireType.Varint:
        this.readVarint();
        return;
      case WireType.Fixed64:
        this.take(8);
        return;
      case WireType.LengthDelimited:
        this.readLengthDelimited();
        return;
      case WireType.Fixed32:
        this.take(4);
        return;
      default:
        throw malformed(`unsupported wire type ${tag.wireType} (group) for field ${tag.field}`);
    }
  }

  private take(n: number): Uint8Array {
    if (this.end - this.pos < n) throw malformed(`truncated ${n}-byte value at byte ${this.pos}`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Go's int32 decoding: the low 32 bits of the varint, two's complement. */
export function toInt32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

/** Go's int64 decoding; refuses values a JSON number would silently round. */
export function toInt64(v: bigint): number {
  const n = BigInt.asIntN(64, v);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtobufDecodeError('InvalidValue', `int64 value ${n} is outside the range this server can represent exactly`);
  }
  return Number(n);
}
