// The process a container runs, resolved as Docker and the CRI do (kuberuntime + containerd's
// WithProcessArgs): `command` replaces the image's ENTRYPOINT and, when given, drops its CMD;
// `args` replaces CMD. So busybox (no entrypoint) with only args runs the args, and nginx with
// only args runs /docker-entrypoint.sh with them.
export interface ImageCommand {
  entrypoint: readonly string[];
  cmd: readonly string[];
}

export function resolveArgv(image: ImageCommand, command: readonly string[], args: readonly string[]): string[] {
  if (command.length > 0) return [...command, ...args];
  return [...image.entrypoint, ...(args.length > 0 ? args : image.cmd)];
}
