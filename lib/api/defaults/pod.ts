// Defaults of core/v1 PodSpec and everything inside it (containers, ports, probes, volumes), as in
// Kubernetes' pkg/apis/core/v1/defaults.go. Used by Pods and by every pod template (Deployment,
// ReplicaSet, DaemonSet, StatefulSet, Job, CronJob, ReplicationController).
//
// Pods get a little more than templates, as in Kubernetes (SetDefaults_Pod): enableServiceLinks,
// requests copied from limits, and hostPort = containerPort under hostNetwork.

import { child, defaultIfEmpty, defaultIfUnset, ensureChild, objects, type Obj } from './util.js';
import { defaultPersistentVolumeClaimSpec } from './storage.js';

/** Default file mode (0644) of configMap, secret, downwardAPI and projected volumes. */
export const DEFAULT_VOLUME_MODE = 0o644;

/** SetDefaults_Pod + the PodSpec defaults. */
export function defaultPod(pod: Obj): void {
  const spec = child(pod, 'spec');
  if (!spec) return;
  defaultPodSpec(spec);
  defaultIfUnset(spec, 'enableServiceLinks', true);
  for (const c of [...objects(spec, 'containers'), ...objects(spec, 'initContainers')]) {
    requestsFromLimits(c);
  }
  if (spec['hostNetwork'] === true) {
    for (const c of [...objects(spec, 'containers'), ...objects(spec, 'initContainers')]) {
      for (const port of objects(c, 'ports')) {
        if (port['hostPort'] === undefined || port['hostPort'] === null || port['hostPort'] === 0) {
          port['hostPort'] = port['containerPort'];
        }
      }
    }
  }
}

/** Defaults of a PodTemplateSpec (metadata untouched, spec defaulted as a PodSpec). */
export function defaultPodTemplate(template: Obj | undefined): void {
  const spec = child(template, 'spec');
  if (spec) defaultPodSpec(spec);
}

/** SetDefaults_PodSpec and the defaults of its containers and volumes. */
export function defaultPodSpec(spec: Obj): void {
  defaultIfEmpty(spec, 'dnsPolicy', 'ClusterFirst');
  defaultIfEmpty(spec, 'restartPolicy', 'Always');
  defaultIfUnset(spec, 'securityContext', {});
  defaultIfUnset(spec, 'terminationGracePeriodSeconds', 30);
  defaultIfEmpty(spec, 'schedulerName', 'default-scheduler');
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of objects(spec, key)) defaultContainer(c);
  }
  for (const v of objects(spec, 'volumes')) defaultVolume(v);
}

/** SetDefaults_Container plus its ports, probes, lifecycle handlers and env field refs. */
export function defaultContainer(c: Obj): void {
  if (c['imagePullPolicy'] === undefined || c['imagePullPolicy'] === null || c['imagePullPolicy'] === '') {
    c['imagePullPolicy'] = defaultPullPolicy(typeof c['image'] === 'string' ? c['image'] : '');
  }
  defaultIfEmpty(c, 'terminationMessagePath', '/dev/termination-log');
  defaultIfEmpty(c, 'terminationMessagePolicy', 'File');
  // Not a default in Go but what the API always returns: resources is a struct, never omitted.
  defaultIfUnset(c, 'resources', {});
  for (const port of objects(c, 'ports')) defaultIfEmpty(port, 'protocol', 'TCP');
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = child(c, key);
    if (probe) defaultProbe(probe);
  }
  const lifecycle = child(c, 'lifecycle');
  for (const key of ['postStart', 'preStop']) {
    const httpGet = child(child(lifecycle, key), 'httpGet');
    if (httpGet) defaultHttpGet(httpGet);
  }
  for (const env of objects(c, 'env')) {
    const fieldRef = child(child(env, 'valueFrom'), 'fieldRef');
    if (fieldRef) defaultIfEmpty(fieldRef, 'apiVersion', 'v1');
  }
}

/** SetDefaults_Probe (+ its httpGet action). Zero counts as unset, as in Go. */
export function defaultProbe(probe: Obj): void {
  defaultIfEmpty(probe, 'timeoutSeconds', 1);
  defaultIfEmpty(probe, 'periodSeconds', 10);
  defaultIfEmpty(probe, 'successThreshold', 1);
  defaultIfEmpty(probe, 'failureThreshold', 3);
  const httpGet = child(probe, 'httpGet');
  if (httpGet) defaultHttpGet(httpGet);
}

function defaultHttpGet(httpGet: Obj): void {
  defaultIfEmpty(httpGet, 'path', '/');
  defaultIfEmpty(httpGet, 'scheme', 'HTTP');
}

function requestsFromLimits(c: Obj): void {
  const resources = child(c, 'resources');
  const limits = child(resources, 'limits');
  if (!resources || !limits) return;
  const requests = ensureChild(resources, 'requests');
  if (!requests) return;
  for (const [name, quantity] of Object.entries(limits)) {
    if (!(name in requests)) requests[name] = quantity;
  }
}

// Every VolumeSource member; a volume naming none of them becomes an emptyDir.
const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
] as const;

/** The VolumeSource member names, for validation's "exactly one volume type" rule. */
export const VOLUME_SOURCE_KEYS: readonly string[] = VOLUME_SOURCES;

/** SetDefaults_Volume and the defaults of the common volume sources. */
export function defaultVolume(v: Obj): void {
  if (!VOLUME_SOURCES.some((k) => v[k] !== undefined && v[k] !== null)) v['emptyDir'] = {};
  const hostPath = child(v, 'hostPath');
  if (hostPath) defaultIfUnset(hostPath, 'type', '');
  for (const key of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    const source = child(v, key);
    if (source) defaultIfUnset(source, 'defaultMode', DEFAULT_VOLUME_MODE);
  }
  defaultDownwardApiItems(child(v, 'downwardAPI'));
  for (const source of objects(child(v, 'projected'), 'sources')) {
    defaultDownwardApiItems(child(source, 'downwardAPI'));
    const token = child(source, 'serviceAccountToken');
    if (token) defaultIfUnset(token, 'expirationSeconds', 3600);
  }
  const claimSpec = child(child(child(v, 'ephemeral'), 'volumeClaimTemplate'), 'spec');
  if (claimSpec) defaultPersistentVolumeClaimSpec(claimSpec);
}

function defaultDownwardApiItems(source: Obj | undefined): void {
  for (const item of objects(source, 'items')) {
    const fieldRef = child(item, 'fieldRef');
    if (fieldRef) defaultIfEmpty(fieldRef, 'apiVersion', 'v1');
  }
}

// distribution/reference grammar, enough to tell a tag or digest from a registry port.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/** Splits an image reference; undefined when it does not parse (e.g. upper-case repository). */
export function parseImageReference(image: string): { name: string; tag?: string; digest?: string } | undefined {
  const m = REFERENCE.exec(image);
  if (!m || m[1]!.length > 255) return undefined;
  const ref: { name: string; tag?: string; digest?: string } = { name: m[1]! };
  if (m[2] !== undefined) ref.tag = m[2];
  if (m[3] !== undefined) ref.digest = m[3];
  return ref;
}

/**
 * imagePullPolicy default: Always for `:latest` or no tag (which means latest), IfNotPresent for
 * any other tag, a digest, or an image that does not parse (Kubernetes ignores the parse error
 * there and leaves it to the runtime).
 */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const ref = parseImageReference(image);
  if (!ref) return 'IfNotPresent';
  const tag = ref.tag ?? (ref.digest ? '' : 'latest');
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}
