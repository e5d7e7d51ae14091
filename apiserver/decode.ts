// Request bodies: JSON or YAML, one object, checked against the URL it was sent to. Every problem
// is a 4xx Status a person can act on.
import { parse as parseYaml } from 'yaml';
import { status } from '../lib/api/status.js';
import { apiVersionOf, type ResourceInfo } from '../lib/api/registry.js';
import type { KubeObject } from '../lib/api/types.js';
import { ApiError } from '../lib/api/errors.js';
import { jsonDepth } from '../lib/api/patch/json-value.js';
import { decodeKubernetesProtobuf, ProtobufDecodeError, supportedProtobufKinds } from '../lib/api/protobuf/index.js';

function decodeProtobufBody(raw: string | Buffer | undefined): unknown {
  if (!Buffer.isBuffer(raw) || raw.length === 0) throw new ApiError(status.badRequest('the request body is empty; an object is required'));
  try {
    return decodeKubernetesProtobuf(raw).object;
  } catch (err) {
    if (err instanceof ProtobufDecodeError) {
      if (err.reason === 'UnsupportedKind' || err.reason === 'UnsupportedEncoding') {
        const kinds = supportedProtobufKinds().join(', ');
        throw new ApiError(
          status.unsupportedMediaType(
            PROTOBUF,
            `${err.message}; protobuf bodies are decoded for ${kinds} — send JSON or YAML for anything else (kubectl create … --dry-run=client -o yaml | kubectl apply -f -)`,
          ),
        );
      }
      throw new ApiError(status.badRequest(`the protobuf request body could not be decoded: ${err.message}`));
    }
    throw err;
  }
}

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/**
 * Parses a body by its Content-Type into a plain value: JSON, YAML for yaml types, or the
 * Kubernetes protobuf envelope that kubectl's generator commands (`kubectl create namespace …`) send.
 */
export function parseBody(raw: string | Buffer | undefined, contentType: string | undefined): unknown {
  const value = parseBodyValue(raw, contentType);
  // Later stages (defaulting, validation, storage) walk objects recursively; no Kubernetes object
  // comes near this depth, so refuse hostile nesting here with a 400 instead of a stack overflow.
  let depth: number;
  try {
    depth = jsonDepth(value, MAX_BODY_DEPTH);
  } catch (err) {
    // e.g. 1e400, which parses to Infinity: not a number the API can store.
    throw new ApiError(status.badRequest(`the request body holds a value JSON cannot represent: ${(err as Error).message}`));
  }
  if (depth > MAX_BODY_DEPTH) throw new ApiError(status.badRequest(`the request body nests deeper than ${MAX_BODY_DEPTH} levels`));
  return value;
}

const MAX_BODY_DEPTH = 200;

function parseBodyValue(raw: string | Buffer | undefined, contentType: string | undefined): unknown {
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (type === PROTOBUF) return decodeProtobufBody(raw);
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : (raw ?? '');
  if (text.trim() === '') throw new ApiError(status.badRequest('the request body is empty; an object is required'));
  const yamlish = type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'text/yaml';
  const jsonish = type === 'application/json' || type.endsWith('+json') || type === '';
  if (!yamlish && !jsonish) throw new ApiError(status.unsupportedMediaType(type));
  if (jsonish) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ApiError(status.badRequest(`the request body is not valid JSON: ${(err as Error).message}`));
    }
  }
  try {
    return parseYaml(text, { maxAliasCount: 100, prettyErrors: true });
  } catch (err) {
    const e = err as Error & { linePos?: { line: number }[] };
    const line = e.linePos?.[0]?.line;
    throw new ApiError(status.badRequest(`the request body is not valid YAML${line ? ` (line ${line})` : ''}: ${e.message.split('\n')[0]}`));
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a decoded object against the resource and namespace of the URL: kind and apiVersion
 * (filled in when absent), metadata.namespace (filled in, or must match), and — when the URL
 * names an object — metadata.name.
 */
export function checkObjectForUrl(body: unknown, res: ResourceInfo, namespace: string | undefined, urlName: string | undefined, kind = res.kind, apiVersion = apiVersionOf(res)): KubeObject {
  if (!isObject(body)) throw new ApiError(status.badRequest(`the request body must be a JSON or YAML object, not ${Array.isArray(body) ? 'a list' : typeof body}`));
  const obj = body as unknown as KubeObject;
  if (obj.kind === undefined || obj.kind === '') obj.kind = kind;
  if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = apiVersion;
  if (obj.kind !== kind) {
    throw new ApiError(status.badRequest(`the body of the request was of kind ${JSON.stringify(obj.kind)}, but the URL expects ${kind} (${apiVersion})`));
  }
  if (obj.apiVersion !== apiVersion) {
    throw new ApiError(status.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion})`));
  }
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (!isObject(obj.metadata)) throw new ApiError(status.badRequest('metadata must be an object'));
  const meta = obj.metadata as Record<string, unknown>;
  if (res.namespaced) {
    if (meta['namespace'] === undefined || meta['namespace'] === '') meta['namespace'] = namespace;
    else if (namespace !== undefined && meta['namespace'] !== namespace) {
      throw new ApiError(status.badRequest('the namespace of the provided object does not match the namespace sent on the request'));
    }
  } else if (meta['namespace'] !== undefined && meta['namespace'] !== '') {
    // Cluster-scoped objects have no namespace; real Kubernetes clears it.
    delete meta['namespace'];
  }
  if (urlName !== undefined) {
    if (meta['name'] === undefined || meta['name'] === '') meta['name'] = urlName;
    else if (meta['name'] !== urlName) {
      throw new ApiError(status.badRequest(`the name of the object (${String(meta['name'])}) does not match the name on the URL (${urlName})`));
    }
  }
  return obj;
}

/** Deep copy of JSON data. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** kubernetes-types declares metadata read-only; the apiserver is the one place that writes it. */
export function mutableMeta(obj: KubeObject): Mutable<KubeObject['metadata']> {
  if (!obj.metadata) obj.metadata = {};
  return obj.metadata as Mutable<KubeObject['metadata']>;
}
