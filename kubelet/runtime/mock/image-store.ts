// The runtime's images: pulls that take a configurable time and fail for references that cannot
// exist (containing `doesnotexist` or `nonexistent`, or matching a --fail-images pattern) with
// containerd's message, concurrent pulls of one reference shared, the list kept in a JSON file so
// a restarted runtime still has its images, as containerd's content store does.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../../lib/util/clock.js';
import { RuntimeError, type Image } from '../types.js';
import { imageIdOf, parseImageRef, repoDigestOf, type ImageRef } from './image-ref.js';
import { imageSize } from './images/index.js';

const ALWAYS_FAIL = ['doesnotexist', 'nonexistent'];

/** A pattern matches the reference as written or normalized; `*` is a wildcard, else a substring. */
export function matchesPattern(pattern: string, ref: string, normalized: string): boolean {
  if (!pattern.includes('*')) return ref.includes(pattern) || normalized.includes(pattern);
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(ref) || re.test(normalized);
}

export interface ImageStoreOptions {
  clock: Clock;
  pullDelayMs: number;
  failPatterns: readonly string[];
  /** Where the image list is kept; none in tests that do not care. */
  stateFile?: string;
}

export class ImageStore {
  private readonly images = new Map<string, Image>();
  private readonly inflight = new Map<string, Promise<string>>();
  pulls = { succeeded: 0, failed: 0 };

  constructor(private readonly opts: ImageStoreOptions) {
    if (opts.stateFile) {
      try {
        for (const img of JSON.parse(readFileSync(opts.stateFile, 'utf8')) as Image[]) if (img && typeof img.id === 'string' && Array.isArray(img.repoTags)) this.images.set(img.id, img);
      } catch {
        // No list yet, or a torn one: start empty; images are pulled again.
      }
    }
  }

  /** Pulls (or finds) the image; resolves with its id, the CRI's image ref. */
  pull(reference: string): Promise<string> {
    const ref = parseImageRef(reference);
    const existing = this.inflight.get(ref.normalized);
    if (existing) return existing;
    const pulling = this.doPull(reference, ref).finally(() => this.inflight.delete(ref.normalized));
    this.inflight.set(ref.normalized, pulling);
    return pulling;
  }

  private async doPull(reference: string, ref: ImageRef): Promise<string> {
    if (this.opts.pullDelayMs > 0) await this.opts.clock.sleep(this.opts.pullDelayMs);
    const patterns = [...ALWAYS_FAIL, ...this.opts.failPatterns];
    if (patterns.some((p) => matchesPattern(p, reference, ref.normalized))) {
      this.pulls.failed++;
      const n = ref.normalized;
      throw new RuntimeError('ImagePullFailed', `failed to pull and unpack image "${n}": failed to resolve reference "${n}": ${n}: not found`);
    }
    const id = imageIdOf(ref);
    const prior = this.images.get(id);
    const tag = ref.tag ? [ref.normalized] : [];
    this.images.set(id, {
      id,
      repoTags: [...new Set([...(prior?.repoTags ?? []), ...tag])],
      repoDigests: [...new Set([...(prior?.repoDigests ?? []), repoDigestOf(ref)])],
      size: imageSize(ref),
    });
    this.pulls.succeeded++;
    this.save();
    return id;
  }

  /** By reference (tag or digest) or by id. */
  find(reference: string): Image | null {
    if (/^sha256:[a-f0-9]{64}$/.test(reference)) return this.images.get(reference) ?? null;
    let ref: ImageRef;
    try {
      ref = parseImageRef(reference);
    } catch {
      return null;
    }
    for (const img of this.images.values()) if (img.repoTags.includes(ref.normalized) || img.repoDigests.includes(ref.normalized)) return img;
    return null;
  }

  list(): Image[] {
    return [...this.images.values()].map((i) => ({ ...i, repoTags: [...i.repoTags], repoDigests: [...i.repoDigests] }));
  }

  remove(reference: string): void {
    const img = this.find(reference);
    if (img && this.images.delete(img.id)) this.save();
  }

  private save(): void {
    if (!this.opts.stateFile) return;
    try {
      mkdirSync(dirname(this.opts.stateFile), { recursive: true });
      writeFileSync(`${this.opts.stateFile}.tmp`, JSON.stringify(this.list()));
      // rename is atomic: a crash leaves the old list or the new one, never half of one.
      renameSync(`${this.opts.stateFile}.tmp`, this.opts.stateFile);
    } catch {
      // The list is a convenience; a failed write only means pulling again after a restart.
    }
  }
}
