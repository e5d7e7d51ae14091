import { decodeMessage, type JsonObject } from './decode-message.js';
import { ProtobufDecodeError } from './errors.js';
import { messageForKind, PROTOBUF_SCHEMAS, supportedProtobufKinds } from './kinds.js';
import { WireReader, WireType, type Tag } from './wire.js';

/**
 * The Kubernetes protobuf envelope: the 4-byte magic "k8s\0", then a runtime.Unknown message
 * {typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4} whose raw bytes are
 * the object's own message (without TypeMeta, which only the envelope carries).
 */

export const KUBERNETES_PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

export interface DecodedProtobufObject {
  apiVersion: string;
  kind: string;
  /** The object as the JSON API would carry it, `apiVersion` and `kind` included. */
  object: JsonObject;
  /** Locations of field numbers our schema does not know, which were skipped (e.g. `spec#99`). */
  unknownFields: string[];
}

/** True for `application/vnd.kubernetes.protobuf` (parameters and case ignored). */
export function isKubernetesProtobufContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return contentType.split(';')[0]!.trim().toLowerCase() === KUBERNETES_PROTOBUF_CONTENT_TYPE;
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

function readString(r: WireReader, tag: Tag, what: string): string {
  if (tag.wireType !== WireType.LengthDelimited) {
    throw new ProtobufDecodeError('Malformed', `wrong wire type ${tag.wireType} for ${what}`);
  }
  return Buffer.from(r.readLengthDelimited()).toString('utf8');
}

function readTypeMeta(bytes: Uint8Array, env: Envelope): void {
  const r = new WireReader(bytes);
  while (!r.done) {
    const tag = r.readTag();
    if (tag.field === 1) env.apiVersion = readString(r, tag, 'typeMeta.apiVersion');
    else if (tag.field === 2) env.kind = readString(r, tag, 'typeMeta.kind');
    else r.skip(tag);
  }
}

function readEnvelope(body: Uint8Array): Envelope {
  if (body.length < MAGIC.length || !MAGIC.equals(body.subarray(0, MAGIC.length))) {
    throw new ProtobufDecodeError('Malformed', 'not a Kubernetes protobuf body: it does not start with the "k8s\\0" prefix');
  }
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '', contentType: '' };
  const r = new WireReader(body, MAGIC.length);
  while (!r.done) {
    const tag = r.readTag();
    switch (tag.field) {
      case 1:
        if (tag.wireType !== WireType.LengthDelimited) throw new ProtobufDecodeError('Malformed', `wrong wire type ${tag.wireType} for typeMeta`);
        readTypeMeta(r.readLengthDelimited(), env);
        break;
      case 2:
        if (tag.wireType !== WireType.LengthDelimited) throw new ProtobufDecodeError('Malformed', `wrong wire type ${tag.wireType} for raw`);
        env.raw = r.readLengthDelimited();
        break;
      case 3:
        env.contentEncoding = readString(r, tag, 'contentEncoding');
        break;
      case 4:
        env.contentType = readString(r, tag, 'contentType');
        break;
      default:
        r.skip(tag);
    }
  }
  return env;
}

/**
 * Decodes the object message `raw` of the given kind into its JSON form. Throws
 * ProtobufDecodeError (reason UnsupportedKind) for a kind we hold no schema for.
 */
export function decodeProtobufObject(apiVersion: string, kind: string, raw: Uint8Array): DecodedProtobufObject {
  const messageName = messageForKind(apiVersion, kind);
  if (messageName === undefined) {
    throw new ProtobufDecodeError(
      'UnsupportedKind',
      `protobuf decoding of ${apiVersion}/${kind} is not supported; send JSON instead ` +
        `(supported: ${supportedProtobufKinds().join(', ')})`,
    );
  }
  const unknownFields: string[] = [];
  const object: JsonObject = { kind, apiVersion };
  decodeMessage(raw, PROTOBUF_SCHEMAS.get(messageName), { registry: PROTOBUF_SCHEMAS, unknownFields }, '', 0, object);
  return { apiVersion, kind, object, unknownFields };
}

/**
 * Decodes a request body sent as `application/vnd.kubernetes.protobuf` (what kubectl's generator
 * commands send) into the object the JSON API would have received. Any malformed input ends in a
 * ProtobufDecodeError; the work is bounded by the body's length.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): DecodedProtobufObject {
  const env = readEnvelope(body);
  if (env.contentEncoding !== '') {
    throw new ProtobufDecodeError('UnsupportedEncoding', `content encoding ${JSON.stringify(env.contentEncoding)} is not supported`);
  }
  if (env.contentType !== '' && !isKubernetesProtobufContentType(env.contentType)) {
    throw new ProtobufDecodeError('UnsupportedEncoding', `embedded content type ${JSON.stringify(env.contentType)} is not protobuf`);
  }
  if (env.apiVersion === '' || env.kind === '') {
    throw new ProtobufDecodeError('Malformed', 'the envelope does not name the object\'s apiVersion and kind');
  }
  return decodeProtobufObject(env.apiVersion, env.kind, env.raw);
}
