// The client a component builds from its client flags (lib/component clientFlags): kubeconfig
// lookup as kubectl's, --master overriding the server (comma-separated for failover), and the
// component's QPS/burst.
import { KubeClient, type KubeClientOptions } from './client.js';
import { loadRestConfig } from './kubeconfig.js';

export interface ClientFlagValues {
  kubeconfig?: string | undefined;
  master?: string | undefined;
  'kube-api-qps': number;
  'kube-api-burst': number;
}

export function clientFromFlags(component: string, flags: ClientFlagValues, opts: Omit<KubeClientOptions, 'component' | 'config' | 'qps' | 'burst'> = {}): KubeClient {
  const config = loadRestConfig({
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.master ? { server: flags.master } : {}),
  });
  return new KubeClient({ ...opts, component, config, qps: flags['kube-api-qps'], burst: flags['kube-api-burst'] });
}
