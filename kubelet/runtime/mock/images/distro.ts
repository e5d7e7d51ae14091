// Base images that only carry a shell: busybox (no entrypoint, cmd ["sh"]), alpine (cmd
// ["/bin/sh"]), debian and ubuntu (cmd ["bash"], which the mock runs as its sh). With no stdin the
// shell reads nothing and exits 0 at once, as `docker run busybox` does.
import { image, type ImageDefinition } from './types.js';

export function busyboxImage(): ImageDefinition {
  return image({ cmd: ['sh'], sizeBytes: 2 * 1024 * 1024 });
}

export function alpineImage(): ImageDefinition {
  return image({ cmd: ['/bin/sh'], sizeBytes: 3 * 1024 * 1024 });
}

export function debianImage(): ImageDefinition {
  return image({ cmd: ['bash'], sizeBytes: 48 * 1024 * 1024 });
}
