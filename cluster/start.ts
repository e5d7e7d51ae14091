// `npm start`: a local cluster — the component table's rows (a 3-member store, an apiserver, and
// per node a mock runtime and a kubelet) as supervised child processes on loopback, data under .k8ts/ (a second start serves
// the same objects), a kubeconfig at .k8ts/kubeconfig, and a clean stop of everything on Ctrl-C.
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defineFlags, EXIT, HELP_FLAG, parseCommand } from '../lib/component/index.js';
import { kubeconfigFor } from './kubeconfig.js';
import type { LaunchEvent } from './launcher.js';
import { LocalCluster } from './local-cluster.js';

const FLAGS = defineFlags(
  { name: 'dir', type: 'string', default: '.k8ts', help: 'data, logs and kubeconfig go here' },
  { name: 'port', type: 'int', default: 6443, min: 1, max: 65535, help: "the apiserver's port" },
  { name: 'nodes', type: 'int', default: 1, min: 0, max: 254, help: 'nodes (a mock runtime and a kubelet each): node-N at 127.0.10.N, pods from 127.244.N.0/24' },
  // Tests run several clusters at once: any free ports instead of 2379-2384.
  { name: 'ephemeral-store-ports', type: 'bool', help: 'store members on free ports instead of 2379-2384' },
  ...HELP_FLAG,
);

const COMMAND = {
  name: 'npm start',
  usage: 'npm start [-- flags]',
  description: 'Starts a local k8ts cluster (3 store members, an apiserver, and nodes of a mock runtime + kubelet each) and stops it on Ctrl-C.',
  flags: FLAGS,
};

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const cl = parseCommand(COMMAND, process.argv.slice(2));
  if (cl.kind === 'help') return say(cl.text);
  if (cl.kind === 'badFlags') {
    process.stderr.write(`npm start: ${cl.message}\n\n${cl.usage}\n`);
    process.exit(EXIT.badFlags);
  }
  const flags = cl.flags;
  const root = resolve(flags.dir);
  const logs = join(root, 'logs');
  const port = flags.port;
  say(`k8ts: data in ${root}, logs in ${logs}`);

  const fixedStorePorts: Record<string, number> = {};
  if (!flags.ephemeralStorePorts) {
    for (let i = 0; i < 3; i++) Object.assign(fixedStorePorts, { [`store-${i}/client`]: 2379 + 2 * i, [`store-${i}/peer`]: 2380 + 2 * i });
  }
  let cluster: LocalCluster | undefined;
  const onEvent = async (e: LaunchEvent): Promise<void> => {
    if (e.kind === 'starting') say(e.row === 'store' ? `store: starting ${e.instances.length} members…` : e.instances.length > 1 ? `${e.row}: starting ${e.instances.length}…` : `${e.row}: starting…`);
    else if (e.kind === 'ready' && e.row === 'apiserver') say(`apiserver: ready at http://127.0.0.1:${port}`);
    else if (e.kind === 'ready') say(`${e.row}: ready (${e.instances.join(', ')})`);
    else if (e.kind === 'stopped') say(`${e.row}: stopped`);
    else if (e.kind === 'exited') say(`${e.instance}: exited (${e.signal ?? `code ${e.code}`}); see ${join(logs, `${e.instance}.log`)}`);
    else if (e.kind === 'restarting') say(`${e.instance}: restarting in ${e.inMs} ms`);
  };

  let stopping: Promise<void> | undefined;
  const stopAll = async (code: number) => {
    say('\nk8ts: stopping…');
    await cluster?.stop();
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void (stopping ??= stopAll(0)));
  try {
    // Each kubelet serves on 10250 of its own node IP, as on a real node.
    const kubeletPorts = Object.fromEntries(Array.from({ length: flags.nodes }, (_, i) => [`kubelet-${i}/port`, 10250]));
    cluster = await LocalCluster.start({ root, logDir: logs, storeSize: 3, nodes: flags.nodes, ports: { ...fixedStorePorts, 'apiserver/port': port, ...kubeletPorts }, supervise: true, onEvent });
  } catch (err) {
    // Launcher.start has already stopped whatever it started.
    say(`k8ts: failed to start: ${(err as Error).message} (see ${logs})`);
    process.exit(1);
  }
  const kubeconfig = join(root, 'kubeconfig');
  await writeFile(kubeconfig, kubeconfigFor(cluster.apiserverURLs[0]!));
  say('');
  say(`export KUBECONFIG=${kubeconfig}`);
  say('kubectl get namespaces        # then deploy something; Ctrl-C stops the cluster');
}

await main();
