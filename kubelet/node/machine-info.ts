// What the node reports about the machine (cadvisor's MachineInfo and the kubelet's nodeInfo):
// read once at start from the host, behind an interface so tests pass fixed values.
import { readFileSync, statfsSync } from 'node:fs';
import { arch, cpus, release, totalmem, hostname } from 'node:os';

export interface MachineInfo {
  hostname: string;
  cpus: number;
  memoryBytes: number;
  /** Bytes of the filesystem holding the kubelet's root dir. */
  rootFsBytes: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  /** GOARCH spelling: amd64, arm64, … */
  architecture: string;
}

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function goArch(nodeArch: string): string {
  return GOARCH[nodeArch] ?? nodeArch;
}

/** PRETTY_NAME from os-release text, as the kubelet's osImage. */
export function osImageFrom(osRelease: string): string {
  const m = /^PRETTY_NAME=(.*)$/m.exec(osRelease);
  if (!m) return 'Linux';
  return m[1]!.trim().replace(/^["']|["']$/g, '');
}

function readTrim(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The host's values; rootDir sizes ephemeral-storage. */
export function readMachineInfo(rootDir: string): MachineInfo {
  let rootFsBytes = 0;
  try {
    const st = statfsSync(rootDir);
    rootFsBytes = Number(st.blocks) * Number(st.bsize);
  } catch {
    // unknown: the flag or 0
  }
  const machineID = readTrim('/etc/machine-id');
  return {
    hostname: hostname().toLowerCase(),
    cpus: cpus().length,
    memoryBytes: totalmem(),
    rootFsBytes,
    machineID,
    systemUUID: readTrim('/sys/class/dmi/id/product_uuid') || machineID,
    bootID: readTrim('/proc/sys/kernel/random/boot_id'),
    kernelVersion: release(),
    osImage: osImageFrom(readTrim('/etc/os-release')),
    architecture: goArch(arch()),
  };
}
