// A control plane like `npm start` makes (cluster/local-cluster.ts), for integration tests: a store
// cluster and one or more apiservers as real processes on ephemeral ports, plus an isolated HOME
// and kubeconfig for the real kubectl so its discovery cache can't hide bugs.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreCluster } from '../../cluster/store-cluster.js';
import type { ComponentProcess } from '../../cluster/component-process.js';
import { kubeconfigFor } from '../../cluster/kubeconfig.js';
import { LocalCluster } from '../../cluster/local-cluster.js';
import { waitFor } from '../../lib/util/wait.js';

export const KUBECTL = '/usr/bin/kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class ControlPlane {
  private constructor(
    readonly cluster: LocalCluster,
    readonly home: string,
    readonly kubeconfig: string,
  ) {}

  get store(): StoreCluster {
    return this.cluster.store;
  }

  get apiservers(): ComponentProcess[] {
    return this.cluster.apiservers();
  }

  get urls(): string[] {
    return this.cluster.apiserverURLs;
  }

  static async start(opts: { apiservers?: number; storeSize?: 1 | 3 } = {}): Promise<ControlPlane> {
    const home = await mkdtemp(join(tmpdir(), 'k8ts-cp-'));
    let cluster: LocalCluster;
    try {
      cluster = await LocalCluster.start({ root: home, logDir: join(home, 'logs'), storeSize: opts.storeSize ?? 1, apiservers: opts.apiservers ?? 1, heartbeatMs: 50, electionMs: 500 });
    } catch (err) {
      await rm(home, { recursive: true, force: true });
      throw err;
    }
    const cp = new ControlPlane(cluster, home, join(home, 'kubeconfig'));
    try {
      await writeFile(cp.kubeconfig, kubeconfigFor(cp.url));
      // The default namespace is created by the apiserver's bootstrap, shortly after it is ready.
      await waitFor(async () => (await cp.kubectl(['get', 'namespace', 'default', '-o', 'name'])).code === 0, {
        timeoutMs: 20_000,
        intervalMs: 50,
        description: 'the default namespace',
      });
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
    await this.cluster.stop();
    await rm(this.home, { recursive: true, force: true });
  }
}
