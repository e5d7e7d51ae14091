// Service cluster IPs and node ports (pkg/registry/core/service/storage/alloc.go), allocated
// through RangeClaims so several apiserver instances never hand out the same value. Runs as
// admission, after the Service strategy prepared the object: on create it fills in spec.clusterIP
// (the `kubernetes` Service gets the range's first address), node ports and the health-check
// port; on update it allocates what a type change needs and releases what it no longer needs; on
// delete it releases everything.
import type { StatusCause } from '../../lib/api/field-errors.js';
import { fieldError } from '../../lib/api/field-errors.js';
import { child, isObj, type Obj } from '../../lib/api/objects.js';
import { status } from '../../lib/api/status.js';
import { ApiError } from '../../lib/api/errors.js';
import type { KvBackend, ResourceStore } from '../storage/interfaces.js';
import { goStringSlice, invalidRendered } from './go-format.js';
import type { StrategyContext } from './interfaces.js';
import { RangeClaims, type ClaimOwner, type Claimed } from './range-claims.js';
import { NodePortRange, ServiceIPRange } from './ranges.js';
import { isHeadless, needsClusterIP, needsHealthCheckNodePort, needsNodePorts, nodePortsOf } from './service.js';

export const SERVICE_IP_CLAIMS_PREFIX = '/registry/ranges/serviceips/';
export const NODE_PORT_CLAIMS_PREFIX = '/registry/ranges/servicenodeports/';

export interface ServiceAllocatorOptions {
  kv: Pick<KvBackend, 'txn' | 'range'>;
  /** The services store, read to check whether a claim's owner still holds its value. */
  services: () => ResourceStore;
  ipRange: ServiceIPRange;
  portRange: NodePortRange;
  /** How long a claim not (yet) held by its owner is protected: covers a create still in flight. */
  claimGraceMs: number;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function ports(spec: Obj): Obj[] {
  return Array.isArray(spec['ports']) ? spec['ports'].filter(isObj) : [];
}

function portNumber(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) ? v : 0;
}

function ownerOf(svc: Obj): ClaimOwner {
  const meta = child(svc, 'metadata') ?? {};
  const s = (k: string) => (typeof meta[k] === 'string' ? (meta[k] as string) : '');
  return { namespace: s('namespace'), name: s('name'), uid: s('uid') };
}

function nameOf(svc: Obj): string {
  return ownerOf(svc).name;
}

/** The cluster IPs a Service holds: none for ExternalName and headless Services. */
function allocatedIPs(spec: Obj): string[] {
  if (!needsClusterIP(spec) || isHeadless(spec)) return [];
  const ips = strings(spec['clusterIPs']);
  const all = ips.length > 0 ? ips : strings([spec['clusterIP']]);
  return all.filter((ip) => ip !== '' && ip !== 'None');
}

function invalid(svc: Obj, cause: StatusCause): ApiError {
  return new ApiError(status.invalid('Service', nameOf(svc), [cause]));
}

function internal(message: string): ApiError {
  return new ApiError(status.internalError(new Error(message)));
}

function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status.code === 404;
}

/** The fresh claims of one admission call, undone together when the call fails. */
class ClaimLog {
  private readonly entries: Array<[RangeClaims, Claimed]> = [];
  add(claims: RangeClaims, claim: Claimed): void {
    this.entries.push([claims, claim]);
  }
  /** Best effort: a claim left behind is taken over after the grace period anyway, and the caller's error matters more. */
  async rollback(): Promise<void> {
    for (const [claims, claim] of this.entries.reverse()) {
      try {
        await claims.rollback(claim);
      } catch {
        // keep going: the remaining claims can still be undone
      }
    }
  }
}

export class ServiceAllocator {
  private readonly ips: RangeClaims;
  private readonly nodePorts: RangeClaims;

  constructor(private readonly opts: ServiceAllocatorOptions) {
    this.ips = new RangeClaims(opts.kv, SERVICE_IP_CLAIMS_PREFIX, (owner, ip) => this.ownerHolds(owner, (spec) => allocatedIPs(spec).includes(ip)), opts.claimGraceMs);
    this.nodePorts = new RangeClaims(
      opts.kv,
      NODE_PORT_CLAIMS_PREFIX,
      (owner, port) => this.ownerHolds(owner, (spec) => nodePortsOf(spec).includes(Number(port)) || spec['healthCheckNodePort'] === Number(port)),
      opts.claimGraceMs,
    );
  }

  async allocateCreate(svc: Obj, ctx: StrategyContext): Promise<void> {
    const spec = child(svc, 'spec');
    if (!spec) return; // validation reports the missing spec
    const log = new ClaimLog();
    try {
      if (needsClusterIP(spec) && !isHeadless(spec)) await this.allocateClusterIP(svc, spec, ctx, log);
      if (needsNodePorts(spec)) await this.initNodePorts(svc, spec, ctx, log);
      if (needsHealthCheckNodePort(spec)) await this.allocateHealthCheckNodePort(spec, ownerOf(svc), ctx, log);
    } catch (err) {
      await log.rollback();
      throw err;
    }
  }

