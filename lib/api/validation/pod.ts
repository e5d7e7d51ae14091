// PodSpec validation (pkg/apis/core/validation: ValidatePodSpec and what it calls), used by Pods
// and by every pod template. Expects a defaulted spec (restartPolicy, dnsPolicy, imagePullPolicy,
// port protocols, … filled in), exactly as Kubernetes' validation does. Volumes, environment,
// probes, resources and scheduling settings have their own files next to this one.

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { isQualifiedName, isValidPortName, isValidPortNum, validateAnnotations, validateLabels } from '../names.js';
import { dns1123Label, dns1123Subdomain, has, isObj, list, MAX_INT32, num, obj, objList, type Obj, str } from './common.js';
import { validateEnv, validateEnvFrom } from './env.js';
import { validateLifecycle, validateProbe } from './handlers.js';
import { nameIsDNSSubdomain, validateObjectMeta } from './meta.js';
import { validateResources } from './resources.js';
import {
  validateAffinity,
  validateDNSConfig,
  validatePodSecurityContext,
  validateSecurityContext,
  validateTolerations,
  validateTopologySpread,
} from './scheduling.js';
import { validateVolumeMounts, validateVolumes } from './volumes.js';

export const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const NO_HANDLER_FOR_INIT = 'may not be set for init containers without restartPolicy=Always';

export interface PodSpecOptions {
  /** A Pod rather than a template: a few rules differ (hostPort under hostNetwork, ephemeral containers). */
  isPod?: boolean;
  /**
   * Names that volumeMounts may reference besides spec.volumes: a StatefulSet's
   * volumeClaimTemplates, which become volumes of its pods.
   */
  extraVolumeNames?: ReadonlySet<string>;
}

