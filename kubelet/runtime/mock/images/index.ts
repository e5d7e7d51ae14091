// The images the mock runtime knows, by normalized repository (tags do not matter: nginx:1.25 and
// nginx:latest behave alike). Anything else is an unknown image: it serves HTTP on its ports.
import type { ImageRef } from '../image-ref.js';
import { agnhostImage } from './agnhost.js';
import { alpineImage, busyboxImage, debianImage } from './distro.js';
import { httpdImage } from './httpd.js';
import { nginxImage } from './nginx.js';
import { pauseImage } from './pause.js';
import { unknownImage } from './port-server.js';
import type { ImageContext, ImageDefinition } from './types.js';

export type { ImageDefinition, ImageContext } from './types.js';

const KNOWN: ReadonlyArray<[RegExp, () => ImageDefinition]> = [
  [/^docker\.io\/library\/nginx$|^docker\.io\/nginxinc\/nginx-unprivileged$|\/nginx$/, nginxImage],
  [/^docker\.io\/library\/httpd$/, httpdImage],
  [/^registry\.k8s\.io\/e2e-test-images\/agnhost$|^k8s\.gcr\.io\/e2e-test-images\/agnhost$/, agnhostImage],
  [/^(registry\.k8s\.io|k8s\.gcr\.io|docker\.io\/library)\/pause$/, pauseImage],
  [/^docker\.io\/library\/busybox$|^registry\.k8s\.io\/e2e-test-images\/busybox$/, busyboxImage],
  [/^docker\.io\/library\/alpine$/, alpineImage],
  [/^docker\.io\/library\/(debian|ubuntu)$/, debianImage],
];

export function imageDefinition(ref: ImageRef, context: ImageContext): ImageDefinition {
  for (const [pattern, make] of KNOWN) if (pattern.test(ref.repository)) return make();
  return unknownImage(context.ports);
}

/** Rough sizes for listImages, without building the programs. */
export function imageSize(ref: ImageRef): number {
  return imageDefinition(ref, { ports: [] }).sizeBytes;
}