  async allocateUpdate(svc: Obj, old: Obj, ctx: StrategyContext): Promise<void> {
    const spec = child(svc, 'spec');
    const oldSpec = child(old, 'spec') ?? {};
    if (!spec) return;
    const owner = ownerOf(svc);
    const log = new ClaimLog();
    const releaseIPs: string[] = [];
    const releasePorts: number[] = [];
    try {
      if (!needsClusterIP(oldSpec) && needsClusterIP(spec)) {
        if (!isHeadless(spec)) await this.allocateClusterIP(svc, spec, ctx, log);
      } else if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
        releaseIPs.push(...allocatedIPs(oldSpec));
      }
      const oldPorts = nodePortsOf(oldSpec);
      if (needsNodePorts(oldSpec) && !needsNodePorts(spec)) releasePorts.push(...oldPorts);
      if (needsNodePorts(spec)) {
        const claimedNow = new Set<number>();
        const allocate = shouldAllocateNodePorts(spec);
        for (const [i, p] of ports(spec).entries()) {
          const nodePort = portNumber(p['nodePort']);
          if (nodePort === 0 && !allocate) continue;
          if (nodePort !== 0) {
            if (!oldPorts.includes(nodePort) && !claimedNow.has(nodePort)) {
              await this.claimNodePort(svc, nodePort, i, owner, ctx, log);
              claimedNow.add(nodePort);
            }
          } else {
            p['nodePort'] = await this.anyNodePort(owner, ctx, log, 'failed to allocate a nodePort');
          }
        }
        const kept = nodePortsOf(spec);
        for (const port of oldPorts) if (!kept.includes(port)) releasePorts.push(port);
      }
      const needed = needsHealthCheckNodePort(oldSpec);
      const needs = needsHealthCheckNodePort(spec);
      const oldHealthCheck = portNumber(oldSpec['healthCheckNodePort']);
      if (!needed && needs) {
        await this.allocateHealthCheckNodePort(spec, owner, ctx, log);
      } else if (needed && !needs) {
        if (oldHealthCheck !== 0) releasePorts.push(oldHealthCheck);
      } else if (needed && needs) {
        const now = portNumber(spec['healthCheckNodePort']);
        if (now !== oldHealthCheck) {
          throw invalid(svc, fieldError.invalid('spec.healthCheckNodePort', now, 'cannot change healthCheckNodePort on loadBalancer service with externalTraffic=Local during update'));
        }
      }
    } catch (err) {
      await log.rollback();
      throw err;
    }
    // Soft releases: harmless if the update fails after all, since the owner still holds them.
    for (const ip of releaseIPs) await this.ips.release(ip, owner);
    for (const port of new Set(releasePorts)) await this.nodePorts.release(String(port), owner);
  }

  /** Releases everything the Service holds (for a delete, or a create that failed after admission). */
  async release(svc: Obj): Promise<void> {
    const spec = child(svc, 'spec') ?? {};
    const owner = ownerOf(svc);
    for (const ip of allocatedIPs(spec)) await this.ips.release(ip, owner);
    const held = new Set(nodePortsOf(spec));
    const healthCheck = portNumber(spec['healthCheckNodePort']);
    if (healthCheck !== 0) held.add(healthCheck);
    for (const port of held) await this.nodePorts.release(String(port), owner);
  }

  private async allocateClusterIP(svc: Obj, spec: Obj, ctx: StrategyContext, log: ClaimLog): Promise<void> {
    const range = this.opts.ipRange;
    const families = strings(spec['ipFamilies']);
    if (families.length > 0 && families[0] !== 'IPv4') {
      throw invalid(svc, fieldError.invalid('spec.ipFamilies[0]', families[0], 'not configured on this cluster'));
    }
    if (spec['ipFamilyPolicy'] === 'RequireDualStack') {
      throw invalid(svc, fieldError.invalid('spec.ipFamilyPolicy', spec['ipFamilyPolicy'], 'this cluster is not configured for dual-stack services'));
    }
    const owner = ownerOf(svc);
    let ip = typeof spec['clusterIP'] === 'string' && spec['clusterIP'] !== '' ? spec['clusterIP'] : (strings(spec['clusterIPs'])[0] ?? '');
    if (ip === '' && owner.namespace === 'default' && owner.name === 'kubernetes') ip = range.firstIP;
    if (ip === '') {
      const got = await this.ips.claimAny(range, owner, ctx.now, ctx.random);
      if (!got) throw internal('failed to allocate a serviceIP: range is full');
      log.add(this.ips, got);
      ip = got.value;
    } else {
      const shown = goStringSlice(strings(spec['clusterIPs']).length > 0 ? spec['clusterIPs'] : [ip]);
      if (!ServiceIPRange.isIPv4(ip)) throw internal(`failed to parse service IP ${JSON.stringify(ip)}`);
      if (range.offsetOf(ip) === undefined) {
        throw invalid(svc, invalidRendered('spec.clusterIPs', shown, `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${range.cidr}`));
      }
      const got = await this.ips.claim(ip, owner, ctx.now);
      if (!got) throw invalid(svc, invalidRendered('spec.clusterIPs', shown, `failed to allocate IP ${ip}: provided IP is already allocated`));
      log.add(this.ips, got);
    }
    spec['clusterIP'] = ip;
    spec['clusterIPs'] = [ip];
    if (families.length === 0) spec['ipFamilies'] = ['IPv4'];
    if (spec['ipFamilyPolicy'] === undefined || spec['ipFamilyPolicy'] === null) spec['ipFamilyPolicy'] = 'SingleStack';
  }

  /** initNodePorts: ports with the same port number share one node port; requested ones are honoured. */
  private async initNodePorts(svc: Obj, spec: Obj, ctx: StrategyContext, log: ClaimLog): Promise<void> {
    const owner = ownerOf(svc);
    const allocate = shouldAllocateNodePorts(spec);
    const list = ports(spec);
    const byServicePort = new Map<number, number>();
    for (const [i, p] of list.entries()) {
      const nodePort = portNumber(p['nodePort']);
      if (nodePort === 0 && !allocate) continue; // no new ports, but requested ones are honoured
      const servicePort = portNumber(p['port']);
      const shared = byServicePort.get(servicePort);
      if (shared === undefined) {
        const requested = list.find((q) => portNumber(q['port']) === servicePort && portNumber(q['nodePort']) !== 0);
        const wanted = requested ? portNumber(requested['nodePort']) : 0;
        if (wanted !== 0) {
          await this.claimNodePort(svc, wanted, i, owner, ctx, log);
          p['nodePort'] = wanted;
          byServicePort.set(servicePort, wanted);
        } else {
          const port = await this.anyNodePort(owner, ctx, log, 'failed to allocate a nodePort');
          p['nodePort'] = port;
          byServicePort.set(servicePort, port);
        }
      } else if (nodePort !== shared) {
        if (nodePort === 0) p['nodePort'] = shared;
        else await this.claimNodePort(svc, nodePort, i, owner, ctx, log);
      }
    }
  }

  private async allocateHealthCheckNodePort(spec: Obj, owner: ClaimOwner, ctx: StrategyContext, log: ClaimLog): Promise<void> {
    const requested = portNumber(spec['healthCheckNodePort']);
    if (requested === 0) {
      spec['healthCheckNodePort'] = await this.anyNodePort(owner, ctx, log, 'failed to allocate a HealthCheck NodePort 0');
      return;
    }
    const range = this.opts.portRange;
    if (!range.includes(requested)) {
      throw internal(`failed to allocate requested HealthCheck NodePort ${requested}: provided port is not in the valid range. The range of valid ports is ${range}`);
    }
    const got = await this.nodePorts.claim(String(requested), owner, ctx.now);
    if (!got) throw internal(`failed to allocate requested HealthCheck NodePort ${requested}: provided port is already allocated`);
    log.add(this.nodePorts, got);
  }

  private async claimNodePort(svc: Obj, port: number, index: number, owner: ClaimOwner, ctx: StrategyContext, log: ClaimLog): Promise<void> {
    const range = this.opts.portRange;
    const field = `spec.ports[${index}].nodePort`;
    if (!range.includes(port)) {
      throw invalid(svc, fieldError.invalid(field, port, `provided port is not in the valid range. The range of valid ports is ${range}`));
    }
    const got = await this.nodePorts.claim(String(port), owner, ctx.now);
    if (!got) throw invalid(svc, fieldError.invalid(field, port, 'provided port is already allocated'));
    log.add(this.nodePorts, got);
  }

  private async anyNodePort(owner: ClaimOwner, ctx: StrategyContext, log: ClaimLog, what: string): Promise<number> {
    const got = await this.nodePorts.claimAny(this.opts.portRange, owner, ctx.now, ctx.random);
    if (!got) throw internal(`${what}: range is full`);
    log.add(this.nodePorts, got);
    return Number(got.value);
  }

  /** Whether the owner, as stored now (same uid), still holds a value. */
  private async ownerHolds(owner: ClaimOwner, holds: (spec: Obj) => boolean): Promise<boolean> {
    if (owner.name === '') return false;
    let current: Obj;
    try {
      current = (await this.opts.services().get(owner.namespace || undefined, owner.name)) as unknown as Obj;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    if ((child(current, 'metadata')?.['uid'] ?? '') !== owner.uid) return false;
    return holds(child(current, 'spec') ?? {});
  }
}

/** NodePort Services always get node ports; LoadBalancers unless allocateLoadBalancerNodePorts is false. */
function shouldAllocateNodePorts(spec: Obj): boolean {
  if (spec['type'] === 'NodePort') return true;
  return spec['type'] === 'LoadBalancer' && spec['allocateLoadBalancerNodePorts'] !== false;
}
