// Printers for networking.k8s.io/v1: Ingress (CLASS, HOSTS, ADDRESS, PORTS) and NetworkPolicy
// (POD-SELECTOR).

import type { Ingress, IngressLoadBalancerStatus, IngressRule, IngressTLS, NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import { formatSelector, items, str } from './format.js';
import { AGE_COLUMN, column, NAME_COLUMN, translateTimestampSince, type Printer } from './table.js';

/** Up to three rule hosts, then "+ N more..." (counting every rule); `*` when no rule names a host. */
export function formatIngressHosts(rules: readonly IngressRule[] | undefined): string {
  const all = items(rules);
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of all) {
    if (list.length === max) more = true;
    if (!more && rule?.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  const joined = list.join(',');
  return more ? `${joined} + ${all.length - max} more...` : joined;
}

/** "80, 443" when the ingress terminates TLS, else "80". */
export function formatIngressPorts(tls: readonly IngressTLS[] | undefined): string {
  return items(tls).length > 0 ? '80, 443' : '80';
}

/** Load-balancer IPs (or hostnames), de-duplicated and sorted, comma-joined. */
export function ingressAddress(status: IngressLoadBalancerStatus | undefined): string {
  const result = new Set<string>();
  for (const ing of items(status?.ingress)) {
    if (ing?.ip) result.add(ing.ip);
    else if (ing?.hostname) result.add(ing.hostname);
  }
  return [...result].sort().join(',');
}

export const ingressPrinter: Printer<Ingress> = {
  columns: [
    NAME_COLUMN,
    column('Class', 'string', 'The IngressClass that implements this ingress.'),
    column('Hosts', 'string', 'Host names the rules match requests against.'),
    column('Address', 'string', 'Addresses of the load balancer serving the ingress.'),
    column('Ports', 'string', 'Ports the ingress listens on (443 when it has TLS).'),
    AGE_COLUMN,
  ],
  print: (ing, { now }) => ({
    cells: [
      str(ing.metadata?.name),
      ing.spec?.ingressClassName ?? '<none>',
      formatIngressHosts(ing.spec?.rules),
      ingressAddress(ing.status?.loadBalancer),
      formatIngressPorts(ing.spec?.tls),
      translateTimestampSince(ing.metadata?.creationTimestamp, now),
    ],
  }),
};

export const networkPolicyPrinter: Printer<NetworkPolicy> = {
  columns: [NAME_COLUMN, column('Pod-Selector', 'string', 'Label selector of the pods the policy applies to.'), AGE_COLUMN],
  print: (np, { now }) => ({
    // The internal type's podSelector is a value, so a missing one prints like an empty one.
    cells: [str(np.metadata?.name), formatSelector(np.spec?.podSelector ?? {}), translateTimestampSince(np.metadata?.creationTimestamp, now)],
  }),
};
