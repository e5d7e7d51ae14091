// Pod-level scheduling, security and DNS settings: security contexts, tolerations, node and pod
// affinity, topology spread constraints and dnsConfig.

import { isIP } from 'node:net';
import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { validateLabelSelector, type LabelSelector } from '../labels.js';
import { isValidLabelValue, validateLabelName } from '../names.js';
import { dns1123Label, dns1123Subdomain, has, IS_NOT_POSITIVE_ERROR, isObj, list, MAX_INT32, num, obj, objList, type Obj, str } from './common.js';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function idRange(value: number | undefined, path: FieldPath): StatusCause[] {
  if (value === undefined || (value >= 0 && value <= MAX_INT32)) return [];
  return [fieldError.invalid(path.toString(), value, `must be between 0 and ${MAX_INT32}, inclusive`)];
}

export function validatePodSecurityContext(sc: Obj | undefined, path: FieldPath): StatusCause[] {
  if (!sc) return [];
  const causes: StatusCause[] = [];
  for (const key of ['runAsUser', 'runAsGroup', 'fsGroup']) causes.push(...idRange(num(sc, key), path.child(key)));
  list(sc, 'supplementalGroups').forEach((g, i) => {
    if (typeof g === 'number') causes.push(...idRange(g, path.child('supplementalGroups').index(i)));
  });
  return causes;
}

