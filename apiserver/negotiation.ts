// Content negotiation the way kubectl and client-go use it: Table output (`as=Table`), partial
// metadata, JSON or YAML responses; JSON or YAML request bodies; patch types by Content-Type.

export type ResponseForm = 'object' | 'table' | 'yaml';

/**
 * kubectl get sends `application/json;as=Table;v=v1;g=meta.k8s.io,application/json;...,application/json`:
 * the first acceptable entry wins. We serve Table (v1 and v1beta1), YAML and JSON.
 */
export function responseForm(accept: string | undefined): ResponseForm {
  if (!accept) return 'object';
  for (const raw of accept.split(',')) {
    const [type, ...params] = raw.split(';').map((s) => s.trim());
    const p = new Map(params.map((kv) => { const i = kv.indexOf('='); return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as const; }));
    if ((type === 'application/json' || type === '*/*') && p.get('as') === 'Table' && p.get('g') === 'meta.k8s.io') return 'table';
    if (p.has('as')) continue; // e.g. as=PartialObjectMetadataList: not served, try the next entry
    if (type === 'application/yaml') return 'yaml';
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return 'object';
  }
  return 'object';
}

/** True when the client asked for aggregated discovery (apidiscovery.k8s.io/v2 or v2beta1). */
export function wantsAggregatedDiscovery(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const raw of accept.split(',')) {
    const [type, ...params] = raw.split(';').map((s) => s.trim());
    if (type !== 'application/json') continue;
    const p = new Map(params.map((kv) => { const i = kv.indexOf('='); return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as const; }));
    if (p.get('g') === 'apidiscovery.k8s.io' && p.get('as') === 'APIGroupDiscoveryList') {
      const v = p.get('v');
      if (v === 'v2' || v === 'v2beta1') return v;
      continue;
    }
    return undefined; // plain JSON came first
  }
  return undefined;
}
