// Shared by the runtime's tests: a MockRuntime on a temp dir with test programs, sandbox and
// container configs, and a reader for CRI log files.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../../lib/util/clock.js';
import { MockRuntime } from '../../../../kubelet/runtime/mock/runtime.js';
import type { Program } from '../../../../kubelet/runtime/mock/process.js';
import { parseCriLine, type CriLogLine } from '../../../../kubelet/logs/cri-format.js';
import type { ContainerConfig, PodSandboxConfig } from '../../../../kubelet/runtime/types.js';

/** Programs standing in for the sh subset where a test needs a plain behaviour. */
export const TEST_PROGRAMS: ReadonlyMap<string, Program> = new Map<string, Program>([
  // Installs no handler: as PID 1 it ignores TERM and only KILL ends it.
  ['sleeper', (ctx) => new Promise<number>((resolve) => ctx.killed.addEventListener('abort', () => resolve(137)))],
  ['say', async (ctx) => {
    ctx.stdout.write(`${ctx.argv.slice(1).join(' ')}\n`);
    return 0;
  }],
  ['fail', async (ctx) => Number(ctx.argv[1] ?? 1)],
  ['hog', async (ctx) => {
    for (let i = 0; i < 1000; i++) ctx.usage.allocate(1024 * 1024);
    return 0;
  }],
  ['burn', async (ctx) => {
    await ctx.usage.consumeCpu(Number(ctx.argv[1]), 60_000, ctx.killed);
    return 0;
  }],
  ['cat-file', async (ctx) => {
    try {
      ctx.stdout.write(readFileSync(ctx.fs.resolve(ctx.argv[1]!)));
      return 0;
    } catch {
      ctx.stderr.write(`cat: can't open '${ctx.argv[1]}': No such file or directory\n`);
      return 1;
    }
  }],
]);

export interface Harness {
  runtime: MockRuntime;
  root: string;
  logs: string;
  cleanup(): Promise<void>;
}

export function harness(opts: { podCIDR: string; nodeIP: string; clock?: Clock; programs?: ReadonlyMap<string, Program> }): Harness {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-runtime-'));
  const runtime = new MockRuntime({ rootDir: join(root, 'state'), nodeIP: opts.nodeIP, podCIDR: opts.podCIDR, programs: opts.programs ?? TEST_PROGRAMS, ...(opts.clock ? { clock: opts.clock } : {}) });
  return {
    runtime,
    root,
    logs: join(root, 'logs'),
    cleanup: async () => {
      await runtime.killAll();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function sandboxConfig(name: string, logs: string, extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, attempt: 0 },
    hostname: name,
    logDirectory: join(logs, `default_${name}_uid-${name}`),
    dnsConfig: { servers: [], searches: [], options: [] },
    portMappings: [],
    labels: { 'io.kubernetes.pod.name': name },
    annotations: {},
    hostNetwork: false,
    ...extra,
  };
}

export function containerConfig(name: string, image: string, extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    metadata: { name, attempt: 0 },
    image: { image },
    command: [],
    args: [],
    workingDir: '',
    envs: [],
    mounts: [],
    logPath: `${name}/0.log`,
    stdin: false,
    stdinOnce: false,
    tty: false,
    labels: { 'io.kubernetes.container.name': name },
    annotations: {},
    resources: { cpuLimitMillis: 0, cpuRequestMillis: 0, memoryLimitBytes: 0 },
    ...extra,
  };
}

/** The parsed lines of a CRI log file ([] when it does not exist). */
export function criLines(path: string): CriLogLine[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => parseCriLine(l))
    .filter((l): l is CriLogLine => l !== null);
}

/** Runs sandbox + pulled image + created and started container; returns their ids. */
export async function runContainer(h: Harness, pod: PodSandboxConfig, config: ContainerConfig): Promise<{ sandboxId: string; containerId: string }> {
  const sandboxId = await h.runtime.runPodSandbox(pod);
  await h.runtime.pullImage(config.image);
  const containerId = await h.runtime.createContainer(sandboxId, config, pod);
  await h.runtime.startContainer(containerId);
  return { sandboxId, containerId };
}
