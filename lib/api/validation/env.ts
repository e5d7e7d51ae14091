// Container environment validation: env var names, valueFrom sources (downward API field paths,
// ConfigMap/Secret key references) and envFrom.

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { isConfigMapKey, isEnvVarName, isQualifiedName } from '../names.js';
import { dns1123Subdomain, isObj, obj, type Obj, str } from './common.js';

const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];

export function validateEnv(env: unknown[], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  env.forEach((raw, i) => {
    const ev: Obj = isObj(raw) ? raw : {};
    const p = path.index(i);
    const name = str(ev, 'name');
    if (name === '') causes.push(fieldError.required(p.child('name').toString()));
    else for (const msg of isEnvVarName(name)) causes.push(fieldError.invalid(p.child('name').toString(), name, msg));
    const valueFrom = obj(ev, 'valueFrom');
    if (valueFrom) causes.push(...validateEnvVarValueFrom(valueFrom, str(ev, 'value'), p.child('valueFrom')));
  });
  return causes;
}

function validateEnvVarValueFrom(from: Obj, value: string, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  let sources = 0;
  const fieldRef = obj(from, 'fieldRef');
  if (fieldRef) {
    sources++;
    causes.push(...validateObjectFieldSelector(fieldRef, ENV_FIELD_PATHS, path.child('fieldRef')));
  }
  const resourceFieldRef = obj(from, 'resourceFieldRef');
  if (resourceFieldRef) {
    sources++;
    if (str(resourceFieldRef, 'resource') === '') causes.push(fieldError.required(path.child('resourceFieldRef').child('resource').toString()));
  }
  for (const key of ['configMapKeyRef', 'secretKeyRef']) {
    const ref = obj(from, key);
    if (!ref) continue;
    sources++;
    const p = path.child(key);
    const k = str(ref, 'key');
    if (k === '') causes.push(fieldError.required(p.child('key').toString()));
    else for (const msg of isConfigMapKey(k)) causes.push(fieldError.invalid(p.child('key').toString(), k, msg));
    const name = str(ref, 'name');
    if (name === '') causes.push(fieldError.required(p.child('name').toString()));
    else causes.push(...dns1123Subdomain(name, p.child('name')));
  }
  if (sources === 0) {
    causes.push(fieldError.invalid(path.toString(), '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (value !== '') {
    causes.push(fieldError.invalid(path.toString(), '', 'may not be specified when `value` is not empty'));
  } else if (sources > 1) {
    causes.push(fieldError.invalid(path.toString(), '', 'may not have more than one field specified at a time'));
  }
  return causes;
}

const SUBSCRIPTED_FIELD = /^metadata\.(labels|annotations)\['(.+)'\]$/;

export function validateObjectFieldSelector(ref: Obj, allowed: readonly string[], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const fieldPath = str(ref, 'fieldPath');
  if (str(ref, 'apiVersion') === '') {
    causes.push(fieldError.required(path.child('apiVersion').toString()));
    return causes;
  }
  if (fieldPath === '') {
    causes.push(fieldError.required(path.child('fieldPath').toString()));
    return causes;
  }
  const sub = SUBSCRIPTED_FIELD.exec(fieldPath);
  if (sub) {
    const key = sub[2]!;
    const msgs = sub[1] === 'labels' ? isQualifiedName(key) : isQualifiedName(key.toLowerCase());
    for (const msg of msgs) causes.push(fieldError.invalid(path.child('fieldPath').toString(), fieldPath, `invalid key: ${msg}`));
  } else if (!allowed.includes(fieldPath)) {
    causes.push(fieldError.notSupported(path.child('fieldPath').toString(), fieldPath, allowed));
  }
  return causes;
}

export function validateEnvFrom(sources: unknown[], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  sources.forEach((raw, i) => {
    const ev: Obj = isObj(raw) ? raw : {};
    const p = path.index(i);
    const prefix = str(ev, 'prefix');
    if (prefix !== '') for (const msg of isEnvVarName(prefix)) causes.push(fieldError.invalid(p.child('prefix').toString(), prefix, msg));
    let count = 0;
    for (const key of ['configMapRef', 'secretRef']) {
      const ref = obj(ev, key);
      if (!ref) continue;
      count++;
      const name = str(ref, 'name');
      if (name === '') causes.push(fieldError.required(p.child(key).child('name').toString()));
      else causes.push(...dns1123Subdomain(name, p.child(key).child('name')));
    }
    if (count === 0) causes.push(fieldError.invalid(p.toString(), '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (count > 1) causes.push(fieldError.invalid(p.toString(), '', 'may not have more than one field specified at a time'));
  });
  return causes;
}

