// Validation of core/v1 Endpoints and discovery.k8s.io/v1 EndpointSlices. Addresses must be IPs
// (or, for FQDN slices, DNS names). Unlike Kubernetes we accept loopback addresses: on this
// loopback-only machine pods get 127.0.0.0/8 addresses.

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { isIP } from 'node:net';
import { isValidPortNum } from '../names.js';
import { dns1123Label, dns1123Subdomain, isObj, list, objList, obj, type Obj, optStr, str, validIP } from './common.js';
import { nameIsDNSSubdomain, validateObjectMeta } from './meta.js';
import { validateProtocol } from './pod.js';

export function validateEndpoints(ep: Obj): StatusCause[] {
  const causes = validateObjectMeta(ep['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  const path = new FieldPath('subsets');
  for (const [subset, i] of objList(ep, 'subsets')) {
    const p = path.index(i);
    const addresses = list(subset, 'addresses');
    const notReady = list(subset, 'notReadyAddresses');
    if (addresses.length === 0 && notReady.length === 0) {
      causes.push(fieldError.required(p.toString(), 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const key of ['addresses', 'notReadyAddresses']) {
      for (const [address, j] of objList(subset, key)) causes.push(...validateEndpointAddress(address, p.child(key).index(j)));
    }
    const ports = list(subset, 'ports');
    const names = new Set<string>();
    ports.forEach((raw, j) => {
      const port: Obj = isObj(raw) ? raw : {};
      const pp = p.child('ports').index(j);
      const name = str(port, 'name');
      if (ports.length > 1 && name === '') causes.push(fieldError.required(pp.child('name').toString()));
      if (name !== '') {
        causes.push(...dns1123Label(name, pp.child('name')));
        if (names.has(name)) causes.push(fieldError.duplicate(pp.child('name').toString(), name));
        names.add(name);
      }
      const port_ = typeof port['port'] === 'number' ? port['port'] : 0;
      for (const msg of isValidPortNum(port_)) causes.push(fieldError.invalid(pp.child('port').toString(), port_, msg));
      causes.push(...validateProtocol(str(port, 'protocol'), pp.child('protocol')));
    });
  }
  return causes;
}

function validateEndpointAddress(address: Obj, path: FieldPath): StatusCause[] {
  const causes = validIP(str(address, 'ip'), path.child('ip'));
  const hostname = str(address, 'hostname');
  if (hostname !== '') causes.push(...dns1123Label(hostname, path.child('hostname')));
  const nodeName = optStr(address, 'nodeName');
  if (nodeName) causes.push(...dns1123Subdomain(nodeName, path.child('nodeName')));
  return causes;
}

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;

export function validateEndpointSlice(slice: Obj): StatusCause[] {
  const causes = validateObjectMeta(slice['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  const addressType = str(slice, 'addressType');
  if (addressType === '') causes.push(fieldError.required('addressType'));
  else if (!ADDRESS_TYPES.includes(addressType)) causes.push(fieldError.notSupported('addressType', addressType, ADDRESS_TYPES));
  const endpoints = list(slice, 'endpoints');
  if (endpoints.length > MAX_ENDPOINTS) causes.push(fieldError.tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  endpoints.forEach((raw, i) => {
    const endpoint: Obj = isObj(raw) ? raw : {};
    const p = new FieldPath('endpoints').index(i);
    const addresses = list(endpoint, 'addresses');
    const addressesPath = p.child('addresses');
    if (addresses.length === 0) causes.push(fieldError.required(addressesPath.toString(), 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) causes.push(fieldError.tooMany(addressesPath.toString(), addresses.length, MAX_ADDRESSES));
    addresses.forEach((address, j) => {
      const a = typeof address === 'string' ? address : '';
      const ap = addressesPath.index(j);
      if (addressType === 'IPv4' && isIP(a) !== 4) causes.push(fieldError.invalid(ap.toString(), a, 'must be a valid IPv4 address'));
      if (addressType === 'IPv6' && isIP(a) !== 6) causes.push(fieldError.invalid(ap.toString(), a, 'must be a valid IPv6 address'));
      if (addressType === 'FQDN') causes.push(...dns1123Subdomain(a, ap));
    });
    const hostname = optStr(endpoint, 'hostname');
    if (hostname) causes.push(...dns1123Label(hostname, p.child('hostname')));
    const nodeName = optStr(endpoint, 'nodeName');
    if (nodeName) causes.push(...dns1123Subdomain(nodeName, p.child('nodeName')));
    const targetRef = obj(endpoint, 'targetRef');
    if (targetRef && str(targetRef, 'kind') === '') causes.push(fieldError.required(p.child('targetRef').child('kind').toString()));
  });
  const ports = list(slice, 'ports');
  if (ports.length > MAX_PORTS) causes.push(fieldError.tooMany('ports', ports.length, MAX_PORTS));
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const port: Obj = isObj(raw) ? raw : {};
    const p = new FieldPath('ports').index(i);
    const name = str(port, 'name');
    if (name !== '') causes.push(...dns1123Label(name, p.child('name')));
    if (names.has(name)) causes.push(fieldError.duplicate(p.child('name').toString(), name));
    names.add(name);
    const portNum = port['port'];
    if (typeof portNum === 'number') for (const msg of isValidPortNum(portNum)) causes.push(fieldError.invalid(p.child('port').toString(), portNum, msg));
    const protocol = optStr(port, 'protocol');
    if (protocol === undefined) causes.push(fieldError.required(p.child('protocol').toString()));
    else causes.push(...validateProtocol(protocol, p.child('protocol')));
  });
  return causes;
}
