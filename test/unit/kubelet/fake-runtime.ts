// An in-memory Runtime for kubelet unit tests: sandboxes and containers that only change when the
// test says so (exit a container, lose everything as a restarted runtime would), images that pull
// unless their name says `nonexistent`/`doesnotexist`, and timestamps from the FakeClock.
import type { Clock } from '../../../lib/util/clock.js';
import {
  RuntimeError,
  type Container,
  type ContainerConfig,
  type ContainerFilter,
  type ContainerStatus,
  type Image,
  type ImageSpec,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type Runtime,
} from '../../../kubelet/runtime/types.js';

interface FakeContainer {
  status: ContainerStatus;
  config: ContainerConfig;
}

function matches(labels: Record<string, string>, selector?: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

export class FakeRuntime implements Runtime {
  sandboxes = new Map<string, PodSandboxStatus & { config: PodSandboxConfig }>();
  containers = new Map<string, FakeContainer>();
  images = new Map<string, Image>();
  /** Every call, in order, as `verb id-or-name`. */
  calls: string[] = [];
  /** Grace periods passed to stopContainer, by container name. */
  stopGrace: Array<{ name: string; grace: number }> = [];
  private nextId = 1;
  private nextIp = 2;

  constructor(private readonly clock: Clock) {}

  private ns(): string {
    return String(BigInt(this.clock.now()) * 1_000_000n);
  }

  // ---- test controls ----

  /** The container named `name` of pod `uid` that runs now. */
  running(uid: string, name: string): FakeContainer | undefined {
    return [...this.containers.values()].find((c) => c.status.labels['io.kubernetes.pod.uid'] === uid && c.status.metadata.name === name && c.status.state === 'CONTAINER_RUNNING');
  }

  byName(uid: string, name: string): FakeContainer[] {
    return [...this.containers.values()].filter((c) => c.status.labels['io.kubernetes.pod.uid'] === uid && c.status.metadata.name === name);
  }

  /** The process of a running container ends with this code. */
  exit(id: string, code: number, reason = code === 0 ? 'Completed' : 'Error'): void {
    const c = this.containers.get(id);
    if (!c || c.status.state !== 'CONTAINER_RUNNING') throw new Error(`fake runtime: ${id} is not running`);
    Object.assign(c.status, { state: 'CONTAINER_EXITED', exitCode: code, reason, finishedAt: this.ns() });
  }

  /** The runtime restarted: every sandbox and container is gone. */
  loseEverything(): void {
    this.sandboxes.clear();
    this.containers.clear();
  }

  // ---- RuntimeService ----

  async version() {
    return { version: '0.1.0', runtimeName: 'mock', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
  }
  async status() {
    return [];
  }
  async updateRuntimeConfig(): Promise<void> {}

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = `sb${this.nextId++}`;
    this.calls.push(`runPodSandbox ${config.metadata.name}#${config.metadata.attempt}`);
    this.sandboxes.set(id, {
      id,
      metadata: config.metadata,
      state: 'SANDBOX_READY',
      createdAt: this.ns(),
      ip: config.hostNetwork ? '127.0.10.1' : `127.244.1.${this.nextIp++}`,
      additionalIps: [],
      hostNetwork: config.hostNetwork,
      labels: config.labels,
      annotations: config.annotations,
      config,
    });
    return id;
  }
  async stopPodSandbox(id: string): Promise<void> {
    this.calls.push(`stopPodSandbox ${id}`);
    const s = this.sandboxes.get(id);
    if (!s) return;
    s.state = 'SANDBOX_NOTREADY';
    for (const c of this.containers.values()) {
      if (c.status.podSandboxId === id && c.status.state === 'CONTAINER_RUNNING') Object.assign(c.status, { state: 'CONTAINER_EXITED', exitCode: 137, reason: 'Error', finishedAt: this.ns() });
    }
  }
  async removePodSandbox(id: string): Promise<void> {
    this.calls.push(`removePodSandbox ${id}`);
    this.sandboxes.delete(id);
    for (const [cid, c] of this.containers) if (c.status.podSandboxId === id) this.containers.delete(cid);
  }
  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const s = this.sandboxes.get(id);
    if (!s) throw new RuntimeError('NotFound', `sandbox ${id} not found`);
    const { config: _c, ...rest } = s;
    return rest;
  }
  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandboxStatus[]> {
    return [...this.sandboxes.values()]
      .filter((s) => (!filter.id || s.id === filter.id) && (!filter.state || s.state === filter.state) && matches(s.labels, filter.labelSelector))
      .map(({ config: _c, ...rest }) => ({ ...rest }));
  }

  async createContainer(podSandboxId: string, config: ContainerConfig): Promise<string> {
    if (!this.sandboxes.has(podSandboxId)) throw new RuntimeError('NotFound', `sandbox ${podSandboxId} not found`);
    const id = `c${this.nextId++}`;
    this.calls.push(`createContainer ${config.metadata.name}`);
    const status: ContainerStatus = {
      id,
      podSandboxId,
      metadata: config.metadata,
      image: config.image,
      imageRef: `docker.io/library/${config.image.image.split(':')[0]}@sha256:${'ab'.repeat(32)}`,
      state: 'CONTAINER_CREATED',
      createdAt: this.ns(),
      labels: config.labels,
      annotations: config.annotations,
      startedAt: '0',
      finishedAt: '0',
      exitCode: 0,
      reason: '',
      message: '',
      mounts: config.mounts,
      logPath: config.logPath,
    };
    this.containers.set(id, { status, config });
    return id;
  }
  async startContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `container ${id} not found`);
    this.calls.push(`startContainer ${c.status.metadata.name}`);
    Object.assign(c.status, { state: 'CONTAINER_RUNNING', startedAt: this.ns() });
  }
  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    this.calls.push(`stopContainer ${c.status.metadata.name}`);
    this.stopGrace.push({ name: c.status.metadata.name, grace: timeoutSeconds });
    if (c.status.state === 'CONTAINER_RUNNING') Object.assign(c.status, { state: 'CONTAINER_EXITED', exitCode: 137, reason: 'Error', finishedAt: this.ns() });
  }
  async removeContainer(id: string): Promise<void> {
    if (this.containers.delete(id)) this.calls.push(`removeContainer ${id}`);
  }
  async containerStatus(id: string): Promise<ContainerStatus> {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `container ${id} not found`);
    return { ...c.status };
  }
  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    return [...this.containers.values()]
      .map((c) => c.status)
      .filter((s) => (!filter.id || s.id === filter.id) && (!filter.podSandboxId || s.podSandboxId === filter.podSandboxId) && (!filter.state || s.state === filter.state) && matches(s.labels, filter.labelSelector))
      .map((s) => ({ ...s }));
  }
  async reopenContainerLog(): Promise<void> {}
  async execSync(): Promise<never> {
    throw new RuntimeError('Internal', 'exec is not part of the fake runtime');
  }
  async exec(): Promise<never> {
    throw new RuntimeError('Internal', 'exec is not part of the fake runtime');
  }
  async attach(): Promise<never> {
    throw new RuntimeError('Internal', 'attach is not part of the fake runtime');
  }
  async containerStats(): Promise<never> {
    throw new RuntimeError('Internal', 'stats are not part of the fake runtime');
  }
  async listContainerStats() {
    return [];
  }

  // ---- ImageService ----

  async pullImage(image: ImageSpec): Promise<string> {
    this.calls.push(`pullImage ${image.image}`);
    if (/nonexistent|doesnotexist/.test(image.image)) {
      throw new RuntimeError('ImagePullFailed', `failed to pull and unpack image "docker.io/library/${image.image}": not found`);
    }
    const ref = `docker.io/library/${image.image.split(':')[0]}@sha256:${'ab'.repeat(32)}`;
    this.images.set(image.image, { id: `sha256:${'cd'.repeat(32)}`, repoTags: [image.image], repoDigests: [ref], size: 1234 });
    return ref;
  }
  async imageStatus(image: ImageSpec): Promise<Image | null> {
    return this.images.get(image.image) ?? null;
  }
  async listImages(): Promise<Image[]> {
    return [...this.images.values()];
  }
  async removeImage(image: ImageSpec): Promise<void> {
    this.images.delete(image.image);
  }
  async close(): Promise<void> {}
}
