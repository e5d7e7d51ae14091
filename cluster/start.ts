// `npm start`: a local control plane — a 3-member store and an apiserver as child processes on
// loopback, data under .k8ts/ (a second start serves the same objects), a kubeconfig at
// .k8ts/kubeconfig, and a clean stop of everything on Ctrl-C.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StoreCluster } from './store-cluster.js';
import { ComponentProcess } from './component.js';
import { kubeconfigFor } from './kubeconfig.js';

const DIST = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      dir: { type: 'string' },
      port: { type: 'string' },
      // Tests run several clusters at once: any free ports instead of 2379-2384.
      'ephemeral-store-ports': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    say('usage: npm start [-- --dir .k8ts --port 6443 --ephemeral-store-ports]\n\nStarts a local k8ts control plane (3 store members + apiserver) and stops it on Ctrl-C.');
    return;
  }
  const root = resolve(values.dir ?? '.k8ts');
  const port = Number(values.port ?? '6443');
  const logs = join(root, 'logs');
  await mkdir(logs, { recursive: true });

  say(`k8ts: data in ${root}, logs in ${logs}`);
  say('store: starting 3 members…');
  const store = await StoreCluster.start({
    size: 3,
    dataRoot: join(root, 'store'),
    ...(values['ephemeral-store-ports'] ? {} : { clientPorts: [2379, 2381, 2383], peerPorts: [2380, 2382, 2384] }),
    logDir: logs,
  });
  const leader = await store.leader();
  say(`store: ready (${store.endpoints().join(', ')}; leader ${leader.name})`);

  const apiserver = new ComponentProcess({
    name: 'apiserver',
    main: join(DIST, 'apiserver', 'main.js'),
    args: ['--store-endpoints', store.endpoints().join(','), '--port', String(port)],
    logFile: join(logs, 'apiserver.log'),
  });
  const stopAll = async () => {
    say('\nk8ts: stopping…');
    await apiserver.stop();
    say('apiserver: stopped');
    await store.stop();
    say('store: stopped');
  };
  let stopping: Promise<void> | undefined;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      stopping ??= stopAll().then(() => process.exit(0));
    });
  }
  try {
    say('apiserver: starting…');
    apiserver.start();
    await apiserver.waitReady(`http://127.0.0.1:${port}/readyz`);
    say(`apiserver: ready at http://127.0.0.1:${port}`);
  } catch (err) {
    say(`k8ts: failed to start: ${(err as Error).message} (see ${logs})`);
    await stopAll();
    process.exit(1);
  }
  const kubeconfig = join(root, 'kubeconfig');
  await writeFile(kubeconfig, kubeconfigFor(`http://127.0.0.1:${port}`));
  say('');
  say(`export KUBECONFIG=${kubeconfig}`);
  say('kubectl get namespaces        # then deploy something; Ctrl-C stops the cluster');
}

await main();
