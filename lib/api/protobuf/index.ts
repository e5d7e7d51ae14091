/** Decoding of Kubernetes protobuf request bodies (what kubectl's `create <generator>` sends). */
export {
  decodeKubernetesProtobuf,
  decodeProtobufObject,
  isKubernetesProtobufContentType,
  KUBERNETES_PROTOBUF_CONTENT_TYPE,
  type DecodedProtobufObject,
} from './envelope.js';
export { ProtobufDecodeError, isProtobufDecodeError, type ProtobufDecodeReason } from './errors.js';
export { supportedProtobufKinds } from './kinds.js';
