// Non-local control flow inside the interpreter, carried as exceptions: exit, return, break and
// continue; and the exit status a signal gives (128+n).
import { SIGNAL_NUMBER, type Signal } from '../../process.js';

export class ExitSignal {
  constructor(readonly status: number) {}
}

export class ReturnSignal {
  constructor(readonly status: number) {}
}

export class LoopControl {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {}
}

/** The status of a process ended by an abort whose reason names a signal (SIGPIPE: `PIPE`). */
export function signalStatus(reason: unknown): number {
  if (reason === 'PIPE') return 128 + 13;
  if (typeof reason === 'string' && reason in SIGNAL_NUMBER) return 128 + SIGNAL_NUMBER[reason as Signal];
  return 128 + SIGNAL_NUMBER.KILL;
}

/** A promise that rejects when `signal` aborts (for racing work that cannot be cancelled). */
export function whenAborted(signal: AbortSignal): { promise: Promise<never>; cancel(): void } {
  let cancel = () => undefined as void;
  const promise = new Promise<never>((_, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    cancel = () => signal.removeEventListener('abort', onAbort);
  });
  promise.catch(() => undefined);
  return { promise, cancel };
}
