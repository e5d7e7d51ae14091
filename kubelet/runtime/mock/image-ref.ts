// Image references normalized as containerd does (distribution's ParseDockerRef): `nginx` →
// `docker.io/library/nginx:latest`, `user/app:1` → `docker.io/user/app:1`, a digest drops the tag.
// Image ids are stable: the sha256 of the normalized reference, so two runtimes agree on them.
import { createHash } from 'node:crypto';
import { RuntimeError } from '../types.js';

export interface ImageRef {
  /** `docker.io/library/nginx` */
  repository: string;
  /** `latest` when neither tag nor digest was given; '' with a digest. */
  tag: string;
  /** `sha256:…` or ''. */
  digest: string;
  /** `docker.io/library/nginx:latest` or `docker.io/library/nginx@sha256:…`. */
  normalized: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::\d+)?$/;

function invalid(ref: string, why = ''): RuntimeError {
  return new RuntimeError('InvalidArgument', `failed to parse image reference ${JSON.stringify(ref)}: invalid reference format${why}`);
}

export function parseImageRef(ref: string): ImageRef {
  if (typeof ref !== 'string' || ref === '' || ref.length > 255 * 2) throw invalid(String(ref));
  let rest = ref;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(ref);
  }
  let tag = '';
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(ref);
  }
  const parts = rest.split('/');
  let domain = 'docker.io';
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')) {
    domain = parts.shift()!;
    if (!DOMAIN.test(domain)) throw invalid(ref);
    if (domain === 'index.docker.io') domain = 'docker.io';
  }
  if (domain === 'docker.io' && parts.length === 1) parts.unshift('library');
  for (const p of parts) {
    if (!COMPONENT.test(p)) throw invalid(ref, p.toLowerCase() !== p ? ': repository name must be lowercase' : '');
  }
  const repository = `${domain}/${parts.join('/')}`;
  if (digest) return { repository, tag: '', digest, normalized: `${repository}@${digest}` };
  tag ||= 'latest';
  return { repository, tag, digest: '', normalized: `${repository}:${tag}` };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The image config digest reported as imageRef / imageID. */
export function imageIdOf(ref: ImageRef): string {
  return `sha256:${sha256(`k8ts image config ${ref.normalized}`)}`;
}

/** The manifest digest reported in repoDigests (`docker.io/library/nginx@sha256:…`). */
export function repoDigestOf(ref: ImageRef): string {
  return ref.digest ? ref.normalized : `${ref.repository}@sha256:${sha256(`k8ts image manifest ${ref.normalized}`)}`;
}
