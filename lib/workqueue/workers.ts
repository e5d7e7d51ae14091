// The worker loop every controller runs: n workers take keys from a rate-limiting queue and
// reconcile them; a success forgets the key's failures, a throw requeues it with backoff.
import type { Logger } from '../util/logger.js';
import type { RateLimitingQueue } from './rate-limiting-queue.js';

export type Reconcile<T> = (key: T, signal: AbortSignal) => Promise<void> | void;

export interface RunWorkersOptions {
  /** Aborting shuts the queue down; workers finish the key in hand and take no more. */
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Runs `workers` loops of get → reconcile → done until `signal` aborts (or the queue is shut down).
 * Resolves once every loop has exited, i.e. no reconcile is running any more: a controller that
 * awaits this after losing its lease knows its work has stopped.
 */
export async function runWorkers<T>(
  queue: RateLimitingQueue<T>,
  workers: number,
  reconcile: Reconcile<T>,
  opts: RunWorkersOptions,
): Promise<void> {
  if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`runWorkers: workers must be a positive integer, got ${workers}`);
  const { signal, logger } = opts;
  const stop = () => queue.shutDown();
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  try {
    await Promise.all(Array.from({ length: workers }, () => workerLoop(queue, reconcile, signal, logger)));
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

async function workerLoop<T>(queue: RateLimitingQueue<T>, reconcile: Reconcile<T>, signal: AbortSignal, logger: Logger): Promise<void> {
  for (;;) {
    const key = await queue.get();
    if (key === undefined) return;
    try {
      // A shut-down queue still hands out what was queued; once aborted, leave it unprocessed.
      if (signal.aborted) return;
      await reconcile(key, signal);
      queue.forget(key);
    } catch (err) {
      // A reconcile cut short by the abort is not a failure worth retrying or reporting.
      if (signal.aborted) return;
      queue.addRateLimited(key);
      logger.warn({ key: String(key), err, requeues: queue.numRequeues(key) }, 'reconcile failed; requeued with backoff');
    } finally {
      queue.done(key);
    }
  }
}
