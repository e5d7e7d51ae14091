// An in-process Runtime for the kubelet server's tests: containers and sandboxes are plain
// records the test sets up, stats are fixed numbers, and exec understands just enough commands
// (`echo`, `cat`, `sh -c 'exit N'`, `sh -c 'echo X >&2'`) to drive the channel protocol.
// Everything else a real runtime does is absent and throws.
import { PassThrough } from 'node:stream';
import { CONTAINER_RESTART_COUNT, containerLabels, podLabels } from '../../../../kubelet/runtime/labels.js';
import {
  RuntimeError,
  type Container,
  type ContainerFilter,
  type ContainerStats,
  type ContainerStatus,
  type ExecOptions,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type Runtime,
  type StreamSession,
} from '../../../../kubelet/runtime/types.js';

export interface FakePod {
  namespace: string;
  name: string;
  uid: string;
}

function matchesLabels(labels: Record<string, string>, selector?: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

function absent(): never {
  throw new RuntimeError('Internal', 'not implemented by the test runtime');
}

export class FakeRuntime implements Runtime {
  readonly sandboxes: PodSandboxStatus[] = [];
  readonly containers: ContainerStatus[] = [];
  readonly stats = new Map<string, ContainerStats>();
  readonly resizes: Array<{ width: number; height: number }> = [];
  private next = 1;

  addSandbox(pod: FakePod, createdAtMs = 1_700_000_000_000): PodSandboxStatus {
    const sb: PodSandboxStatus = {
      id: `sb-${this.next++}`,
      metadata: { ...pod, attempt: 0 },
      state: 'SANDBOX_READY',
      createdAt: String(createdAtMs * 1e6),
      ip: '127.244.1.2',
      additionalIps: [],
      hostNetwork: false,
      labels: podLabels(pod),
      annotations: {},
    };
    this.sandboxes.push(sb);
    return sb;
  }

  addContainer(sandbox: PodSandboxStatus, name: string, opts: { restartCount?: number; state?: ContainerStatus['state']; logPath: string; cpuNanoCores?: number; memoryBytes?: number }): ContainerStatus {
    const pod = { namespace: sandbox.metadata.namespace, name: sandbox.metadata.name, uid: sandbox.metadata.uid };
    const restartCount = opts.restartCount ?? 0;
    const c: ContainerStatus = {
      id: `c-${this.next++}`,
      podSandboxId: sandbox.id,
      metadata: { name, attempt: restartCount },
      image: { image: 'busybox' },
      imageRef: 'sha256:0',
      state: opts.state ?? 'CONTAINER_RUNNING',
      createdAt: sandbox.createdAt,
      labels: containerLabels(pod, name),
      annotations: { [CONTAINER_RESTART_COUNT]: String(restartCount) },
      startedAt: sandbox.createdAt,
      finishedAt: '0',
      exitCode: 0,
      reason: '',
      message: '',
      mounts: [],
      logPath: opts.logPath,
    };
    this.containers.push(c);
    this.stats.set(c.id, {
      id: c.id,
      podSandboxId: sandbox.id,
      metadata: c.metadata,
      timestamp: String(Date.now() * 1e6),
      cpuUsageCoreNanoSeconds: 5e9,
      cpuUsageNanoCores: opts.cpuNanoCores ?? 25_000_000,
      memoryWorkingSetBytes: opts.memoryBytes ?? 8 * 1024 * 1024,
      writableLayerUsedBytes: 4096,
    });
    return c;
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    return this.containers.filter((c) => (!filter?.id || c.id === filter.id) && (!filter?.state || c.state === filter.state) && (!filter?.podSandboxId || c.podSandboxId === filter.podSandboxId) && matchesLabels(c.labels, filter?.labelSelector));
  }
  async containerStatus(id: string): Promise<ContainerStatus> {
    const c = this.containers.find((x) => x.id === id);
    if (!c) throw new RuntimeError('NotFound', `container ${id} not found`);
    return c;
  }
  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandboxStatus[]> {
    return this.sandboxes.filter((s) => (!filter?.state || s.state === filter.state) && matchesLabels(s.labels, filter?.labelSelector));
  }
  async listContainerStats(): Promise<ContainerStats[]> {
    return [...this.stats.values()];
  }
  async containerStats(id: string): Promise<ContainerStats> {
    return this.stats.get(id) ?? absent();
  }

  async exec(id: string, options: ExecOptions): Promise<StreamSession> {
    const c = await this.containerStatus(id);
    if (c.state !== 'CONTAINER_RUNNING') throw new RuntimeError('FailedPrecondition', `container ${id} is not running`);
    return this.session(options, options.cmd);
  }
  async attach(id: string, options: Omit<ExecOptions, 'cmd'>): Promise<StreamSession> {
    await this.containerStatus(id);
    return this.session({ ...options, cmd: ['cat'] }, ['cat']);
  }

  /** A tiny command interpreter behind a StreamSession. */
  private session(options: ExecOptions, cmd: readonly string[]): StreamSession {
    const stdin = options.stdin ? new PassThrough() : null;
    const stdout = options.stdout ? new PassThrough() : null;
    const stderr = options.stderr && !options.tty ? new PassThrough() : null;
    let resolveExit!: (code: number) => void;
    const exit = new Promise<number>((r) => (resolveExit = r));
    const finish = (code: number) => {
      stdout?.end();
      stderr?.end();
      resolveExit(code);
    };
    const script = cmd[0] === 'sh' && cmd[1] === '-c' ? (cmd[2] ?? '') : undefined;
    if (cmd[0] === 'echo') {
      stdout?.write(`${cmd.slice(1).join(' ')}\n`);
      setImmediate(() => finish(0));
    } else if (cmd[0] === 'cat') {
      if (!stdin) setImmediate(() => finish(0));
      else {
        stdin.on('data', (d: Buffer) => stdout?.write(d));
        stdin.on('end', () => finish(0));
      }
    } else if (script !== undefined && /^exit \d+$/.test(script)) {
      setImmediate(() => finish(Number(script.slice(5))));
    } else if (script !== undefined && /^echo .* >&2$/.test(script)) {
      (stderr ?? stdout)?.write(`${script.slice(5, -4)}\n`);
      setImmediate(() => finish(0));
    } else {
      (stderr ?? stdout)?.write(`sh: ${cmd[0]}: not found\n`);
      setImmediate(() => finish(127));
    }
    return {
      stdin,
      stdout,
      stderr,
      resize: (size) => void this.resizes.push(size),
      exit,
      close: () => finish(137),
    };
  }

  // ---- not needed by the server: absent ----
  version = absent;
  status = absent;
  updateRuntimeConfig = absent;
  runPodSandbox = absent;
  stopPodSandbox = absent;
  removePodSandbox = absent;
  podSandboxStatus = absent;
  createContainer = absent;
  startContainer = absent;
  stopContainer = absent;
  removeContainer = absent;
  reopenContainerLog = absent;
  execSync = absent;
  pullImage = absent;
  imageStatus = absent;
  listImages = absent;
  removeImage = absent;
  async close(): Promise<void> {}
}

