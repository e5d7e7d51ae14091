// A control plane like `npm start` makes, for integration tests: a store cluster and one or more
// apiservers as real processes on ephemeral ports, plus an isolated HOME and kubeconfig for the
// real kubectl so its discovery cache can't hide bugs.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreCluster } from '../../cluster/store-cluster.js';
import { ComponentProcess } from '../../cluster/component.js';
import { kubeconfigFor } from '../../cluster/kubeconfig.js';
import { freePorts } from '../../cluster/ports.js';

const DIST = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const KUBECTL = '/usr/bin/kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class ControlPlane {
  private constructor(
    readonly store: StoreCluster,
    readonly apiservers: ComponentProcess[],
    readonly urls: string[],
    readonly home: string,
    readonly kubeconfig: string,
  ) {}

  static async start(opts: { apiservers?: number; storeSize?: 1 | 3 } = {}): Promise<ControlPlane> {
    const home = await mkdtemp(join(tmpdir(), 'k8ts-cp-'));
    const store = await StoreCluster.start({ size: opts.storeSize ?? 1, heartbeatMs: 50, electionMs: 500, logDir: join(home, 'logs') });
    const ports = await freePorts(opts.apiservers ?? 1);
    const apiservers = ports.map(
      (port, i) =>
        new ComponentProcess({
          name: `apiserver-${i}`,
          main: join(DIST, 'apiserver', 'main.js'),
          args: ['--store-endpoints', store.endpoints().join(','), '--port', String(port)],
          logFile: join(home, 'logs', `apiserver-${i}.log`),
        }),
    );
    const urls = ports.map((p) => `http://127.0.0.1:${p}`);
    const cp = new ControlPlane(store, apiservers, urls, home, join(home, 'kubeconfig'));
    try {
      for (const a of apiservers) a.start();
      for (let i = 0; i < apiservers.length; i++) await apiservers[i]!.waitReady(`${urls[i]}/readyz`);
      await writeFile(cp.kubeconfig, kubeconfigFor(urls[0]!));
      // The default namespace is created by the apiserver's bootstrap, shortly after it is ready.
      for (let i = 0; i < 200; i++) {
        const r = await cp.kubectl(['get', 'namespace', 'default', '-o', 'name']);
        if (r.code === 0) break;
        await new Promise((res) => setTimeout(res, 50));
      }
    } catch (err) {
      await cp.stop();
      throw err;
    }
    return cp;
  }

  get url(): string {
    return this.urls[0]!;
  }

  /** Runs the real kubectl against this cluster with an isolated HOME (fresh discovery cache). */
  kubectl(args: string[], input?: string, timeoutMs = 60_000): Promise<KubectlResult> {
    return new Promise((resolveRun) => {
      const child = execFile(
        KUBECTL,
        args,
        { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.home, KUBECONFIG: this.kubeconfig }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
          resolveRun({ code, stdout, stderr });
        },
      );
      if (input !== undefined) child.stdin?.end(input);
      else child.stdin?.end();
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.apiservers.map((a) => a.stop()));
    await this.store.stop();
    await rm(this.home, { recursive: true, force: true });
  }
}
