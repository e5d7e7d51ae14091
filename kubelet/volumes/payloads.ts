// The files of configMap, secret, downwardAPI and projected volumes (each plugin's MakePayload,
// pkg/volume/{configmap,secret,downwardapi,projected}), as a Payload for the atomic writer.
import type { Pod, Volume } from '../../lib/api/types.js';
import { podFieldValue } from '../env/field-path.js';
import { containerResourceValue, withDefaultLimits, type NodeAllocatable } from '../env/resource-field.js';
import { configMapData, ObjectNotFoundError, secretData, type ObjectSource } from '../env/sources.js';
import type { Payload } from './atomic-writer.js';
import type { TokenManager } from './service-account-token.js';

export const DEFAULT_MODE = 0o644;

export interface PayloadContext {
  source: ObjectSource;
  tokens: TokenManager;
  allocatable: () => NodeAllocatable;
}

interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

/** Every key as a file, or just the listed items; `missing` names a listed key that is absent. */
function fromKeys(payload: Payload, data: Map<string, Buffer>, items: readonly KeyToPath[] | undefined, mode: number, optional: boolean, missing: (key: string) => string): void {
  if (!items || items.length === 0) {
    for (const [k, v] of data) payload.set(k, { data: v, mode });
    return;
  }
  for (const item of items) {
    const v = data.get(item.key);
    if (v === undefined) {
      if (optional) continue;
      throw new Error(missing(item.key));
    }
    payload.set(item.path, { data: v, mode: item.mode ?? mode });
  }
}

type ConfigMapProjection = { name?: string; items?: KeyToPath[]; optional?: boolean };
type SecretProjection = { name?: string; secretName?: string; items?: KeyToPath[]; optional?: boolean };
type DownwardItems = NonNullable<NonNullable<Volume['downwardAPI']>['items']>;

async function configMapInto(payload: Payload, pod: Pod, ref: ConfigMapProjection, mode: number, ctx: PayloadContext): Promise<void> {
  let data: Map<string, Buffer>;
  try {
    data = configMapData(await ctx.source.getConfigMap(pod.metadata?.namespace ?? '', ref.name ?? ''));
  } catch (err) {
    if (err instanceof ObjectNotFoundError && ref.optional) return;
    throw err;
  }
  fromKeys(payload, data, ref.items, mode, !!ref.optional, (k) => `configmap references non-existent config key: ${k}`);
}

async function secretInto(payload: Payload, pod: Pod, name: string, ref: SecretProjection, mode: number, ctx: PayloadContext): Promise<void> {
  let data: Map<string, Buffer>;
  try {
    data = secretData(await ctx.source.getSecret(pod.metadata?.namespace ?? '', name));
  } catch (err) {
    if (err instanceof ObjectNotFoundError && ref.optional) return;
    throw err;
  }
  fromKeys(payload, data, ref.items, mode, !!ref.optional, (k) => `references non-existent secret key: ${k}`);
}

function downwardInto(payload: Payload, pod: Pod, items: DownwardItems, mode: number, ctx: PayloadContext): void {
  const podIPs = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  const hostIPs = (pod.status?.hostIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  for (const item of items) {
    let value: string;
    if (item.fieldRef) {
      value = podFieldValue(pod, item.fieldRef.fieldPath, { podIPs, hostIPs });
    } else if (item.resourceFieldRef) {
      const ref = item.resourceFieldRef;
      const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === ref.containerName);
      if (!c) throw new Error(`container ${ref.containerName ?? ''} not found`);
      value = containerResourceValue(withDefaultLimits(c, ctx.allocatable()), ref.resource, ref.divisor as string | undefined);
    } else {
      continue;
    }
    payload.set(item.path, { data: Buffer.from(value), mode: item.mode ?? mode });
  }
}

export async function configMapPayload(pod: Pod, v: NonNullable<Volume['configMap']>, ctx: PayloadContext): Promise<Payload> {
  const payload: Payload = new Map();
  await configMapInto(payload, pod, v as ConfigMapProjection, v.defaultMode ?? DEFAULT_MODE, ctx);
  return payload;
}

export async function secretPayload(pod: Pod, v: NonNullable<Volume['secret']>, ctx: PayloadContext): Promise<Payload> {
  const payload: Payload = new Map();
  await secretInto(payload, pod, v.secretName ?? '', v as SecretProjection, v.defaultMode ?? DEFAULT_MODE, ctx);
  return payload;
}

export function downwardAPIPayload(pod: Pod, v: NonNullable<Volume['downwardAPI']>, ctx: PayloadContext): Payload {
  const payload: Payload = new Map();
  downwardInto(payload, pod, v.items ?? [], v.defaultMode ?? DEFAULT_MODE, ctx);
  return payload;
}

/** Every source in order; errors of all sources are reported together, as upstream aggregates them. */
export async function projectedPayload(pod: Pod, v: NonNullable<Volume['projected']>, ctx: PayloadContext): Promise<Payload> {
  const payload: Payload = new Map();
  const mode = v.defaultMode ?? DEFAULT_MODE;
  const errors: string[] = [];
  for (const s of v.sources ?? []) {
    try {
      if (s.configMap) await configMapInto(payload, pod, s.configMap, mode, ctx);
      else if (s.secret) await secretInto(payload, pod, s.secret.name ?? '', s.secret, mode, ctx);
      else if (s.downwardAPI) downwardInto(payload, pod, s.downwardAPI.items ?? [], mode, ctx);
      else if (s.serviceAccountToken) {
        const t = s.serviceAccountToken;
        const token = await ctx.tokens.token(pod, t.audience, t.expirationSeconds ?? 3600);
        payload.set(t.path, { data: Buffer.from(token), mode });
      } else errors.push(`unsupported projected volume source (${Object.keys(s).join(', ') || 'empty'})`);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (errors.length === 1) throw new Error(errors[0]);
  if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
  return payload;
}
