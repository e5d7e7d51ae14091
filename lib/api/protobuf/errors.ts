/**
 * Why a Kubernetes protobuf body could not be turned into JSON. The apiserver maps the reasons to
 * statuses: Malformed/InvalidValue → 400 BadRequest, UnsupportedKind/UnsupportedEncoding → 415.
 */
export type ProtobufDecodeReason =
  /** The bytes are not valid protobuf (truncated, bad varint, wrong wire type, bad magic, …). */
  | 'Malformed'
  /** Well-formed protobuf whose value Kubernetes would reject (bad quantity, IntOrString type, …). */
  | 'InvalidValue'
  /** The envelope names an apiVersion/kind we hold no schema for. */
  | 'UnsupportedKind'
  /** The envelope's contentEncoding (e.g. gzip) is not supported. */
  | 'UnsupportedEncoding';

export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';

  constructor(
    readonly reason: ProtobufDecodeReason,
    /** What went wrong, without the location. */
    readonly detail: string,
    /** JSON path of the field being decoded ('' for the envelope itself). */
    readonly path = '',
  ) {
    super(path === '' ? detail : `${path}: ${detail}`);
  }

  /** The same error, located under `path` (the innermost location wins). */
  at(path: string): ProtobufDecodeError {
    return this.path === '' ? new ProtobufDecodeError(this.reason, this.detail, path) : this;
  }
}

export function isProtobufDecodeError(e: unknown): e is ProtobufDecodeError {
  return e instanceof ProtobufDecodeError;
}
