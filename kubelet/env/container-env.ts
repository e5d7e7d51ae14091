// The kubelet's makeEnvironmentVariables (pkg/kubelet/kubelet_pods.go): envFrom first, then env in
// order (each value expanded against what came before and the service variables), then service
// links for names not yet set. A missing object or key fails the container with
// CreateContainerConfigError and the kubelet's message, unless the reference is optional.
import type { Container, EnvVar, Pod } from '../../lib/api/types.js';
import { isEnvVarName } from '../../lib/api/names.js';
import { ContainerConfigError, type ContainerEnvironment } from '../pod-deps.js';
import type { KeyValue } from '../runtime/types.js';
import { expand, lookupIn } from './expansion.js';
import { podFieldValue } from './field-path.js';
import { containerResourceValue, withDefaultLimits, type NodeAllocatable } from './resource-field.js';
import { serviceEnvMap } from './service-env.js';
import { configMapData, ObjectNotFoundError, secretData, type ObjectSource } from './sources.js';

/** A Warning event about the pod (InvalidEnvironmentVariableNames). */
export type PodEventSink = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface ContainerEnvOptions {
  source: ObjectSource;
  /** The node's addresses, for status.hostIP(s). */
  hostIPs: () => readonly string[];
  /** Fills limits a container leaves unset, for resourceFieldRef. */
  allocatable: () => NodeAllocatable;
  events?: PodEventSink;
}

function configError(err: unknown): ContainerConfigError {
  return new ContainerConfigError(err instanceof Error ? err.message : String(err));
}

export class KubeletContainerEnvironment implements ContainerEnvironment {
  constructor(private readonly o: ContainerEnvOptions) {}

  async containerEnv(pod: Pod, container: Container, podIPs: readonly string[]): Promise<KeyValue[]> {
    const ns = pod.metadata?.namespace ?? '';
    const env = new Map<string, string>();
    let services: Map<string, string>;
    try {
      services = serviceEnvMap(await this.o.source.listServices(), ns, pod.spec?.enableServiceLinks ?? true);
    } catch (err) {
      throw configError(err);
    }

    for (const from of container.envFrom ?? []) await this.addEnvFrom(pod, from, env);

    const lookup = lookupIn(env, services);
    for (const v of container.env ?? []) {
      const value = await this.valueOf(pod, container, v, podIPs, lookup);
      if (value !== undefined) env.set(v.name, value);
    }
    for (const [k, v] of services) if (!env.has(k)) env.set(k, v);
    return [...env].map(([key, value]) => ({ key, value }));
  }

  private async addEnvFrom(pod: Pod, from: NonNullable<Container['envFrom']>[number], env: Map<string, string>): Promise<void> {
    const ns = pod.metadata?.namespace ?? '';
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) return;
    const kind = from.configMapRef ? 'configMap' : 'secret';
    const name = ref.name ?? '';
    let data: Map<string, Buffer>;
    try {
      data = from.configMapRef ? configMapData(await this.o.source.getConfigMap(ns, name)) : secretData(await this.o.source.getSecret(ns, name));
    } catch (err) {
      if (err instanceof ObjectNotFoundError && ref.optional) return;
      throw configError(err);
    }
    const invalid: string[] = [];
    for (const [k, bytes] of data) {
      const key = (from.prefix ?? '') + k;
      if (isEnvVarName(key).length > 0) {
        invalid.push(key);
        continue;
      }
      env.set(key, bytes.toString('utf8'));
    }
    if (invalid.length > 0) {
      invalid.sort();
      this.o.events?.(pod, 'Warning', 'InvalidEnvironmentVariableNames',
        `Keys [${invalid.join(', ')}] from the EnvFrom ${kind} ${ns}/${name} were skipped since they are considered invalid environment variable names.`);
    }
  }

  /** undefined: an optional reference that is absent (the variable is left out). */
  private async valueOf(pod: Pod, container: Container, v: EnvVar, podIPs: readonly string[], lookup: (n: string) => string | undefined): Promise<string | undefined> {
    const ns = pod.metadata?.namespace ?? '';
    const from = v.valueFrom;
    if (v.value !== undefined && v.value !== '') return expand(v.value, lookup);
    if (!from) return '';
    try {
      if (from.fieldRef) return podFieldValue(pod, from.fieldRef.fieldPath, { podIPs, hostIPs: this.o.hostIPs() });
      if (from.resourceFieldRef) {
        const ref = from.resourceFieldRef;
        const target = ref.containerName ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === ref.containerName) : container;
        if (!target) throw new Error(`container ${ref.containerName} not found`);
        return containerResourceValue(withDefaultLimits(target, this.o.allocatable()), ref.resource, ref.divisor as string | undefined);
      }
    } catch (err) {
      throw configError(err);
    }
    const keyRef = from.configMapKeyRef ?? from.secretKeyRef;
    if (!keyRef) return '';
    const isConfigMap = !!from.configMapKeyRef;
    const name = keyRef.name ?? '';
    let data: Map<string, Buffer>;
    try {
      data = isConfigMap ? configMapData(await this.o.source.getConfigMap(ns, name)) : secretData(await this.o.source.getSecret(ns, name));
    } catch (err) {
      if (err instanceof ObjectNotFoundError && keyRef.optional) return undefined;
      throw configError(err);
    }
    const bytes = data.get(keyRef.key);
    if (bytes === undefined) {
      if (keyRef.optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${keyRef.key} in ${isConfigMap ? 'ConfigMap' : 'Secret'} ${ns}/${name}`);
    }
    return bytes.toString('utf8');
  }
}
