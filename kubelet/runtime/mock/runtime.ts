// MockRuntime: the CRI-shaped Runtime (types.ts) with simulated containers — the in-process
// binding the kubelet's unit tests use and what the runtime process (main.ts) serves on its socket.
// Sandboxes get real addresses in 127.0.0.0/8 (pod CIDR or node IP), containers run the programs
// of their image (images/) and the sh subset (programs/) through process-host.ts, their output goes
// to CRI log files, their servers really listen on the pod IP. Everything lives in this process:
// when it ends, so do the containers.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { realClock, type Clock } from '../../../lib/util/clock.js';
import type { Logger } from '../../../lib/util/logger.js';
import { CONTAINER_PORTS } from '../labels.js';
import {
  RuntimeError,
  type Container,
  type ContainerConfig,
  type ContainerFilter,
  type ContainerState,
  type ContainerStats,
  type ContainerStatus,
  type ExecOptions,
  type ExecSyncResult,
  type Image,
  type ImageSpec,
  type Mount,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type Runtime,
  type RuntimeCondition,
  type SandboxState,
  type StreamSession,
  type VersionInfo,
} from '../types.js';
import { resolveArgv } from './argv.js';
import { MountedFS } from './container-fs.js';
import { CriLogWriter } from './cri-log-writer.js';
import { openHostPorts, type CloseForwarder } from './host-ports.js';
import { newId, nanos } from './ids.js';
import { parseImageRef, type ImageRef } from './image-ref.js';
import { ImageStore } from './image-store.js';
import { imageDefinition, type ImageDefinition } from './images/index.js';
import { PodIPAllocator } from './ipam.js';
import { CommandNotFoundError, type OutputSink, type Program, type ProgramTable } from './process.js';
import { ContainerProcesses, type HostedProcess } from './process-host.js';
import { commandTable } from './programs/index.js';
import { ContainerResolver } from './resolver.js';
import { defaultHosts, resolvConf } from './sandbox-files.js';
import { sessionStdio } from './stream-session.js';
import { ContainerUsage } from './usage.js';
import * as validate from './validate.js';

export const RUNTIME_VERSION = '0.1.0';
/** What ExecSync keeps of each stream, as containerd caps it. */
const MAX_EXEC_OUTPUT = 16 * 1024 * 1024;
/** Exit status of an exec whose binary does not exist (runc: "cannot execute"). */
const EXEC_NOT_FOUND_EXIT = 126;

export interface MockRuntimeOptions {
  /** Container writable trees, sandbox files and the image list live under it. */
  rootDir: string;
  /** hostNetwork sandboxes get it; hostPorts bind on it. */
  nodeIP: string;
  /** Pod IPs come from it (the kubelet may change it through updateRuntimeConfig). */
  podCIDR: string;
  clock?: Clock;
  pullDelayMs?: number;
  /** References matching one of these fail to pull (see image-store.ts). */
  failImages?: readonly string[];
  /** sh and its commands; commandTable() when absent. */
  programs?: ProgramTable;
  logger?: Logger;
}

interface SandboxRecord {
  id: string;
  config: PodSandboxConfig;
  state: SandboxState;
  createdAt: number;
  ip: string;
  dir: string;
  nameKey: string;
  hostPorts: CloseForwarder[];
}

interface AttachedSession {
  out: OutputSink;
  err: OutputSink;
  end(): void;
}

interface ContainerRecord {
  id: string;
  sandbox: SandboxRecord;
  config: ContainerConfig;
  imageRef: string;
  image: ImageDefinition;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  fs: MountedFS;
  dir: string;
  logPath: string;
  nameKey: string;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  oomKilled: boolean;
  usage: ContainerUsage | null;
  processes: ContainerProcesses | null;
  main: HostedProcess | null;
  log: CriLogWriter | null;
  /** Stdin of the main process (config.stdin), fed by attach sessions. */
  stdin: PassThrough | null;
  attached: Set<AttachedSession>;
  /** Resolves with the exit code once the container is EXITED. */
  exited: Promise<number>;
  markExited: (code: number) => void;
}

