// The container runtime as the kubelet sees it: one interface shaped like the CRI
// (k8s.io/cri-api runtime/v1 RuntimeService + ImageService), so the mock runtime and, later, the
// containerd adapter are interchangeable. The kubelet reaches it over a unix socket
// (remote-client.ts ↔ server.ts, HTTP/JSON plus a WebSocket for exec/attach) or, in unit tests,
// in-process. Timestamps are Unix nanoseconds as strings where the CRI uses int64 nanoseconds —
// they overflow a double — and milliseconds as numbers elsewhere, named *Ms.
import type { Readable, Writable } from 'node:stream';

export interface KeyValue {
  key: string;
  value: string;
}

export interface PortMapping {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  containerPort: number;
  /** 0 = no host port. */
  hostPort: number;
  hostIp: string;
}

export interface DNSConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  /** 0 for the first sandbox of a pod, +1 each time it is recreated. */
  attempt: number;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname: string;
  /** Where container logs of this sandbox go: `<logDirectory>/<container.logPath>` (CRI). */
  logDirectory: string;
  dnsConfig: DNSConfig;
  portMappings: PortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** `hostNetwork: true`: the sandbox gets the node IP rather than one from the pod CIDR. */
  hostNetwork: boolean;
}

export type SandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: SandboxState;
  createdAt: string;
  /** The pod IP (the node IP for hostNetwork sandboxes). */
  ip: string;
  additionalIps: string[];
  hostNetwork: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PodSandboxFilter {
  id?: string;
  state?: SandboxState;
  labelSelector?: Record<string, string>;
}

export interface ImageSpec {
  image: string;
}

export interface Image {
  /** sha256:… digest of the image config, as imageID reports it. */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
}

export interface Resources {
  /** CPU limit in millicores; 0 = none. */
  cpuLimitMillis: number;
  cpuRequestMillis: number;
  /** Memory limit in bytes; 0 = none. Exceeding it OOM-kills the container (exit 137). */
  memoryLimitBytes: number;
}

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  /** Pod `command` (overrides the image's entrypoint); empty = the image's. */
  command: string[];
  /** Pod `args` (overrides the image's cmd); empty = the image's when command is empty too. */
  args: string[];
  workingDir: string;
  envs: KeyValue[];
  mounts: Mount[];
  /** Relative to the sandbox's logDirectory, e.g. `nginx/0.log`. */
  logPath: string;
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  resources: Resources;
}

export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: ImageSpec;
  imageRef: string;
  state: ContainerState;
  createdAt: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerStatus extends Container {
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  /** `Completed`, `Error`, `OOMKilled`, as the CRI reports them; '' while running. */
  reason: string;
  message: string;
  mounts: Mount[];
  /** Absolute path of the log file. */
  logPath: string;
}

export interface ContainerFilter {
  id?: string;
  podSandboxId?: string;
  state?: ContainerState;
  labelSelector?: Record<string, string>;
}

export interface ContainerStats {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  timestamp: string;
  /** Cumulative CPU time in nanoseconds, and the current rate in nanocores. */
  cpuUsageCoreNanoSeconds: number;
  cpuUsageNanoCores: number;
  memoryWorkingSetBytes: number;
  /** Bytes written under the container's writable layer. */
  writableLayerUsedBytes: number;
}

export interface ExecSyncResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ExecOptions {
  cmd: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** An interactive exec or attach session: streams plus the exit code when the process ends. */
export interface StreamSession {
  stdin: Writable | null;
  stdout: Readable | null;
  /** Null when tty (a terminal merges stderr into stdout). */
  stderr: Readable | null;
  resize(size: { width: number; height: number }): void;
  /** Resolves with the exit code; rejects if the container does not exist or is not running. */
  exit: Promise<number>;
  /** Ends the session from the caller's side (client went away). */
  close(): void;
}

export interface VersionInfo {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface RuntimeCondition {
  type: 'RuntimeReady' | 'NetworkReady';
  status: boolean;
  reason: string;
  message: string;
}

/**
 * Errors carry a CRI-like code so the kubelet can tell "image does not exist" (ErrImagePull) from
 * "not found" (the container is gone) across the socket.
 */
export type RuntimeErrorCode = 'NotFound' | 'AlreadyExists' | 'ImagePullFailed' | 'InvalidArgument' | 'FailedPrecondition' | 'Unavailable' | 'Internal';

export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  constructor(readonly code: RuntimeErrorCode, message: string) {
    super(message);
  }
}

export function isRuntimeError(e: unknown, code?: RuntimeErrorCode): e is RuntimeError {
  return e instanceof RuntimeError && (code === undefined || e.code === code);
}

export interface RuntimeService {
  version(): Promise<VersionInfo>;
  status(): Promise<RuntimeCondition[]>;
  /** CRI UpdateRuntimeConfig: the node's pod CIDR, from which sandboxes get their IPs. */
  updateRuntimeConfig(config: { podCIDR: string }): Promise<void>;

  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops every container of the sandbox (killing at once) and releases the IP; idempotent. */
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandboxStatus[]>;

  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after timeoutSeconds (0 = kill now). Resolves once exited. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  containerStatus(id: string): Promise<ContainerStatus>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;
  /** CRI ReopenContainerLog: the kubelet rotated the file, write to a fresh one at the same path. */
  reopenContainerLog(id: string): Promise<void>;

  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult>;
  exec(id: string, options: ExecOptions): Promise<StreamSession>;
  attach(id: string, options: Omit<ExecOptions, 'cmd'>): Promise<StreamSession>;

  containerStats(id: string): Promise<ContainerStats>;
  listContainerStats(filter?: ContainerFilter): Promise<ContainerStats[]>;
}

export interface ImageService {
  pullImage(image: ImageSpec, sandboxConfig?: PodSandboxConfig): Promise<string>;
  /** Null when the image is not present. */
  imageStatus(image: ImageSpec): Promise<Image | null>;
  listImages(): Promise<Image[]>;
  removeImage(image: ImageSpec): Promise<void>;
}

export interface Runtime extends RuntimeService, ImageService {
  /** Releases sockets; does not stop containers (they belong to the runtime process). */
  close(): Promise<void>;
}
