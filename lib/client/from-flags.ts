// The client a component builds from its client flags (lib/component clientFlags): kubeconfig
// lookup as kubectl's, --master overriding the server (comma-separated for failover), and the
// component's QPS/burst.
import { KubeClient, type KubeClientOptions } from './client.js';
import { loadRestConfig } from './kubeconfig.js';

/** The parsed values of lib/component's clientFlags() (camelCase, as the harness hands them over). */
export interface ClientFlagValues {
  kubeconfig?: string | undefined;
  master?: string | undefined;
  kubeApiQps: number;
  kubeApiBurst: number;
}

export function clientFromFlags(component: string, flags: ClientFlagValues, opts: Omit<KubeClientOptions, 'component' | 'config' | 'qps' | 'burst'> = {}): KubeClient {
  const config = loadRestConfig({
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.master ? { server: flags.master } : {}),
  });
  return new KubeClient({ ...opts, component, config, qps: flags.kubeApiQps, burst: flags.kubeApiBurst });
}
