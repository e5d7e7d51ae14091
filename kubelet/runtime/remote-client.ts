// RemoteRuntime: the Runtime interface over the runtime's unix socket (protocol.ts), so the kubelet
// sees the runtime process exactly as the in-process MockRuntime. Errors come back as RuntimeError
// with the server's code; a socket nobody answers on is `Unavailable`, as gRPC reports a
// containerd that is down.
import { PassThrough, Writable } from 'node:stream';
import { Pool, errors as undiciErrors } from 'undici';
import WebSocket from 'ws';
import { CHANNEL, STREAM_PROTOCOLS, exitCodeOf, isErrorCode, type StreamStatus, type UnaryMethod } from './protocol.js';
import {
  RuntimeError,
  type Container,
  type ContainerConfig,
  type ContainerFilter,
  type ContainerStats,
  type ContainerStatus,
  type ExecOptions,
  type ExecSyncResult,
  type Image,
  type ImageSpec,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type Runtime,
  type RuntimeCondition,
  type StreamSession,
  type VersionInfo,
} from './types.js';

export interface RemoteRuntimeOptions {
  socketPath: string;
  /** Deadline of a call without a longer one of its own (stop, exec, pull). */
  timeoutMs?: number;
}

const PULL_TIMEOUT_MS = 10 * 60_000;

export class RemoteRuntime implements Runtime {
  private readonly pool: Pool;
  private readonly timeoutMs: number;
  private readonly sockets = new Set<WebSocket>();

  constructor(private readonly opts: RemoteRuntimeOptions) {
    this.pool = new Pool('http://runtime', { socketPath: opts.socketPath, connections: 16, keepAliveTimeout: 10_000 });
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  private unavailable(err: unknown): RuntimeError {
    const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    const code = e.code ?? e.cause?.code;
    if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) return new RuntimeError('Unavailable', `runtime call to ${this.opts.socketPath}: context deadline exceeded`);
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'ECONNREFUSED' ? 'connection refused' : (e.message ?? String(err));
    return new RuntimeError('Unavailable', `connection error: dial unix ${this.opts.socketPath}: connect: ${why}`);
  }

