// The runtime socket's protocol, shared by server.ts and remote-client.ts (README.md documents it):
// unary calls are `POST /v1/<method>` with the parameters as named JSON fields, answered
// `{"result": …}` or `{"error": {"code", "message"}}`; exec and attach are WebSockets on
// `GET /v1/exec` and `GET /v1/attach` speaking the Kubernetes channel protocol (v5.channel.k8s.io).
import type { RuntimeErrorCode } from './types.js';

/** Each unary method and its parameters, in the order the Runtime interface takes them. */
export const UNARY_METHODS = {
  version: [],
  status: [],
  updateRuntimeConfig: ['config'],
  runPodSandbox: ['config'],
  stopPodSandbox: ['podSandboxId'],
  removePodSandbox: ['podSandboxId'],
  podSandboxStatus: ['podSandboxId'],
  listPodSandbox: ['filter'],
  createContainer: ['podSandboxId', 'config', 'sandboxConfig'],
  startContainer: ['containerId'],
  stopContainer: ['containerId', 'timeout'],
  removeContainer: ['containerId'],
  containerStatus: ['containerId'],
  listContainers: ['filter'],
  reopenContainerLog: ['containerId'],
  execSync: ['containerId', 'cmd', 'timeout'],
  containerStats: ['containerId'],
  listContainerStats: ['filter'],
  pullImage: ['image', 'sandboxConfig'],
  imageStatus: ['image'],
  listImages: [],
  removeImage: ['image'],
} as const satisfies Record<string, readonly string[]>;

export type UnaryMethod = keyof typeof UNARY_METHODS;

export function isUnaryMethod(name: string): name is UnaryMethod {
  return Object.prototype.hasOwnProperty.call(UNARY_METHODS, name);
}

export const HTTP_STATUS: Readonly<Record<RuntimeErrorCode, number>> = {
  InvalidArgument: 400,
  NotFound: 404,
  AlreadyExists: 409,
  FailedPrecondition: 412,
  ImagePullFailed: 422,
  Internal: 500,
  Unavailable: 503,
};

export function isErrorCode(code: unknown): code is RuntimeErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(HTTP_STATUS, code);
}

/** Largest request body the server reads. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** WebSocket subprotocols, newest first; v4 and v5 frame the same way, v5 adds CLOSE. */
export const STREAM_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** The metav1.Status the status channel carries, as the kubelet writes it. */
export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: Array<{ reason: string; message: string }> };
}

export function exitStatus(code: number, cmd: readonly string[]): StreamStatus {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command '${cmd.join(' ')}' exited with ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function failureStatus(message: string): StreamStatus {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError' };
}

/** The exit code a status stands for, or an Error for a failure that is not an exit code. */
export function exitCodeOf(status: StreamStatus): number | Error {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && cause && /^\d+$/.test(cause.message)) return Number(cause.message);
  return new Error(status.message ?? 'stream failed');
}
