// Validation of networking.k8s.io/v1 Ingresses and NetworkPolicies
// (pkg/apis/networking/validation).

import { isIP } from 'node:net';
import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { validateLabelSelector, type LabelSelector } from '../labels.js';
import { isDNS1123Subdomain, isDNS1035Label, isValidPortName, isValidPortNum, regexError } from '../names.js';
import { has, isObj, list, num, obj, objList, type Obj, optStr, str } from './common.js';
import { nameIsDNSSubdomain, validateObjectMeta } from './meta.js';

const META_RULES = { namespaced: true, nameFn: nameIsDNSSubdomain };

// ---- Ingress ----

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
const WILDCARD_DNS1123_SUBDOMAIN = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!WILDCARD_DNS1123_SUBDOMAIN.test(value)) {
    errs.push(
      regexError(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
        '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*',
        '*.example.com',
      ),
    );
  }
  return errs;
}

function validateHost(host: string, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  if (isIP(host) !== 0) causes.push(fieldError.invalid(path.toString(), host, 'must be a DNS name, not an IP address'));
  const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  for (const msg of msgs) causes.push(fieldError.invalid(path.toString(), host, msg));
  return causes;
}

function validateIngressBackend(backend: Obj, path: FieldPath): StatusCause[] {
  const resource = obj(backend, 'resource');
  const service = obj(backend, 'service');
  if (resource && service) return [fieldError.invalid(path.toString(), '', 'cannot set both resource and service backends')];
  if (resource) {
    const causes: StatusCause[] = [];
    if (str(resource, 'kind') === '') causes.push(fieldError.required(path.child('resource').child('kind').toString()));
    if (str(resource, 'name') === '') causes.push(fieldError.required(path.child('resource').child('name').toString()));
    return causes;
  }
  if (!service) return [fieldError.invalid(path.toString(), '', 'resource or service backend is required')];
  const causes: StatusCause[] = [];
  const namePath = path.child('service').child('name');
  const name = str(service, 'name');
  if (name === '') causes.push(fieldError.required(namePath.toString()));
  else for (const msg of isDNS1035Label(name)) causes.push(fieldError.invalid(namePath.toString(), name, msg));
  const port = obj(service, 'port') ?? {};
  const portName = str(port, 'name');
  const portNumber = num(port, 'number') ?? 0;
  const portPath = path.child('service').child('port');
  if (portName !== '' && portNumber !== 0) causes.push(fieldError.invalid(path.toString(), '', 'cannot set both port name & port number'));
  else if (portName !== '') for (const msg of isValidPortName(portName)) causes.push(fieldError.invalid(portPath.child('name').toString(), portName, msg));
  else if (portNumber !== 0) for (const msg of isValidPortNum(portNumber)) causes.push(fieldError.invalid(portPath.child('number').toString(), portNumber, msg));
  else causes.push(fieldError.required(path.toString(), 'port name or number is required'));
  return causes;
}

function validateHTTPIngressPath(p: Obj, path: FieldPath): StatusCause[] {
  const pathType = optStr(p, 'pathType');
  if (pathType === undefined) return [fieldError.required(path.child('pathType').toString(), 'pathType must be specified')];
  const causes: StatusCause[] = [];
  const value = str(p, 'path');
  const pathField = path.child('path').toString();
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) causes.push(fieldError.invalid(pathField, value, 'must be an absolute path'));
    for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) causes.push(fieldError.invalid(pathField, value, `must not contain '${seq}'`));
    for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) causes.push(fieldError.invalid(pathField, value, `cannot end with '${suffix}'`));
  } else if (pathType === 'ImplementationSpecific') {
    if (value !== '' && !value.startsWith('/')) causes.push(fieldError.invalid(pathField, value, 'must be an absolute path'));
  } else {
    causes.push(fieldError.notSupported(path.child('pathType').toString(), pathType, PATH_TYPES));
  }
  causes.push(...validateIngressBackend(obj(p, 'backend') ?? {}, path.child('backend')));
  return causes;
}

export function validateIngress(ing: Obj): StatusCause[] {
  const causes = validateObjectMeta(ing['metadata'], META_RULES);
  const path = new FieldPath('spec');
  const spec = obj(ing, 'spec') ?? {};
  const rules = list(spec, 'rules');
  const defaultBackend = obj(spec, 'defaultBackend');
  if (rules.length === 0 && !defaultBackend) causes.push(fieldError.invalid(path.toString(), rules, 'either `defaultBackend` or `rules` must be specified'));
  if (defaultBackend) causes.push(...validateIngressBackend(defaultBackend, path.child('defaultBackend')));
  rules.forEach((raw, i) => {
    const rule: Obj = isObj(raw) ? raw : {};
    const p = path.child('rules').index(i);
    const host = str(rule, 'host');
    if (host !== '') causes.push(...validateHost(host, p.child('host')));
    const http = obj(rule, 'http');
    if (http) {
      const paths = list(http, 'paths');
      if (paths.length === 0) causes.push(fieldError.required(p.child('http').child('paths').toString()));
      paths.forEach((hp, j) => causes.push(...validateHTTPIngressPath(isObj(hp) ? hp : {}, p.child('http').child('paths').index(j))));
    }
  });
  for (const [tls, i] of objList(spec, 'tls')) {
    list(tls, 'hosts').forEach((h, j) => {
      if (typeof h === 'string') causes.push(...validateHost(h, path.child('tls').index(i).child('hosts').index(j)));
    });
  }
  const className = optStr(spec, 'ingressClassName');
  if (className !== undefined) {
    for (const msg of isDNS1123Subdomain(className)) causes.push(fieldError.invalid(path.child('ingressClassName').toString(), className, msg));
  }
  return causes;
}

