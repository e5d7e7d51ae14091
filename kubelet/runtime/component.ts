// The runtime process (our containerd): flags, wiring and run() for main.ts. It serves a
// MockRuntime on a unix socket; the containers live inside this process, so when it ends — SIGTERM
// or kill -9 — its containers and their ports end with it, and the kubelet recreates them once a
// runtime is back.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isIPv4 } from 'node:net';
import { Counter, Gauge, type Registry } from 'prom-client';
import { defineFlags, opsFlags, untilAborted, type ContextOf } from '../../lib/component/index.js';
import { parseCidr } from './mock/ipam.js';
import { MockRuntime } from './mock/runtime.js';
import { serveRuntime } from './server.js';

export const DESCRIPTION = 'The mock container runtime of one node: serves the CRI-shaped runtime API on a unix socket; containers are simulated inside this process and listen on their pod IPs in 127.0.0.0/8.';

export const RUNTIME_FLAGS = defineFlags(
  { name: 'socket', type: 'string', default: '.k8ts/node-1/runtime.sock', help: 'unix socket the kubelet connects to' },
  { name: 'root-dir', type: 'string', default: '.k8ts/node-1/runtime', help: 'state directory: container writable trees, sandbox files, the image list' },
  {
    name: 'node-ip',
    type: 'string',
    default: '127.0.10.1',
    help: 'the node address: hostNetwork pods get it, hostPorts listen on it',
    validate: (v: string) => (isIPv4(v) && v.startsWith('127.') ? undefined : `${JSON.stringify(v)} is not an IPv4 address in 127.0.0.0/8`),
  },
  {
    name: 'pod-cidr',
    type: 'string',
    default: '127.244.1.0/24',
    help: 'pod IPs come from it (the kubelet may replace it through UpdateRuntimeConfig)',
    validate: (v: string) => {
      try {
        parseCidr(v);
        return v.startsWith('127.') ? undefined : `${JSON.stringify(v)} is not inside 127.0.0.0/8`;
      } catch (err) {
        return (err as Error).message;
      }
    },
  },
  { name: 'image-pull-delay', type: 'duration', default: '200ms', help: 'how long a simulated image pull takes' },
  { name: 'fail-images', type: 'list', help: 'image references whose pull fails (substring, or a glob with *), besides any containing doesnotexist or nonexistent' },
  ...opsFlags({ port: 10359, bindAddress: '127.0.10.1' }),
);

function registerMetrics(metrics: Registry, runtime: MockRuntime): void {
  const gauge = (name: string, help: string, value: () => number) =>
    new Gauge({
      name,
      help,
      registers: [metrics],
      collect() {
        this.set(value());
      },
    });
  gauge('k8ts_runtime_containers_running', 'Containers in state CONTAINER_RUNNING', () => runtime.counts().containersRunning);
  gauge('k8ts_runtime_containers', 'Containers the runtime holds, in any state', () => runtime.counts().containers);
  gauge('k8ts_runtime_sandboxes_ready', 'Pod sandboxes in state SANDBOX_READY', () => runtime.counts().sandboxesReady);
  new Counter({
    name: 'k8ts_runtime_image_pulls_total',
    help: 'Image pulls by result',
    labelNames: ['result'],
    registers: [metrics],
    collect() {
      const c = runtime.counts();
      this.reset();
      this.inc({ result: 'success' }, c.pullsSucceeded);
      this.inc({ result: 'failure' }, c.pullsFailed);
    },
  });
}

export async function runRuntime({ flags, logger, signal, health, metrics }: ContextOf<typeof RUNTIME_FLAGS>): Promise<void> {
  const runtime = new MockRuntime({
    rootDir: flags.rootDir,
    nodeIP: flags.nodeIp,
    podCIDR: flags.podCidr,
    pullDelayMs: flags.imagePullDelay,
    failImages: flags.failImages,
    logger,
  });
  registerMetrics(metrics, runtime);
  // Containers are programs in this process: one that throws from a stray callback must not take
  // every other container down with the runtime. It is logged; its own process carries on or not.
  const contain = (err: unknown) => logger.error({ err }, 'a container program failed outside its process');
  process.on('unhandledRejection', contain);
  process.on('uncaughtException', contain);
  mkdirSync(dirname(flags.socket), { recursive: true });
  const served = await serveRuntime(runtime, flags.socket, logger);
  health.addReadyz('socket', () => {
    if (!served.server.listening) throw new Error(`not serving on ${flags.socket}`);
  });
  logger.info({ socket: flags.socket, nodeIP: flags.nodeIp, podCIDR: flags.podCidr }, 'runtime serving');
  await untilAborted(signal);
  await served.close();
  // The documented semantics: the runtime's containers end with it.
  await runtime.killAll();
}