  private async call<T>(method: UnaryMethod, params: Record<string, unknown>, timeoutMs = this.timeoutMs): Promise<T> {
    let res;
    try {
      res = await this.pool.request({
        path: `/v1/${method}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (err) {
      throw this.unavailable(err);
    }
    let body: { result?: unknown; error?: { code?: unknown; message?: unknown } };
    try {
      body = (await res.body.json()) as typeof body;
    } catch (err) {
      throw new RuntimeError('Internal', `runtime answered ${method} with ${res.statusCode} and no JSON: ${(err as Error).message}`);
    }
    if (body?.error) {
      const code = isErrorCode(body.error.code) ? body.error.code : 'Internal';
      throw new RuntimeError(code, typeof body.error.message === 'string' ? body.error.message : `runtime ${method} failed`);
    }
    return body?.result as T;
  }

  version(): Promise<VersionInfo> {
    return this.call('version', {});
  }
  status(): Promise<RuntimeCondition[]> {
    return this.call('status', {});
  }
  updateRuntimeConfig(config: { podCIDR: string }): Promise<void> {
    return this.call('updateRuntimeConfig', { config });
  }
  runPodSandbox(config: PodSandboxConfig): Promise<string> {
    return this.call('runPodSandbox', { config });
  }
  stopPodSandbox(podSandboxId: string): Promise<void> {
    return this.call('stopPodSandbox', { podSandboxId }, this.timeoutMs * 2);
  }
  removePodSandbox(podSandboxId: string): Promise<void> {
    return this.call('removePodSandbox', { podSandboxId }, this.timeoutMs * 2);
  }
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    return this.call('podSandboxStatus', { podSandboxId });
  }
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandboxStatus[]> {
    return this.call('listPodSandbox', { filter });
  }
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    return this.call('createContainer', { podSandboxId, config, sandboxConfig });
  }
  startContainer(containerId: string): Promise<void> {
    return this.call('startContainer', { containerId });
  }
  stopContainer(containerId: string, timeout: number): Promise<void> {
    return this.call('stopContainer', { containerId, timeout }, Math.max(0, timeout) * 1000 + this.timeoutMs);
  }
  removeContainer(containerId: string): Promise<void> {
    return this.call('removeContainer', { containerId });
  }
  containerStatus(containerId: string): Promise<ContainerStatus> {
    return this.call('containerStatus', { containerId });
  }
  listContainers(filter?: ContainerFilter): Promise<Container[]> {
    return this.call('listContainers', { filter });
  }
  reopenContainerLog(containerId: string): Promise<void> {
    return this.call('reopenContainerLog', { containerId });
  }
  execSync(containerId: string, cmd: string[], timeout: number): Promise<ExecSyncResult> {
    // No deadline of its own when the exec has none: it ends when the command does.
    return this.call('execSync', { containerId, cmd, timeout }, timeout > 0 ? timeout * 1000 + this.timeoutMs : 0);
  }
  containerStats(containerId: string): Promise<ContainerStats> {
    return this.call('containerStats', { containerId });
  }
  listContainerStats(filter?: ContainerFilter): Promise<ContainerStats[]> {
    return this.call('listContainerStats', { filter });
  }
  pullImage(image: ImageSpec, sandboxConfig?: PodSandboxConfig): Promise<string> {
    return this.call('pullImage', { image, sandboxConfig }, PULL_TIMEOUT_MS);
  }
  imageStatus(image: ImageSpec): Promise<Image | null> {
    return this.call('imageStatus', { image });
  }
  listImages(): Promise<Image[]> {
    return this.call('listImages', {});
  }
  removeImage(image: ImageSpec): Promise<void> {
    return this.call('removeImage', { image });
  }

  exec(containerId: string, options: ExecOptions): Promise<StreamSession> {
    const q = this.streamQuery(containerId, options);
    for (const c of options.cmd) q.append('cmd', c);
    return this.stream(`/v1/exec?${q}`, options);
  }

  attach(containerId: string, options: Omit<ExecOptions, 'cmd'>): Promise<StreamSession> {
    return this.stream(`/v1/attach?${this.streamQuery(containerId, options)}`, options);
  }

  private streamQuery(containerId: string, o: Omit<ExecOptions, 'cmd'>): URLSearchParams {
    const q = new URLSearchParams({ containerId });
    for (const k of ['tty', 'stdin', 'stdout', 'stderr'] as const) if (o[k]) q.set(k, '1');
    return q;
  }

  /** Opens a channel-protocol WebSocket and presents it as a StreamSession. */
  private stream(path: string, o: Omit<ExecOptions, 'cmd'>): Promise<StreamSession> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws+unix://${this.opts.socketPath}:${path}`, [...STREAM_PROTOCOLS]);
      this.sockets.add(ws);
      const stdout = o.stdout ? new PassThrough() : null;
      const stderr = o.stderr && !o.tty ? new PassThrough() : null;
      let status: StreamStatus | null = null;
      let opened = false;
      const send = (channel: number, payload: Buffer) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), payload]));
      };
      const stdin = o.stdin
        ? new Writable({
            write(chunk: Buffer, _enc, done) {
              send(CHANNEL.stdin, Buffer.from(chunk));
              done();
            },
            final(done) {
              send(CHANNEL.close, Buffer.from([CHANNEL.stdin]));
              done();
            },
          })
        : null;
      const exit = new Promise<number>((resolveExit, rejectExit) => {
        ws.on('close', () => {
          this.sockets.delete(ws);
          stdout?.end();
          stderr?.end();
          if (!status) return rejectExit(new RuntimeError('Unavailable', 'stream closed before the runtime reported an exit status'));
          const code = exitCodeOf(status);
          if (code instanceof Error) rejectExit(new RuntimeError('Internal', code.message));
          else resolveExit(code);
        });
      });
      // Nobody may be waiting on exit (a caller that only reads output): keep the rejection handled.
      exit.catch(() => undefined);
      ws.on('message', (data: Buffer) => {
        if (data.length === 0) return;
        const payload = data.subarray(1);
        if (data[0] === CHANNEL.stdout) stdout?.write(payload);
        else if (data[0] === CHANNEL.stderr) stderr?.write(payload);
        else if (data[0] === CHANNEL.error) {
          try {
            status = JSON.parse(payload.toString()) as StreamStatus;
          } catch {
            status = { metadata: {}, status: 'Failure', message: 'malformed status from the runtime' };
          }
        }
      });
      ws.on('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          this.sockets.delete(ws);
          try {
            const e = (JSON.parse(text) as { error: { code: unknown; message: string } }).error;
            reject(new RuntimeError(isErrorCode(e.code) ? e.code : 'Internal', e.message));
          } catch {
            reject(new RuntimeError('Internal', `runtime refused the stream with HTTP ${res.statusCode}`));
          }
          ws.terminate();
        });
      });
      ws.on('error', (err) => {
        if (!opened) {
          this.sockets.delete(ws);
          reject(this.unavailable(err));
        }
      });
      ws.on('open', () => {
        opened = true;
        resolve({
          stdin,
          stdout,
          stderr,
          exit,
          resize: ({ width, height }) => send(CHANNEL.resize, Buffer.from(JSON.stringify({ Width: width, Height: height }))),
          close: () => ws.close(),
        });
      });
    });
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    await this.pool.close();
  }
}