function matchesLabels(labels: Record<string, string>, selector?: Record<string, string>): boolean {
  return !selector || Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function notFound(kind: 'sandbox' | 'container', id: string): RuntimeError {
  return new RuntimeError('NotFound', `an error occurred when try to find ${kind} ${JSON.stringify(id)}: not found`);
}

/** Bytes under a directory (bounded walk: a stats call never scans without end). */
function diskUsage(dir: string, budget = { entries: 10_000 }): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (--budget.entries < 0) break;
    try {
      const st = statSync(join(dir, name));
      total += st.isDirectory() ? diskUsage(join(dir, name), budget) : st.size;
    } catch {
      // Removed while walking.
    }
  }
  return total;
}

export class MockRuntime implements Runtime {
  private readonly clock: Clock;
  private readonly ipam: PodIPAllocator;
  readonly images: ImageStore;
  private readonly commands: ProgramTable;
  private readonly sandboxes = new Map<string, SandboxRecord>();
  private readonly containers = new Map<string, ContainerRecord>();
  /** Reserved names (sandbox and container), as containerd's name index: name → id. */
  private readonly names = new Map<string, string>();

  constructor(private readonly opts: MockRuntimeOptions) {
    this.clock = opts.clock ?? realClock;
    this.ipam = new PodIPAllocator(opts.podCIDR);
    this.commands = opts.programs ?? commandTable();
    this.images = new ImageStore({ clock: this.clock, pullDelayMs: opts.pullDelayMs ?? 0, failPatterns: opts.failImages ?? [], stateFile: join(opts.rootDir, 'images.json') });
    // Containers do not outlive the runtime: what a previous run left on disk is garbage.
    for (const sub of ['sandboxes', 'containers']) rmSync(join(opts.rootDir, sub), { recursive: true, force: true });
    mkdirSync(opts.rootDir, { recursive: true });
  }

  // ---- runtime ------------------------------------------------------------------------------

  async version(): Promise<VersionInfo> {
    return { version: '0.1.0', runtimeName: 'mock', runtimeVersion: RUNTIME_VERSION, runtimeApiVersion: 'v1' };
  }

  async status(): Promise<RuntimeCondition[]> {
    return [
      { type: 'RuntimeReady', status: true, reason: '', message: '' },
      { type: 'NetworkReady', status: true, reason: '', message: '' },
    ];
  }

  async updateRuntimeConfig(config: { podCIDR: string }): Promise<void> {
    const cidr = typeof config?.podCIDR === 'string' ? config.podCIDR : '';
    if (cidr !== '' && cidr !== this.ipam.range) this.ipam.setRange(cidr);
  }

  /** The pod CIDR sandboxes get addresses from now. */
  get podCIDR(): string {
    return this.ipam.range;
  }

  // ---- sandboxes ----------------------------------------------------------------------------

