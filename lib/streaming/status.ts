// What the status channel (3) carries from v4 on: a metav1.Status as JSON. The shapes follow the
// kubelet's remotecommand server: Success with no message; a process that exited non-zero is
// Failure/NonZeroExitCode with the exit code as the cause `ExitCode`; any other failure is an
// InternalError. kubectl turns NonZeroExitCode into its own exit code.

export interface StreamStatusCause {
  reason: string;
  message: string;
}

export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes: StreamStatusCause[] };
}

export const NON_ZERO_EXIT_CODE = 'NonZeroExitCode';
export const EXIT_CODE_CAUSE = 'ExitCode';

export function successStatus(): StreamStatus {
  return { metadata: {}, status: 'Success' };
}

/** The status for a command that exited: Success for 0, NonZeroExitCode otherwise. */
export function exitStatus(exitCode: number, command: readonly string[] = []): StreamStatus {
  if (exitCode === 0) return successStatus();
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: NON_ZERO_EXIT_CODE,
    details: { causes: [{ reason: EXIT_CODE_CAUSE, message: String(exitCode) }] },
  };
}

/** A failure that is not an exit code (the container is gone, the runtime is down). */
export function errorStatus(message: string): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    code: 500,
    details: { causes: [{ reason: '', message }] },
  };
}

/**
 * The exit code a status reports: 0 for Success, the ExitCode cause for NonZeroExitCode, and
 * undefined for other failures (the caller reports the message instead).
 */
export function exitCodeOf(status: StreamStatus): number | undefined {
  if (status.status === 'Success') return 0;
  if (status.reason !== NON_ZERO_EXIT_CODE) return undefined;
  const cause = status.details?.causes.find((c) => c.reason === EXIT_CODE_CAUSE);
  const code = cause ? Number(cause.message) : NaN;
  return Number.isInteger(code) ? code : undefined;
}

/** Parses a channel-3 payload; null when it is not a Status (v1–v3 servers sent plain text). */
export function decodeStatus(data: Uint8Array): StreamStatus | null {
  try {
    const v = JSON.parse(Buffer.from(data).toString('utf8')) as StreamStatus;
    return typeof v === 'object' && v !== null && (v.status === 'Success' || v.status === 'Failure') ? v : null;
  } catch {
    return null;
  }
}
