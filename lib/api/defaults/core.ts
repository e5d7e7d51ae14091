// Defaults of the smaller core/v1 kinds: Namespace, Node, Secret, Endpoints, LimitRange and
// ReplicationController (pkg/apis/core/v1/defaults.go).

import { defaultPodTemplate } from './pod.js';
import { child, clone, defaultIfEmpty, defaultIfUnset, ensureChild, isEmptyMap, objects, type Obj } from './util.js';

/**
 * SetDefaults_Namespace + SetDefaults_NamespaceStatus: the immutable
 * `kubernetes.io/metadata.name` label and status.phase Active.
 */
export function defaultNamespace(ns: Obj): void {
  const metadata = child(ns, 'metadata');
  const name = metadata?.['name'];
  if (metadata && typeof name === 'string' && name.length > 0) {
    const labels = ensureChild(metadata, 'labels');
    if (labels) labels['kubernetes.io/metadata.name'] = name;
  }
  const status = ensureChild(ns, 'status');
  if (status) defaultIfEmpty(status, 'phase', 'Active');
}

/** SetDefaults_NodeStatus: allocatable defaults to capacity. */
export function defaultNode(node: Obj): void {
  const status = child(node, 'status');
  const capacity = child(status, 'capacity');
  if (status && capacity) defaultIfUnset(status, 'allocatable', clone(capacity));
}

/** SetDefaults_Secret: type Opaque. */
export function defaultSecret(secret: Obj): void {
  defaultIfEmpty(secret, 'type', 'Opaque');
}

/** SetDefaults_EndpointPort: protocol TCP. */
export function defaultEndpoints(ep: Obj): void {
  for (const subset of objects(ep, 'subsets')) {
    for (const port of objects(subset, 'ports')) defaultIfEmpty(port, 'protocol', 'TCP');
  }
}

/**
 * SetDefaults_LimitRangeItem, for Container items: default (limit) from max, defaultRequest
 * from default, then defaultRequest from min.
 */
export function defaultLimitRange(lr: Obj): void {
  for (const item of objects(child(lr, 'spec'), 'limits')) {
    if (item['type'] !== 'Container') continue;
    const defaults = ensureChild(item, 'default');
    const defaultRequest = ensureChild(item, 'defaultRequest');
    if (!defaults || !defaultRequest) continue;
    copyMissing(child(item, 'max'), defaults);
    copyMissing(defaults, defaultRequest);
    copyMissing(child(item, 'min'), defaultRequest);
  }
}

function copyMissing(from: Obj | undefined, to: Obj): void {
  for (const [k, v] of Object.entries(from ?? {})) if (!(k in to)) to[k] = v;
}

/**
 * SetDefaults_ReplicationController: selector and labels default to the template's labels,
 * replicas to 1, and the template gets pod defaults.
 */
export function defaultReplicationController(rc: Obj): void {
  const spec = child(rc, 'spec');
  if (!spec) return;
  const template = child(spec, 'template');
  const templateLabels = child(child(template, 'metadata'), 'labels');
  if (templateLabels) {
    if (isEmptyMap(spec, 'selector')) spec['selector'] = clone(templateLabels);
    const metadata = ensureChild(rc, 'metadata');
    if (metadata && isEmptyMap(metadata, 'labels')) metadata['labels'] = clone(templateLabels);
  }
  defaultIfUnset(spec, 'replicas', 1);
  defaultPodTemplate(template);
}
