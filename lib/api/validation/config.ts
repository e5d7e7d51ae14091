// Validation of ConfigMaps and Secrets: data keys, total size (1 MiB, what fits an etcd value),
// and the keys each Secret type requires.

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { isConfigMapKey } from '../names.js';
import { obj, type Obj, str } from './common.js';
import { nameIsDNSSubdomain, validateObjectMeta } from './meta.js';

/** core.MaxSecretSize: the most a ConfigMap's or Secret's data may hold. */
export const MAX_DATA_SIZE = 1024 * 1024;

function dataKeys(data: Obj | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const key of Object.keys(data ?? {})) {
    for (const msg of isConfigMapKey(key)) causes.push(fieldError.invalid(path.key(key).toString(), key, msg));
  }
  return causes;
}

function byteSize(value: unknown): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0;
}

export function validateConfigMap(cm: Obj): StatusCause[] {
  const causes = validateObjectMeta(cm['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  const data = obj(cm, 'data');
  const binaryData = obj(cm, 'binaryData');
  causes.push(...dataKeys(data, new FieldPath('data')));
  causes.push(...dataKeys(binaryData, new FieldPath('binaryData')));
  let total = 0;
  for (const [key, value] of Object.entries(data ?? {})) {
    if (binaryData && key in binaryData) causes.push(fieldError.invalid(new FieldPath('data').key(key).toString(), key, 'duplicate of key present in binaryData'));
    total += byteSize(value);
  }
  for (const [key, value] of Object.entries(binaryData ?? {})) {
    if (data && key in data) causes.push(fieldError.invalid(new FieldPath('binaryData').key(key).toString(), key, 'duplicate of key present in data'));
    total += base64DecodedSize(value);
  }
  if (total > MAX_DATA_SIZE) causes.push(fieldError.tooLong('', '', MAX_DATA_SIZE));
  return causes;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function base64DecodedSize(value: unknown): number {
  return typeof value === 'string' ? Buffer.from(value, 'base64').length : 0;
}

/** Keys a typed Secret must carry in data. */
const REQUIRED_KEYS: Readonly<Record<string, readonly string[]>> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

export function validateSecret(secret: Obj): StatusCause[] {
  const causes = validateObjectMeta(secret['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  const dataPath = new FieldPath('data');
  const data = obj(secret, 'data') ?? {};
  causes.push(...dataKeys(data, dataPath));
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    // In JSON, Secret data are base64; the real apiserver fails decoding anything else.
    if (typeof value === 'string' && !BASE64.test(value)) {
      causes.push(fieldError.invalid(dataPath.key(key).toString(), '<redacted>', 'illegal base64 data: must be base64-encoded'));
    }
    total += base64DecodedSize(value);
  }
  const stringData = obj(secret, 'stringData') ?? {};
  causes.push(...dataKeys(stringData, new FieldPath('stringData')));
  for (const value of Object.values(stringData)) total += byteSize(value);
  if (total > MAX_DATA_SIZE) causes.push(fieldError.tooLong('data', '', MAX_DATA_SIZE));
  const type = str(secret, 'type');
  const present = (key: string) => key in data || key in stringData;
  if (type === 'kubernetes.io/service-account-token') {
    const annotations = obj(obj(secret, 'metadata'), 'annotations');
    if (!annotations || str(annotations, 'kubernetes.io/service-account.name') === '') {
      causes.push(fieldError.required(new FieldPath('metadata').child('annotations').key('kubernetes.io/service-account.name').toString()));
    }
  } else if (type === 'kubernetes.io/basic-auth') {
    if (!present('username') && !present('password')) {
      causes.push(fieldError.required(dataPath.key('username').toString()));
      causes.push(fieldError.required(dataPath.key('password').toString()));
    }
  } else {
    for (const key of REQUIRED_KEYS[type] ?? []) if (!present(key)) causes.push(fieldError.required(dataPath.key(key).toString()));
  }
  if (type === 'kubernetes.io/dockerconfigjson' && present('.dockerconfigjson') && typeof data['.dockerconfigjson'] === 'string') {
    try {
      JSON.parse(Buffer.from(data['.dockerconfigjson'], 'base64').toString('utf8'));
    } catch (err) {
      causes.push(fieldError.invalid(dataPath.key('.dockerconfigjson').toString(), '<secret contents redacted>', err instanceof Error ? err.message : String(err)));
    }
  }
  return causes;
}