/** ValidatePod (create): metadata, spec, and the image-whitespace rule that only Pods have. */export function validatePod(pod: Obj): StatusCause[] {
  const causes = validateObjectMeta(pod['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  const specPath = new FieldPath('spec');
  const spec = obj(pod, 'spec') ?? {};
  causes.push(...validatePodSpec(spec, specPath, { isPod: true }));
  for (const key of ['containers', 'initContainers']) {
    for (const [c, i] of objList(spec, key)) {
      const image = str(c, 'image');
      if (image !== image.trim()) {
        causes.push(fieldError.invalid(specPath.child(key).index(i).child('image').toString(), image, 'must not have leading or trailing whitespace'));
      }
    }
  }
  return causes;
}

/** ValidatePodTemplateSpec: template labels/annotations (reported at `template.labels`, as Kubernetes does) and spec. */
export function validatePodTemplateSpec(template: Obj, path: FieldPath, opts: PodSpecOptions = {}): StatusCause[] {
  const meta = obj(template, 'metadata');
  const causes: StatusCause[] = [
    ...validateLabels(meta?.['labels'], path.child('labels')),
    ...validateAnnotations(meta?.['annotations'], path.child('annotations')),
  ];
  const spec = obj(template, 'spec') ?? {};
  causes.push(...validatePodSpec(spec, path.child('spec'), { ...opts, isPod: false }));
  return causes;
}

export function validatePodSpec(spec: Obj, path: FieldPath, opts: PodSpecOptions = {}): StatusCause[] {
  const causes: StatusCause[] = [];
  const volumes = validateVolumes(spec, path.child('volumes'), causes);
  for (const name of opts.extraVolumeNames ?? []) volumes.add(name);
  const gracePeriod = num(spec, 'terminationGracePeriodSeconds');
  causes.push(...validateContainers(spec, volumes, path.child('containers')));
  causes.push(...validateInitContainers(spec, volumes, path.child('initContainers'), gracePeriod));
  if (list(spec, 'ephemeralContainers').length > 0) {
    causes.push(
      fieldError.forbidden(
        path.child('ephemeralContainers').toString(),
        opts.isPod ? 'cannot be set on create' : 'ephemeral containers not allowed in pod template',
      ),
    );
  }
  if (spec['hostNetwork'] === true) causes.push(...validateHostNetworkPorts(spec, path, opts.isPod === true));
  causes.push(...enumRequired(str(spec, 'restartPolicy'), RESTART_POLICIES, path.child('restartPolicy')));
  causes.push(...enumRequired(str(spec, 'dnsPolicy'), DNS_POLICIES, path.child('dnsPolicy')));
  causes.push(...validateLabels(spec['nodeSelector'], path.child('nodeSelector')));
  causes.push(...validatePodSecurityContext(obj(spec, 'securityContext'), path.child('securityContext')));
  causes.push(...validateAffinity(obj(spec, 'affinity'), path.child('affinity')));
  causes.push(...validateDNSConfig(spec, path.child('dnsConfig')));
  for (const [gate, i] of objList(spec, 'readinessGates')) {
    causes.push(...validateQualified(str(gate, 'conditionType'), path.child('readinessGates').index(i).child('conditionType')));
  }
  causes.push(...validateTopologySpread(spec, path.child('topologySpreadConstraints')));
  const serviceAccountName = str(spec, 'serviceAccountName');
  if (serviceAccountName !== '') causes.push(...dns1123Subdomain(serviceAccountName, path.child('serviceAccountName')));
  const nodeName = str(spec, 'nodeName');
  if (nodeName !== '') causes.push(...dns1123Subdomain(nodeName, path.child('nodeName')));
  const activeDeadline = num(spec, 'activeDeadlineSeconds');
  if (activeDeadline !== undefined && (activeDeadline < 1 || activeDeadline > MAX_INT32)) {
    causes.push(fieldError.invalid(path.child('activeDeadlineSeconds').toString(), activeDeadline, `must be between 1 and ${MAX_INT32}, inclusive`));
  }
  const hostname = str(spec, 'hostname');
  if (hostname !== '') causes.push(...dns1123Label(hostname, path.child('hostname')));
  const subdomain = str(spec, 'subdomain');
  if (subdomain !== '') causes.push(...dns1123Label(subdomain, path.child('subdomain')));
  causes.push(...validateTolerations(list(spec, 'tolerations'), path.child('tolerations')));
  const priorityClassName = str(spec, 'priorityClassName');
  if (priorityClassName !== '') causes.push(...dns1123Subdomain(priorityClassName, path.child('priorityClassName')));
  const osName = str(obj(spec, 'os'), 'name');
  if (has(spec, 'os') && osName !== 'linux' && osName !== 'windows') {
    causes.push(fieldError.notSupported(path.child('os').child('name').toString(), osName, ['linux', 'windows']));
  }
  return causes;
}

function enumRequired(value: string, valid: readonly string[], path: FieldPath): StatusCause[] {
  if (value === '') return [fieldError.required(path.toString())];
  if (!valid.includes(value)) return [fieldError.notSupported(path.toString(), value, valid)];
  return [];
}

function validateQualified(value: string, path: FieldPath): StatusCause[] {
  return isQualifiedName(value).map((msg) => fieldError.invalid(path.toString(), value, msg));
}

// ---- containers ----

function validateContainers(spec: Obj, volumes: ReadonlySet<string>, path: FieldPath): StatusCause[] {
  const containers = list(spec, 'containers');
  if (containers.length === 0) return [fieldError.required(path.toString())];
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  const gracePeriod = num(spec, 'terminationGracePeriodSeconds');
  containers.forEach((raw, i) => {
    const c: Obj = isObj(raw) ? raw : {};
    const p = path.index(i);
    causes.push(...validateContainerCommon(c, volumes, p));
    const name = str(c, 'name');
    if (names.has(name)) causes.push(fieldError.duplicate(p.child('name').toString(), name));
    else names.add(name);
    const lifecycle = obj(c, 'lifecycle');
    if (lifecycle) causes.push(...validateLifecycle(lifecycle, p.child('lifecycle'), gracePeriod));
    causes.push(...validateProbe(obj(c, 'livenessProbe'), p.child('livenessProbe'), true));
    causes.push(...validateProbe(obj(c, 'readinessProbe'), p.child('readinessProbe'), false));
    causes.push(...validateProbe(obj(c, 'startupProbe'), p.child('startupProbe'), true));
    if (has(c, 'restartPolicy')) causes.push(fieldError.forbidden(p.child('restartPolicy').toString(), 'may not be set for non-init containers'));
  });
  causes.push(...hostPortConflicts(containers, path));
  return causes;
}

function validateInitContainers(spec: Obj, volumes: ReadonlySet<string>, path: FieldPath, gracePeriod: number | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  // Names are unique across regular and init containers.
  const names = new Set(objList(spec, 'containers').map(([c]) => str(c, 'name')));
  list(spec, 'initContainers').forEach((raw, i) => {
    const c: Obj = isObj(raw) ? raw : {};
    const p = path.index(i);
    causes.push(...validateContainerCommon(c, volumes, p));
    const name = str(c, 'name');
    if (names.has(name)) causes.push(fieldError.duplicate(p.child('name').toString(), name));
    else if (name !== '') names.add(name);
    const restartPolicy = c['restartPolicy'];
    if (restartPolicy !== undefined && restartPolicy !== null && restartPolicy !== 'Always') {
      causes.push(fieldError.notSupported(p.child('restartPolicy').toString(), restartPolicy, ['Always']));
    }
    if (restartPolicy === 'Always') {
      // A sidecar: probes and lifecycle as for regular containers.
      const lifecycle = obj(c, 'lifecycle');
      if (lifecycle) causes.push(...validateLifecycle(lifecycle, p.child('lifecycle'), gracePeriod));
      causes.push(...validateProbe(obj(c, 'livenessProbe'), p.child('livenessProbe'), true));
      causes.push(...validateProbe(obj(c, 'readinessProbe'), p.child('readinessProbe'), false));
      causes.push(...validateProbe(obj(c, 'startupProbe'), p.child('startupProbe'), true));
    } else {
      for (const key of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (has(c, key)) causes.push(fieldError.forbidden(p.child(key).toString(), NO_HANDLER_FOR_INIT));
      }
    }
  });
  return causes;
}

function validateContainerCommon(c: Obj, volumes: ReadonlySet<string>, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = str(c, 'name');
  if (name === '') causes.push(fieldError.required(path.child('name').toString()));
  else causes.push(...dns1123Label(name, path.child('name')));
  if (str(c, 'image') === '') causes.push(fieldError.required(path.child('image').toString()));
  const tmp = str(c, 'terminationMessagePolicy');
  if (tmp === '') {
    causes.push(fieldError.required(path.child('terminationMessagePolicy').toString(), "must be 'File' or 'FallbackToLogsOnError'"));
  } else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    causes.push(fieldError.invalid(path.child('terminationMessagePolicy').toString(), tmp, "must be 'File' or 'FallbackToLogsOnError'"));
  }
  causes.push(...validateContainerPorts(list(c, 'ports'), path.child('ports')));
  causes.push(...validateEnv(list(c, 'env'), path.child('env')));
  causes.push(...validateEnvFrom(list(c, 'envFrom'), path.child('envFrom')));
  causes.push(...validateVolumeMounts(list(c, 'volumeMounts'), volumes, path.child('volumeMounts')));
  causes.push(...enumRequired(str(c, 'imagePullPolicy'), PULL_POLICIES, path.child('imagePullPolicy')));
  causes.push(...validateResources(obj(c, 'resources'), path.child('resources')));
  causes.push(...validateSecurityContext(obj(c, 'securityContext'), path.child('securityContext')));
  return causes;
}

/** validateContainerPorts: names unique and valid, containerPort 1-65535, hostPort 0-65535, protocol. */
export function validateContainerPorts(ports: unknown[], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const port: Obj = isObj(raw) ? raw : {};
    const p = path.index(i);
    const name = str(port, 'name');
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const msg of msgs) causes.push(fieldError.invalid(p.child('name').toString(), name, msg));
      else if (names.has(name)) causes.push(fieldError.duplicate(p.child('name').toString(), name));
      else names.add(name);
    }
    const containerPort = num(port, 'containerPort') ?? 0;
    if (containerPort === 0) causes.push(fieldError.required(p.child('containerPort').toString()));
    else for (const msg of isValidPortNum(containerPort)) causes.push(fieldError.invalid(p.child('containerPort').toString(), containerPort, msg));
    const hostPort = num(port, 'hostPort') ?? 0;
    if (hostPort !== 0) for (const msg of isValidPortNum(hostPort)) causes.push(fieldError.invalid(p.child('hostPort').toString(), hostPort, msg));
    causes.push(...validateProtocol(str(port, 'protocol'), p.child('protocol')));
  });
  return causes;
}

