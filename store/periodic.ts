// Repeating jobs on the injected clock (a FakeClock drives them in tests). Real timers are unref'd:
// periodic housekeeping must not keep a process alive.
import type { Clock, TimerHandle } from '../lib/util/clock.js';

/** Runs `fn` every `ms` until the returned function is called. */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let handle: TimerHandle | undefined;
  let cancelled = false;
  const arm = () => {
    handle = clock.setTimeout(() => {
      if (cancelled) return;
      arm();
      fn();
    }, ms);
    (handle as { unref?: () => void }).unref?.();
  };
  arm();
  return () => {
    cancelled = true;
    if (handle !== undefined) clock.clearTimeout(handle);
  };
}
