// Makes sure a container's image is on the node before it is created (pkg/kubelet/images/
// image_manager.go): the pull policy decides whether to pull; pulls that fail back off per image
// and pod (10 s doubling to 300 s); the events and waiting reasons are the real kubelet's —
// Pulling / Pulled / `already present on machine`, ErrImagePull, then ImagePullBackOff.
import type { Container, Pod } from '../../lib/api/types.js';
import { defaultPullPolicy } from '../../lib/api/defaults/pod.js';
import type { EventRecorder } from '../../lib/events/recorder.js';
import type { Clock } from '../../lib/util/clock.js';
import type { PodSandboxConfig, Runtime } from '../runtime/types.js';
import { containerFieldPath, goDuration } from '../pod/format.js';
import { KeyedBackoff } from './backoff.js';

export type ImageErrorReason = 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName';

/** Why a container's image is not there; `reason` is its waiting reason. */
export class ImageError extends Error {
  override readonly name = 'ImageError';
  constructor(readonly reason: ImageErrorReason, message: string) {
    super(message);
  }
}

export interface ImageManagerOptions {
  runtime: Pick<Runtime, 'pullImage' | 'imageStatus'>;
  recorder: EventRecorder;
  clock: Clock;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

export function pullPolicyOf(container: Container): 'Always' | 'IfNotPresent' | 'Never' {
  const p = container.imagePullPolicy;
  return p === 'Always' || p === 'IfNotPresent' || p === 'Never' ? p : defaultPullPolicy(container.image ?? '');
}

export class ImageManager {
  private readonly backoff: KeyedBackoff;

  constructor(private readonly opts: ImageManagerOptions) {
    this.backoff = new KeyedBackoff(opts.clock, opts.backoffInitialMs ?? 10_000, opts.backoffMaxMs ?? 300_000);
  }

  /** Milliseconds until this image may be pulled again for the pod (0 = now). */
  backoffRemaining(pod: Pod, container: Container): number {
    return this.backoff.remainingSinceUpdate(this.key(pod, container));
  }

  private key(pod: Pod, container: Container): string {
    return `${pod.metadata?.uid ?? ''}_${container.image ?? ''}`;
  }

  /** Resolves with the image reference (imageID) or rejects with an ImageError. */
  async ensureImageExists(pod: Pod, container: Container, sandboxConfig: PodSandboxConfig): Promise<string> {
    const image = container.image ?? '';
    const event = (type: 'Normal' | 'Warning', reason: string, message: string) =>
      this.opts.recorder.event(pod, type, reason, message, { fieldPath: containerFieldPath(pod, container.name) });
    if (!image.trim()) {
      const msg = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
      event('Warning', 'InspectFailed', msg);
      throw new ImageError('InvalidImageName', msg);
    }
    const present = await this.opts.runtime.imageStatus({ image });
    const policy = pullPolicyOf(container);
    const shouldPull = policy === 'Always' || (policy === 'IfNotPresent' && !present);
    if (!shouldPull) {
      if (present) {
        event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return present.repoDigests[0] ?? present.id;
      }
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      event('Warning', 'ErrImageNeverPull', msg);
      throw new ImageError('ErrImageNeverPull', msg);
    }
    const key = this.key(pod, container);
    if (this.backoff.isInBackOffSinceUpdate(key)) {
      const msg = `Back-off pulling image "${image}"`;
      event('Normal', 'BackOff', msg);
      throw new ImageError('ImagePullBackOff', msg);
    }
    event('Normal', 'Pulling', `Pulling image "${image}"`);
    const started = this.opts.clock.now();
    let ref: string;
    try {
      ref = await this.opts.runtime.pullImage({ image }, sandboxConfig);
    } catch (err) {
      const why = (err as Error).message;
      event('Warning', 'Failed', `Failed to pull image "${image}": ${why}`);
      this.backoff.next(key);
      throw new ImageError('ErrImagePull', why);
    }
    const took = goDuration(this.opts.clock.now() - started);
    const status = await this.opts.runtime.imageStatus({ image }).catch(() => null);
    event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${status?.size ?? 0} bytes.`);
    this.backoff.gc();
    return status?.repoDigests[0] ?? ref;
  }
}