/** Protocol required and one of SCTP, TCP, UDP. */
export function validateProtocol(protocol: string, path: FieldPath): StatusCause[] {
  if (protocol === '') return [fieldError.required(path.toString())];
  if (!(SUPPORTED_PORT_PROTOCOLS as readonly string[]).includes(protocol)) {
    return [fieldError.notSupported(path.toString(), protocol, SUPPORTED_PORT_PROTOCOLS)];
  }
  return [];
}

/** AccumulateUniqueHostPorts: one protocol/hostIP/hostPort per pod. */
function hostPortConflicts(containers: unknown[], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  containers.forEach((raw, ci) => {
    const c: Obj = isObj(raw) ? raw : {};
    for (const [port, pi] of objList(c, 'ports')) {
      const hostPort = num(port, 'hostPort') ?? 0;
      if (hostPort === 0) continue;
      const key = `${str(port, 'protocol')}/${str(port, 'hostIP')}/${hostPort}`;
      if (seen.has(key)) causes.push(fieldError.duplicate(path.index(ci).child('ports').index(pi).child('hostPort').toString(), key));
      else seen.add(key);
    }
  });
  return causes;
}

function validateHostNetworkPorts(spec: Obj, path: FieldPath, isPod: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const key of ['containers', 'initContainers']) {
    for (const [c, ci] of objList(spec, key)) {
      for (const [port, pi] of objList(c, 'ports')) {
        const hostPort = num(port, 'hostPort') ?? 0;
        // Templates may leave hostPort unset; their pods get it defaulted.
        if (!isPod && hostPort === 0) continue;
        if (hostPort !== (num(port, 'containerPort') ?? 0)) {
          causes.push(
            fieldError.invalid(
              path.child(key).index(ci).child('ports').index(pi).child('hostPort').toString(),
              hostPort,
              'must match `containerPort` when `hostNetwork` is true',
            ),
          );
        }
      }
    }
  }
  return causes;
}