  async runPodSandbox(input: PodSandboxConfig): Promise<string> {
    const config = validate.sandboxConfig(input);
    const md = config.metadata;
    const nameKey = `${md.name}_${md.namespace}_${md.uid}_${md.attempt}`;
    const holder = this.names.get(nameKey);
    if (holder) throw new RuntimeError('AlreadyExists', `failed to reserve sandbox name ${JSON.stringify(nameKey)}: name ${JSON.stringify(nameKey)} is reserved for ${JSON.stringify(holder)}`);
    const id = newId();
    const ip = config.hostNetwork ? this.opts.nodeIP : this.ipam.allocate();
    const release = () => {
      if (!config.hostNetwork) this.ipam.release(ip);
    };
    let hostPorts: CloseForwarder[] = [];
    try {
      if (!config.hostNetwork) hostPorts = await openHostPorts(config.portMappings, this.opts.nodeIP, ip);
    } catch (err) {
      release();
      throw err;
    }
    const dir = join(this.opts.rootDir, 'sandboxes', id);
    const hostname = config.hostname || md.name;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'hostname'), `${hostname}\n`);
    writeFileSync(join(dir, 'resolv.conf'), resolvConf(config.dnsConfig));
    writeFileSync(join(dir, 'hosts'), defaultHosts(ip, hostname));
    this.sandboxes.set(id, { id, config, state: 'SANDBOX_READY', createdAt: this.clock.now(), ip, dir, nameKey, hostPorts });
    this.names.set(nameKey, id);
    this.opts.logger?.debug({ sandbox: id, pod: `${md.namespace}/${md.name}`, ip }, 'sandbox running');
    return id;
  }

  private sandbox(id: string): SandboxRecord {
    const s = this.sandboxes.get(validate.id(id, 'podSandboxId'));
    if (!s) throw notFound('sandbox', id);
    return s;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const s = this.sandbox(id);
    const dying = [...this.containers.values()].filter((c) => c.sandbox === s && c.state === 'CONTAINER_RUNNING');
    for (const c of dying) c.main?.kill();
    await Promise.all(dying.map((c) => c.exited));
    if (s.state === 'SANDBOX_NOTREADY') return;
    s.state = 'SANDBOX_NOTREADY';
    for (const close of s.hostPorts) close();
    s.hostPorts = [];
    if (!s.config.hostNetwork) this.ipam.release(s.ip);
  }

  async removePodSandbox(id: string): Promise<void> {
    if (!this.sandboxes.has(id)) return;
    await this.stopPodSandbox(id);
    const s = this.sandbox(id);
    for (const c of [...this.containers.values()]) if (c.sandbox === s) await this.removeContainer(c.id);
    this.sandboxes.delete(id);
    this.names.delete(s.nameKey);
    rmSync(s.dir, { recursive: true, force: true });
  }

  private sandboxStatus(s: SandboxRecord): PodSandboxStatus {
    return {
      id: s.id,
      metadata: { ...s.config.metadata },
      state: s.state,
      createdAt: nanos(s.createdAt),
      // A stopped sandbox has no network: containerd reports no IP once it is torn down.
      ip: s.state === 'SANDBOX_READY' ? s.ip : '',
      additionalIps: [],
      hostNetwork: s.config.hostNetwork,
      labels: { ...s.config.labels },
      annotations: { ...s.config.annotations },
    };
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    return this.sandboxStatus(this.sandbox(id));
  }

  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandboxStatus[]> {
    const f = filter ?? {};
    return [...this.sandboxes.values()]
      .filter((s) => (!f.id || s.id === f.id) && (!f.state || s.state === f.state) && matchesLabels(s.config.labels, f.labelSelector))
      .map((s) => this.sandboxStatus(s));
  }

  // ---- containers ---------------------------------------------------------------------------

  /** Declared TCP ports: the kubelet's annotation, else the sandbox's port mappings. */
  private declaredPorts(config: ContainerConfig, sandbox: SandboxRecord): number[] {
    const raw = config.annotations[CONTAINER_PORTS];
    if (raw !== undefined) {
      try {
        const ports = JSON.parse(raw) as unknown;
        if (Array.isArray(ports)) return ports.filter((p): p is number => Number.isInteger(p) && p > 0 && p < 65536);
      } catch {
        // A malformed annotation declares nothing.
      }
      return [];
    }
    return [...new Set(sandbox.config.portMappings.filter((m) => m.protocol === 'TCP' && m.containerPort > 0).map((m) => m.containerPort))];
  }

  /** The image's reference for its behaviour: the one asked for, or for an id the first tag it was pulled as. */
  private imageRefFor(image: Image, asked: string): ImageRef {
    if (!asked.startsWith('sha256:')) return parseImageRef(asked);
    return parseImageRef(image.repoTags[0] ?? image.repoDigests[0]!);
  }

  async createContainer(podSandboxId: string, input: ContainerConfig, _sandboxConfig?: PodSandboxConfig): Promise<string> {
    const config = validate.containerConfig(input);
    const sandbox = this.sandbox(podSandboxId);
    if (sandbox.state !== 'SANDBOX_READY') throw new RuntimeError('FailedPrecondition', `failed to create containerd container: sandbox container ${JSON.stringify(sandbox.id)} is not running`);
    const image = this.images.find(config.image.image);
    if (!image) throw new RuntimeError('NotFound', `failed to create containerd container: failed to get image ${JSON.stringify(config.image.image)}: not found`);
    const md = sandbox.config.metadata;
    const nameKey = `${config.metadata.name}_${md.name}_${md.namespace}_${md.uid}_${config.metadata.attempt}`;
    const holder = this.names.get(nameKey);
    if (holder) throw new RuntimeError('AlreadyExists', `failed to reserve container name ${JSON.stringify(nameKey)}: name ${JSON.stringify(nameKey)} is reserved for ${JSON.stringify(holder)}`);

    const def = imageDefinition(this.imageRefFor(image, config.image.image), { ports: this.declaredPorts(config, sandbox) });
    const argv = resolveArgv(def, config.command, config.args);
    if (argv.length === 0) throw new RuntimeError('InvalidArgument', 'failed to generate container spec: no command specified');
    const id = newId();
    const dir = join(this.opts.rootDir, 'containers', id);
    const rootfs = join(dir, 'rootfs');
    mkdirSync(join(rootfs, 'tmp'), { recursive: true });
    for (const [path, content] of Object.entries(def.files)) {
      mkdirSync(dirname(join(rootfs, path)), { recursive: true });
      writeFileSync(join(rootfs, path), content);
    }
    // The sandbox's files, unless the kubelet mounts its own (it always mounts /etc/hosts).
    const mounts: Mount[] = [...config.mounts];
    for (const file of ['hostname', 'resolv.conf', 'hosts']) {
      if (!mounts.some((m) => m.containerPath === `/etc/${file}`)) mounts.push({ containerPath: `/etc/${file}`, hostPath: join(sandbox.dir, file), readonly: false });
    }
    const hostname = sandbox.config.hostname || md.name;
    const env: Record<string, string> = { ...def.env, HOSTNAME: hostname };
    for (const kv of config.envs) env[kv.key] = kv.value;
    let markExited!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (markExited = resolve));
    const record: ContainerRecord = {
      id,
      sandbox,
      config,
      imageRef: image.id,
      image: def,
      argv,
      env,
      cwd: config.workingDir || def.workingDir,
      fs: new MountedFS(rootfs, mounts),
      dir,
      logPath: sandbox.config.logDirectory && config.logPath ? join(sandbox.config.logDirectory, config.logPath) : '',
      nameKey,
      state: 'CONTAINER_CREATED',
      createdAt: this.clock.now(),
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      reason: '',
      message: '',
      oomKilled: false,
      usage: null,
      processes: null,
      main: null,
      log: null,
      stdin: null,
      attached: new Set(),
      exited,
      markExited,
    };
    this.containers.set(id, record);
    this.names.set(nameKey, id);
    return id;
  }

  private container(id: string): ContainerRecord {
    const c = this.containers.get(validate.id(id, 'containerId'));
    if (!c) throw notFound('container', id);
    return c;
  }

  /** A program by name in this container: its image's binaries, then the sh subset (bash runs sh). */
  private lookup(def: ImageDefinition): (name: string) => Program | undefined {
    return (name) => def.programs.get(name) ?? this.commands.get(name) ?? (name === 'bash' ? this.commands.get('sh') : undefined);
  }

  async startContainer(id: string): Promise<void> {
    const c = this.container(id);
    if (c.state !== 'CONTAINER_CREATED') throw new RuntimeError('FailedPrecondition', `failed to start containerd task ${JSON.stringify(id)}: container is in ${c.state} state`);
    if (c.sandbox.state !== 'SANDBOX_READY') throw new RuntimeError('FailedPrecondition', `failed to start containerd task ${JSON.stringify(id)}: sandbox container ${JSON.stringify(c.sandbox.id)} is not running`);
    const now = this.clock.now();
    if (c.logPath) c.log = new CriLogWriter(c.logPath, this.clock, (err) => this.opts.logger?.warn({ err, container: id }, 'container log write failed'));
    const tty = c.config.tty;
    const sink = (stream: 'stdout' | 'stderr'): OutputSink => ({
      write: (chunk) => {
        c.log?.write(tty ? 'stdout' : stream, chunk);
        for (const a of c.attached) (stream === 'stdout' ? a.out : a.err).write(chunk);
      },
    });
    c.usage = new ContainerUsage(this.clock, c.config.resources, () => {
      c.oomKilled = true;
      c.main?.kill();
    });
    c.processes = new ContainerProcesses({
      clock: this.clock,
      lookup: this.lookup(c.image),
      execWrappers: c.image.execWrappers,
      fs: c.fs,
      podIP: c.sandbox.ip,
      resolver: new ContainerResolver(c.fs),
      usage: c.usage,
      hostname: c.sandbox.config.hostname || c.sandbox.config.metadata.name,
    });
    c.stdin = c.config.stdin ? new PassThrough() : null;
    try {
      c.main = c.processes.start(c.argv, { stdin: c.stdin, stdout: sink('stdout'), stderr: sink('stderr'), env: c.env, cwd: c.cwd, pid1: true });
    } catch (err) {
      if (!(err instanceof CommandNotFoundError)) throw err;
      const bin = err.command;
      const why = bin.includes('/') ? `exec: ${JSON.stringify(bin)}: stat ${bin}: no such file or directory` : `exec: ${JSON.stringify(bin)}: executable file not found in $PATH`;
      const message = `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${why}: unknown`;
      c.log?.close();
      c.usage.stop();
      Object.assign(c, { state: 'CONTAINER_EXITED', startedAt: now, finishedAt: now, exitCode: 128, reason: 'StartError', message });
      c.markExited(128);
      throw new RuntimeError('Internal', message);
    }
    c.state = 'CONTAINER_RUNNING';
    c.startedAt = now;
    void c.main.exit.then((code) => this.onMainExit(c, code));
  }

  private onMainExit(c: ContainerRecord, code: number): void {
    // As in a PID namespace: init gone, every process of the container goes.
    c.processes?.killAll();
    c.usage?.stop();
    c.log?.close();
    c.stdin?.end();
    for (const a of c.attached) a.end();
    c.attached.clear();
    c.state = 'CONTAINER_EXITED';
    c.finishedAt = this.clock.now();
    c.exitCode = code;
    c.reason = c.oomKilled ? 'OOMKilled' : code === 0 ? 'Completed' : 'Error';
    c.markExited(code);
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const c = this.container(id);
    if (c.state === 'CONTAINER_CREATED') {
      // Never started: nothing to signal, it simply counts as exited.
      Object.assign(c, { state: 'CONTAINER_EXITED', finishedAt: this.clock.now(), exitCode: 0, reason: 'Completed' });
      c.markExited(0);
      return;
    }
    if (c.state !== 'CONTAINER_RUNNING' || !c.main) return;
    const main = c.main;
    const grace = Math.max(0, Number(timeoutSeconds) || 0) * 1000;
    if (grace === 0) main.kill();
    else {
      main.signal('TERM');
      const deadline = new AbortController();
      void this.clock.sleep(grace, deadline.signal).then(() => main.kill(), () => undefined);
      void c.exited.then(() => deadline.abort());
    }
    await c.exited;
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    if (c.state === 'CONTAINER_RUNNING') {
      c.main?.kill();
      await c.exited;
    }
    this.containers.delete(id);
    this.names.delete(c.nameKey);
    rmSync(c.dir, { recursive: true, force: true });
  }

  private summary(c: ContainerRecord): Container {
    return {
      id: c.id,
      podSandboxId: c.sandbox.id,
      metadata: { ...c.config.metadata },
      image: { image: c.config.image.image },
      imageRef: c.imageRef,
      state: c.state,
      createdAt: nanos(c.createdAt),
      labels: { ...c.config.labels },
      annotations: { ...c.config.annotations },
    };
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    const c = this.container(id);
    return {
      ...this.summary(c),
      startedAt: c.startedAt ? nanos(c.startedAt) : '0',
      finishedAt: c.finishedAt ? nanos(c.finishedAt) : '0',
      exitCode: c.exitCode,
      reason: c.reason,
      message: c.message,
      mounts: c.config.mounts.map((m) => ({ ...m })),
      logPath: c.logPath,
    };
  }

  private filtered(filter: ContainerFilter = {}): ContainerRecord[] {
    const f = filter ?? {};
    return [...this.containers.values()].filter(
      (c) => (!f.id || c.id === f.id) && (!f.podSandboxId || c.sandbox.id === f.podSandboxId) && (!f.state || c.state === f.state) && matchesLabels(c.config.labels, f.labelSelector),
    );
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    return this.filtered(filter).map((c) => this.summary(c));
  }

  async reopenContainerLog(id: string): Promise<void> {
    const c = this.container(id);
    if (c.state !== 'CONTAINER_RUNNING') throw new RuntimeError('FailedPrecondition', `container ${JSON.stringify(id)} is not running`);
    c.log?.reopen();
  }

  // ---- exec and attach ----------------------------------------------------------------------

  private running(id: string): ContainerRecord & { processes: ContainerProcesses } {
    const c = this.container(id);
    if (c.state !== 'CONTAINER_RUNNING' || !c.processes) throw new RuntimeError('FailedPrecondition', `container ${JSON.stringify(id)} is not running: container is in ${c.state} state`);
    return c as ContainerRecord & { processes: ContainerProcesses };
  }

  async exec(id: string, options: ExecOptions): Promise<StreamSession> {
    const c = this.running(id);
    const cmd = validate.strings(options?.cmd, 'cmd');
    if (cmd.length === 0) throw new RuntimeError('InvalidArgument', 'cmd must not be empty');
    const stdio = sessionStdio(options);
    let proc: HostedProcess | null = null;
    let exit: Promise<number>;
    try {
      proc = c.processes.start(cmd, { stdin: stdio.stdin, stdout: stdio.outSink, stderr: stdio.errSink, env: c.env, cwd: c.cwd, pid1: false });
      exit = proc.exit;
    } catch (err) {
      if (!(err instanceof CommandNotFoundError)) throw err;
      stdio.errSink.write(`OCI runtime exec failed: exec failed: unable to start container process: exec: ${JSON.stringify(err.command)}: executable file not found in $PATH: unknown\n`);
      exit = Promise.resolve(EXEC_NOT_FOUND_EXIT);
    }
    const ended = exit.then((code) => {
      stdio.end();
      return code;
    });
    return {
      stdin: stdio.stdin,
      stdout: stdio.stdout,
      stderr: stdio.stderr,
      resize: () => undefined,
      exit: ended,
      close: () => {
        proc?.kill();
        stdio.end();
      },
    };
  }

  async execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    const session = await this.exec(id, { cmd, tty: false, stdin: false, stdout: true, stderr: true });
    const collect = (stream: NodeJS.ReadableStream | null) => {
      let text = '';
      stream?.on('data', (chunk: Buffer | string) => {
        if (text.length < MAX_EXEC_OUTPUT) text += chunk.toString();
      });
      return () => text.slice(0, MAX_EXEC_OUTPUT);
    };
    const stdout = collect(session.stdout);
    const stderr = collect(session.stderr);
    const timeoutMs = Math.max(0, Number(timeoutSeconds) || 0) * 1000;
    let exitCode: number;
    if (timeoutMs === 0) exitCode = await session.exit;
    else {
      const timer = new AbortController();
      const timedOut = this.clock.sleep(timeoutMs, timer.signal).then(() => 'timeout' as const, () => 'exited' as const);
      const result = await Promise.race([session.exit, timedOut]);
      timer.abort();
      if (result === 'timeout') {
        session.close();
        throw new RuntimeError('Internal', `command ${JSON.stringify(cmd.join(' '))} timed out: timeout ${timeoutSeconds}s exceeded: context deadline exceeded`);
      }
      exitCode = result as number;
    }
    // Let the PassThroughs deliver what they hold before reading it.
    await new Promise((r) => setImmediate(r));
    return { stdout: stdout(), stderr: stderr(), exitCode };
  }

  async attach(id: string, options: Omit<ExecOptions, 'cmd'>): Promise<StreamSession> {
    const c = this.running(id);
    const stdio = sessionStdio({ ...options, tty: options.tty && c.config.tty });
    const session: AttachedSession = { out: stdio.outSink, err: stdio.errSink, end: () => stdio.end() };
    c.attached.add(session);
    const target = c.stdin;
    if (stdio.stdin && target) {
      stdio.stdin.on('data', (chunk: Buffer) => {
        if (!target.writableEnded) target.write(chunk);
      });
      // stdinOnce: the first attached client closing stdin closes the process's stdin.
      stdio.stdin.on('end', () => {
        if (c.config.stdinOnce) target.end();
      });
    }
    return {
      stdin: stdio.stdin,
      stdout: stdio.stdout,
      stderr: stdio.stderr,
      resize: () => undefined,
      exit: c.exited,
      close: () => {
        c.attached.delete(session);
        stdio.end();
      },
    };
  }

  // ---- stats --------------------------------------------------------------------------------

  private stats(c: ContainerRecord): ContainerStats {
    return {
      id: c.id,
      podSandboxId: c.sandbox.id,
      metadata: { ...c.config.metadata },
      timestamp: nanos(this.clock.now()),
      cpuUsageCoreNanoSeconds: c.usage?.cpuNanoSeconds() ?? 0,
      cpuUsageNanoCores: c.usage?.nanoCores() ?? 0,
      memoryWorkingSetBytes: c.usage?.memoryBytes() ?? 0,
      writableLayerUsedBytes: diskUsage(join(c.dir, 'rootfs')),
    };
  }

  async containerStats(id: string): Promise<ContainerStats> {
    return this.stats(this.container(id));
  }

  async listContainerStats(filter?: ContainerFilter): Promise<ContainerStats[]> {
    return this.filtered(filter).map((c) => this.stats(c));
  }

  // ---- images -------------------------------------------------------------------------------

  async pullImage(image: ImageSpec, _sandboxConfig?: PodSandboxConfig): Promise<string> {
    return this.images.pull(validate.id(image?.image, 'image.image'));
  }

  async imageStatus(image: ImageSpec): Promise<Image | null> {
    return this.images.find(validate.id(image?.image, 'image.image'));
  }

  async listImages(): Promise<Image[]> {
    return this.images.list();
  }

  async removeImage(image: ImageSpec): Promise<void> {
    this.images.remove(validate.id(image?.image, 'image.image'));
  }

  // ---- lifetime -----------------------------------------------------------------------------

  /** Counts for /metrics. */
  counts(): { sandboxesReady: number; containersRunning: number; containers: number; pullsSucceeded: number; pullsFailed: number } {
    let running = 0;
    for (const c of this.containers.values()) if (c.state === 'CONTAINER_RUNNING') running++;
    let ready = 0;
    for (const s of this.sandboxes.values()) if (s.state === 'SANDBOX_READY') ready++;
    return { sandboxesReady: ready, containersRunning: running, containers: this.containers.size, pullsSucceeded: this.images.pulls.succeeded, pullsFailed: this.images.pulls.failed };
  }

  /** Kills every container and closes every socket: what the runtime process dying means for them. */
  async killAll(): Promise<void> {
    const running = [...this.containers.values()].filter((c) => c.state === 'CONTAINER_RUNNING');
    for (const c of running) c.main?.kill();
    await Promise.all(running.map((c) => c.exited));
    for (const s of this.sandboxes.values()) {
      for (const close of s.hostPorts) close();
      s.hostPorts = [];
    }
  }

  /** The in-process binding holds no connection; containers stay (they belong to the runtime). */
  async close(): Promise<void> {}
}
