// Defensive normalization of configs that arrive from a socket: every field the runtime reads gets
// the type it expects (missing → empty), and what cannot be made sense of is InvalidArgument
// naming the field — a bad request never reaches the runtime's state.
import { RuntimeError, type ContainerConfig, type KeyValue, type Mount, type PodSandboxConfig, type PortMapping } from '../types.js';

type Obj = Record<string, unknown>;

function bad(field: string, want: string): RuntimeError {
  return new RuntimeError('InvalidArgument', `invalid ${field}: want ${want}`);
}

function obj(v: unknown, field: string, required = false): Obj {
  if (v === undefined || v === null) {
    if (required) throw bad(field, 'an object');
    return {};
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(field, 'an object');
  return v as Obj;
}

function str(v: unknown, field: string, required = false): string {
  if (v === undefined || v === null) {
    if (required) throw bad(field, 'a non-empty string');
    return '';
  }
  if (typeof v !== 'string' || (required && v === '')) throw bad(field, 'a non-empty string');
  return v;
}

function int(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(field, 'a number');
  return Math.trunc(v);
}

function bool(v: unknown): boolean {
  return v === true;
}

export function strings(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw bad(field, 'a list of strings');
  return [...(v as string[])];
}

function stringMap(v: unknown, field: string): Record<string, string> {
  const o = obj(v, field);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) {
    if (typeof val !== 'string') throw bad(`${field}[${JSON.stringify(k)}]`, 'a string');
    out[k] = val;
  }
  return out;
}

function list<T>(v: unknown, field: string, each: (item: unknown, field: string) => T): T[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(field, 'a list');
  return v.map((item, i) => each(item, `${field}[${i}]`));
}

function portMapping(v: unknown, field: string): PortMapping {
  const o = obj(v, field, true);
  const protocol = str(o.protocol, `${field}.protocol`) || 'TCP';
  if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') throw bad(`${field}.protocol`, 'TCP, UDP or SCTP');
  const containerPort = int(o.containerPort, `${field}.containerPort`);
  const hostPort = int(o.hostPort, `${field}.hostPort`);
  if (containerPort < 0 || containerPort > 65535 || hostPort < 0 || hostPort > 65535) throw bad(field, 'ports in 0..65535');
  return { protocol, containerPort, hostPort, hostIp: str(o.hostIp, `${field}.hostIp`) };
}

export function sandboxConfig(v: unknown): PodSandboxConfig {
  const o = obj(v, 'config', true);
  const md = obj(o.metadata, 'config.metadata', true);
  const dns = obj(o.dnsConfig, 'config.dnsConfig');
  return {
    metadata: {
      name: str(md.name, 'config.metadata.name', true),
      uid: str(md.uid, 'config.metadata.uid', true),
      namespace: str(md.namespace, 'config.metadata.namespace', true),
      attempt: int(md.attempt, 'config.metadata.attempt'),
    },
    hostname: str(o.hostname, 'config.hostname'),
    logDirectory: str(o.logDirectory, 'config.logDirectory'),
    dnsConfig: { servers: strings(dns.servers, 'config.dnsConfig.servers'), searches: strings(dns.searches, 'config.dnsConfig.searches'), options: strings(dns.options, 'config.dnsConfig.options') },
    portMappings: list(o.portMappings, 'config.portMappings', portMapping),
    labels: stringMap(o.labels, 'config.labels'),
    annotations: stringMap(o.annotations, 'config.annotations'),
    hostNetwork: bool(o.hostNetwork),
  };
}

function keyValue(v: unknown, field: string): KeyValue {
  const o = obj(v, field, true);
  return { key: str(o.key, `${field}.key`, true), value: str(o.value, `${field}.value`) };
}

function mount(v: unknown, field: string): Mount {
  const o = obj(v, field, true);
  const containerPath = str(o.containerPath, `${field}.containerPath`, true);
  if (!containerPath.startsWith('/')) throw bad(`${field}.containerPath`, 'an absolute path');
  return { containerPath, hostPath: str(o.hostPath, `${field}.hostPath`, true), readonly: bool(o.readonly) };
}

export function containerConfig(v: unknown): ContainerConfig {
  const o = obj(v, 'config', true);
  const md = obj(o.metadata, 'config.metadata', true);
  const res = obj(o.resources, 'config.resources');
  return {
    metadata: { name: str(md.name, 'config.metadata.name', true), attempt: int(md.attempt, 'config.metadata.attempt') },
    image: { image: str(obj(o.image, 'config.image', true).image, 'config.image.image', true) },
    command: strings(o.command, 'config.command'),
    args: strings(o.args, 'config.args'),
    workingDir: str(o.workingDir, 'config.workingDir'),
    envs: list(o.envs, 'config.envs', keyValue),
    mounts: list(o.mounts, 'config.mounts', mount),
    logPath: str(o.logPath, 'config.logPath'),
    stdin: bool(o.stdin),
    stdinOnce: bool(o.stdinOnce),
    tty: bool(o.tty),
    labels: stringMap(o.labels, 'config.labels'),
    annotations: stringMap(o.annotations, 'config.annotations'),
    resources: {
      cpuLimitMillis: Math.max(0, int(res.cpuLimitMillis, 'config.resources.cpuLimitMillis')),
      cpuRequestMillis: Math.max(0, int(res.cpuRequestMillis, 'config.resources.cpuRequestMillis')),
      memoryLimitBytes: Math.max(0, int(res.memoryLimitBytes, 'config.resources.memoryLimitBytes')),
    },
  };
}

export function id(v: unknown, field = 'id'): string {
  return str(v, field, true);
}