// ---- NetworkPolicy ----

interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

function parseIP(ip: string): { family: 4 | 6; value: bigint } | undefined {
  const family = isIP(ip);
  if (family === 4) {
    return { family: 4, value: ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n) };
  }
  if (family === 6) {
    let text = ip;
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (v4) {
      const n = parseIP(v4[1]!)!.value;
      text = `${text.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
    }
    const [head, tail] = text.split('::') as [string, string | undefined];
    const headParts = head === '' ? [] : head.split(':');
    const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
    const fill = tail === undefined ? [] : new Array<string>(8 - headParts.length - tailParts.length).fill('0');
    return { family: 6, value: [...headParts, ...fill, ...tailParts].reduce((acc, h) => (acc << 16n) | BigInt(parseInt(h, 16)), 0n) };
  }
  return undefined;
}

function parseCIDR(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0 || !/^[0-9]+$/.test(text.slice(slash + 1))) return undefined;
  const ip = parseIP(text.slice(0, slash));
  const prefix = Number(text.slice(slash + 1));
  if (!ip || prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  const width = ip.family === 4 ? 32 : 128;
  const mask = ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
  return { family: ip.family, base: ip.value & mask, prefix };
}

function cidrContains(outer: Cidr, ip: bigint, family: 4 | 6): boolean {
  if (outer.family !== family) return false;
  const width = family === 4 ? 32 : 128;
  const mask = ((1n << BigInt(outer.prefix)) - 1n) << BigInt(width - outer.prefix);
  return (ip & mask) === outer.base;
}

function validateIPBlock(block: Obj, path: FieldPath): StatusCause[] {
  const cidrText = str(block, 'cidr');
  if (cidrText === '') return [fieldError.required(path.child('cidr').toString())];
  const cidr = parseCIDR(cidrText);
  if (!cidr) return [fieldError.invalid(path.child('cidr').toString(), cidrText, 'not a valid CIDR')];
  const causes: StatusCause[] = [];
  list(block, 'except').forEach((e, i) => {
    const exceptText = typeof e === 'string' ? e : '';
    const p = path.child('except').index(i);
    const except = parseCIDR(exceptText);
    if (!except) causes.push(fieldError.invalid(p.toString(), exceptText, 'not a valid CIDR'));
    else if (!cidrContains(cidr, except.base, except.family) || cidr.prefix >= except.prefix) {
      causes.push(fieldError.invalid(p.toString(), exceptText, 'must be a strict subset of `cidr`'));
    }
  });
  return causes;
}

function validatePeer(peer: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  let peers = 0;
  for (const key of ['podSelector', 'namespaceSelector']) {
    if (!has(peer, key)) continue;
    peers++;
    causes.push(...validateLabelSelector(obj(peer, key) as LabelSelector | undefined, path.child(key)));
  }
  const ipBlock = obj(peer, 'ipBlock');
  if (ipBlock) {
    peers++;
    causes.push(...validateIPBlock(ipBlock, path.child('ipBlock')));
  }
  if (peers === 0) causes.push(fieldError.required(path.toString(), 'must specify a peer'));
  else if (peers > 1 && ipBlock) causes.push(fieldError.forbidden(path.toString(), 'may not specify both ipBlock and another peer'));
  return causes;
}

function validatePolicyPort(port: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const protocol = optStr(port, 'protocol');
  if (protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(protocol)) {
    causes.push(fieldError.notSupported(path.child('protocol').toString(), protocol, ['TCP', 'UDP', 'SCTP']));
  }
  const value = port['port'];
  const endPort = num(port, 'endPort');
  if (typeof value === 'number') {
    for (const msg of isValidPortNum(value)) causes.push(fieldError.invalid(path.child('port').toString(), value, msg));
    if (endPort !== undefined) {
      if (endPort < value) causes.push(fieldError.invalid(path.child('endPort').toString(), value, 'must be greater than or equal to `port`'));
      for (const msg of isValidPortNum(endPort)) causes.push(fieldError.invalid(path.child('endPort').toString(), endPort, msg));
    }
  } else if (typeof value === 'string') {
    if (endPort !== undefined) causes.push(fieldError.invalid(path.child('endPort').toString(), endPort, 'may not be specified when `port` is non-numeric'));
    for (const msg of isValidPortName(value)) causes.push(fieldError.invalid(path.child('port').toString(), value, msg));
  } else if (endPort !== undefined) {
    causes.push(fieldError.invalid(path.child('endPort').toString(), endPort, 'may not be specified when `port` is not specified'));
  }
  return causes;
}

export function validateNetworkPolicy(np: Obj): StatusCause[] {
  const causes = validateObjectMeta(np['metadata'], META_RULES);
  const path = new FieldPath('spec');
  const spec = obj(np, 'spec') ?? {};
  causes.push(...validateLabelSelector((obj(spec, 'podSelector') ?? {}) as LabelSelector, path.child('podSelector')));
  for (const [direction, peersKey] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    for (const [rule, i] of objList(spec, direction)) {
      const p = path.child(direction).index(i);
      list(rule, 'ports').forEach((port, j) => causes.push(...validatePolicyPort(isObj(port) ? port : {}, p.child('ports').index(j))));
      list(rule, peersKey).forEach((peer, j) => causes.push(...validatePeer(isObj(peer) ? peer : {}, p.child(peersKey).index(j))));
    }
  }
  const types = list(spec, 'policyTypes');
  if (types.length > 2) {
    causes.push(fieldError.invalid(path.child('policyTypes').toString(), types, 'may not specify more than two policyTypes'));
    return causes;
  }
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') causes.push(fieldError.notSupported(path.child('policyTypes').index(i).toString(), t, ['Ingress', 'Egress']));
  });
  return causes;
}
