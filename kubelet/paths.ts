// Where a kubelet keeps things on disk, in one place so the kubelet, the runtime (which writes
// container logs where the kubelet asks) and the log server agree. Same layout as the real kubelet
// under its --root-dir and /var/log/pods, rooted at flags so a laptop cluster needs no root.
import { join } from 'node:path';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

/** `/var/log/pods/<namespace>_<name>_<uid>`: the sandbox's logDirectory. */
export function podLogDir(podLogsRoot: string, pod: PodRef): string {
  return join(podLogsRoot, `${pod.namespace}_${pod.name}_${pod.uid}`);
}

/** A container's log file, relative to podLogDir: `<container>/<restartCount>.log` (CRI logPath). */
export function containerLogRelPath(container: string, restartCount: number): string {
  return join(container, `${restartCount}.log`);
}

/** `<root-dir>/pods/<uid>`: everything the kubelet keeps for one pod. */
export function podDir(rootDir: string, uid: string): string {
  return join(rootDir, 'pods', uid);
}

/** `<root-dir>/pods/<uid>/volumes/<plugin with / as ~>/<volume>`, e.g. kubernetes.io~empty-dir. */
export function podVolumeDir(rootDir: string, uid: string, plugin: string, volume: string): string {
  return join(podDir(rootDir, uid), 'volumes', plugin.replace(/\//g, '~'), volume);
}

/** `<root-dir>/pods/<uid>/etc-hosts`: the /etc/hosts the kubelet writes and mounts into containers. */
export function podEtcHostsPath(rootDir: string, uid: string): string {
  return join(podDir(rootDir, uid), 'etc-hosts');
}
