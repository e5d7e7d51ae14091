// Content negotiation the way kubectl and client-go use it: Table output (`as=Table`), JSON or
// YAML responses, and aggregated discovery.

export type ResponseForm = 'object' | 'table' | 'yaml';

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

/** The entries of an Accept header in order, e.g. `application/json;as=Table;g=meta.k8s.io`. */
function mediaRanges(accept: string): MediaRange[] {
  return accept.split(',').map((raw) => {
    const [type, ...params] = raw.split(';').map((s) => s.trim());
    return {
      type: type!,
      params: new Map(params.map((kv) => { const i = kv.indexOf('='); return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as const; })),
    };
  });
}

/**
 * kubectl get sends `application/json;as=Table;v=v1;g=meta.k8s.io,application/json;...,application/json`:
 * the first acceptable entry wins. We serve Table (v1 and v1beta1), YAML and JSON.
 */
export function responseForm(accept: string | undefined): ResponseForm {
  if (!accept) return 'object';
  for (const { type, params } of mediaRanges(accept)) {
    if ((type === 'application/json' || type === '*/*') && params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io') return 'table';
    if (params.has('as')) continue; // e.g. as=PartialObjectMetadataList: not served, try the next entry
    if (type === 'application/yaml') return 'yaml';
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return 'object';
  }
  return 'object';
}

/** The aggregated discovery version the client asked for (apidiscovery.k8s.io/v2 or v2beta1), if any. */
export function wantsAggregatedDiscovery(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const { type, params } of mediaRanges(accept)) {
    if (type !== 'application/json') continue;
    if (params.get('g') === 'apidiscovery.k8s.io' && params.get('as') === 'APIGroupDiscoveryList') {
      const v = params.get('v');
      if (v === 'v2' || v === 'v2beta1') return v;
      continue;
    }
    return undefined; // plain JSON came first
  }
  return undefined;
}