export function validateSecurityContext(sc: Obj | undefined, path: FieldPath): StatusCause[] {
  if (!sc) return [];
  const causes: StatusCause[] = [];
  for (const key of ['runAsUser', 'runAsGroup']) causes.push(...idRange(num(sc, key), path.child(key)));
  if (sc['privileged'] === true && sc['allowPrivilegeEscalation'] === false) {
    causes.push(fieldError.invalid(path.toString(), sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  return causes;
}

/** ValidateTolerations. */
export function validateTolerations(tolerations: unknown[], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  tolerations.forEach((raw, i) => {
    const t: Obj = isObj(raw) ? raw : {};
    const p = path.index(i);
    const key = str(t, 'key');
    const operator = str(t, 'operator');
    const effect = str(t, 'effect');
    if (key !== '') causes.push(...validateLabelName(key, p.child('key')));
    if (key === '' && operator !== 'Exists') {
      causes.push(fieldError.invalid(p.child('operator').toString(), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (has(t, 'tolerationSeconds') && effect !== 'NoExecute') {
      causes.push(fieldError.invalid(p.child('effect').toString(), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    const value = str(t, 'value');
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) causes.push(fieldError.invalid(p.child('operator').toString(), value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value !== '') causes.push(fieldError.invalid(p.child('operator').toString(), t, "value must be empty when `operator` is 'Exists'"));
    } else {
      causes.push(fieldError.notSupported(p.child('operator').toString(), operator, ['Equal', 'Exists']));
    }
    if (effect !== '' && !TAINT_EFFECTS.includes(effect)) causes.push(fieldError.notSupported(p.child('effect').toString(), effect, TAINT_EFFECTS));
  });
  return causes;
}

function validateNodeSelectorRequirements(reqs: unknown[], path: FieldPath, keysAreLabels: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  reqs.forEach((raw, i) => {
    const r: Obj = isObj(raw) ? raw : {};
    const p = path.index(i);
    const operator = str(r, 'operator');
    const values = list(r, 'values');
    switch (operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) causes.push(fieldError.required(p.child('values').toString(), 'must be specified when `operator` is \'In\' or \'NotIn\''));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) causes.push(fieldError.forbidden(p.child('values').toString(), 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
        break;
      case 'Gt':
      case 'Lt':
        if (values.length !== 1) causes.push(fieldError.required(p.child('values').toString(), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
        break;
      default:
        causes.push(fieldError.invalid(p.child('operator').toString(), operator, 'not a valid selector operator'));
    }
    if (keysAreLabels) causes.push(...validateLabelName(str(r, 'key'), p.child('key')));
  });
  return causes;
}

function validateNodeSelectorTerm(term: Obj, path: FieldPath): StatusCause[] {
  return [
    ...validateNodeSelectorRequirements(list(term, 'matchExpressions'), path.child('matchExpressions'), true),
    ...validateNodeSelectorRequirements(list(term, 'matchFields'), path.child('matchFields'), false),
  ];
}

export function validateAffinity(affinity: Obj | undefined, path: FieldPath): StatusCause[] {
  if (!affinity) return [];
  const causes: StatusCause[] = [];
  const node = obj(affinity, 'nodeAffinity');
  const required = obj(node, 'requiredDuringSchedulingIgnoredDuringExecution');
  const nodePath = path.child('nodeAffinity');
  if (required) {
    const termsPath = nodePath.child('requiredDuringSchedulingIgnoredDuringExecution').child('nodeSelectorTerms');
    const terms = list(required, 'nodeSelectorTerms');
    if (terms.length === 0) causes.push(fieldError.required(termsPath.toString(), 'must have at least one node selector term'));
    terms.forEach((t, i) => causes.push(...validateNodeSelectorTerm(isObj(t) ? t : {}, termsPath.index(i))));
  }
  for (const [pref, i] of objList(node, 'preferredDuringSchedulingIgnoredDuringExecution')) {
    const p = nodePath.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
    causes.push(...weight(pref, p));
    causes.push(...validateNodeSelectorTerm(obj(pref, 'preference') ?? {}, p.child('preference')));
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = obj(affinity, kind);
    const p = path.child(kind);
    for (const [term, i] of objList(a, 'requiredDuringSchedulingIgnoredDuringExecution')) {
      causes.push(...validatePodAffinityTerm(term, p.child('requiredDuringSchedulingIgnoredDuringExecution').index(i)));
    }
    for (const [w, i] of objList(a, 'preferredDuringSchedulingIgnoredDuringExecution')) {
      const wp = p.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      causes.push(...weight(w, wp));
      causes.push(...validatePodAffinityTerm(obj(w, 'podAffinityTerm') ?? {}, wp.child('podAffinityTerm')));
    }
  }
  return causes;
}

function weight(o: Obj, path: FieldPath): StatusCause[] {
  const w = num(o, 'weight') ?? 0;
  if (w >= 1 && w <= 100) return [];
  return [fieldError.invalid(path.child('weight').toString(), w, 'must be in the range 1-100')];
}

function validatePodAffinityTerm(term: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  causes.push(...validateLabelSelector(obj(term, 'labelSelector') as LabelSelector | undefined, path.child('labelSelector')));
  causes.push(...validateLabelSelector(obj(term, 'namespaceSelector') as LabelSelector | undefined, path.child('namespaceSelector')));
  list(term, 'namespaces').forEach((ns, i) => {
    if (typeof ns === 'string') causes.push(...dns1123Label(ns, path.child('namespaces').index(i)));
  });
  const topologyKey = str(term, 'topologyKey');
  if (topologyKey === '') causes.push(fieldError.required(path.child('topologyKey').toString(), 'can not be empty'));
  else causes.push(...validateLabelName(topologyKey, path.child('topologyKey')));
  return causes;
}

export function validateTopologySpread(spec: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  for (const [c, i] of objList(spec, 'topologySpreadConstraints')) {
    const p = path.index(i);
    const maxSkew = num(c, 'maxSkew') ?? 0;
    if (maxSkew <= 0) causes.push(fieldError.invalid(p.child('maxSkew').toString(), maxSkew, IS_NOT_POSITIVE_ERROR));
    const key = str(c, 'topologyKey');
    if (key === '') causes.push(fieldError.required(p.child('topologyKey').toString(), 'can not be empty'));
    else causes.push(...validateLabelName(key, p.child('topologyKey')));
    const when = str(c, 'whenUnsatisfiable');
    const valid = ['DoNotSchedule', 'ScheduleAnyway'];
    if (!valid.includes(when)) causes.push(fieldError.notSupported(p.child('whenUnsatisfiable').toString(), when, valid));
    const pair = `${key}/${when}`;
    if (seen.has(pair)) causes.push(fieldError.duplicate(p.toString(), `{${key}, ${when}}`));
    seen.add(pair);
    const minDomains = num(c, 'minDomains');
    if (minDomains !== undefined && minDomains <= 0) {
      causes.push(fieldError.invalid(p.child('minDomains').toString(), minDomains, IS_NOT_POSITIVE_ERROR));
    }
    causes.push(...validateLabelSelector(obj(c, 'labelSelector') as LabelSelector | undefined, p.child('labelSelector')));
  }
  return causes;
}


export function validateDNSConfig(spec: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const config = obj(spec, 'dnsConfig');
  const nameservers = list(config, 'nameservers');
  if (str(spec, 'dnsPolicy') === 'None' && nameservers.length === 0) {
    causes.push(fieldError.required(path.child('nameservers').toString(), 'must provide at least one DNS nameserver when DNSPolicy is None'));
  }
  if (!config) return causes;
  if (nameservers.length > 3) causes.push(fieldError.invalid(path.child('nameservers').toString(), nameservers, 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => {
    if (typeof ns === 'string' && isIP(ns) === 0) {
      causes.push(fieldError.invalid(path.child('nameservers').index(i).toString(), ns, 'must be valid IP address'));
    }
  });
  const searches = list(config, 'searches');
  if (searches.length > 32) causes.push(fieldError.invalid(path.child('searches').toString(), searches, 'must not have more than 32 search paths'));
  searches.forEach((s, i) => {
    if (typeof s === 'string') causes.push(...dns1123Subdomain(s.replace(/\.$/, ''), path.child('searches').index(i)));
  });
  for (const [option, i] of objList(config, 'options')) {
    if (str(option, 'name') === '') causes.push(fieldError.required(path.child('options').index(i).toString(), 'Option.Name must not be empty'));
  }
  return causes;
}

