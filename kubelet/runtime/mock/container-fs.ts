// A container's file tree: its own writable directory with mounts over it, each mount a host
// directory or file (volumes, /etc/hosts, /etc/resolv.conf). The longest mount prefix wins.
import { join, posix } from 'node:path';
import type { ContainerFS } from './process.js';
import type { Mount } from '../types.js';

export class MountedFS implements ContainerFS {
  private readonly mounts: Mount[];

  constructor(
    private readonly rootDir: string,
    mounts: readonly Mount[],
  ) {
    // Longest container path first, so the first match is the most specific.
    this.mounts = mounts.map((m) => ({ ...m, containerPath: posix.normalize(m.containerPath).replace(/(.)\/$/, '$1') })).sort((a, b) => b.containerPath.length - a.containerPath.length);
  }

  private mountFor(path: string): Mount | undefined {
    return this.mounts.find((m) => path === m.containerPath || m.containerPath === '/' || path.startsWith(`${m.containerPath}/`));
  }

  resolve(containerPath: string): string {
    const path = posix.normalize(posix.isAbsolute(containerPath) ? containerPath : `/${containerPath}`);
    const mount = this.mountFor(path);
    if (!mount) return join(this.rootDir, path);
    const rest = path.slice(mount.containerPath === '/' ? 0 : mount.containerPath.length);
    return rest === '' ? mount.hostPath : join(mount.hostPath, rest);
  }

  readOnly(containerPath: string): boolean {
    const path = posix.normalize(posix.isAbsolute(containerPath) ? containerPath : `/${containerPath}`);
    return this.mountFor(path)?.readonly ?? false;
  }
}
