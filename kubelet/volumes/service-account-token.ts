// Service account tokens for projected volumes, through the TokenRequest API
// (POST serviceaccounts/<name>/token, bound to the pod), cached and renewed once 80% of their
// lifetime has passed, as the kubelet's token manager does.
import type { KubeClient } from '../../lib/client/index.js';
import type { Pod } from '../../lib/api/types.js';
import type { Clock } from '../../lib/util/clock.js';

export interface TokenRequestSpec {
  audiences: string[];
  expirationSeconds: number;
  boundObjectRef: { apiVersion: 'v1'; kind: 'Pod'; name: string; uid: string };
}

export interface IssuedToken {
  token: string;
  /** RFC 3339. */
  expirationTimestamp: string;
}

export interface TokenRequester {
  requestToken(namespace: string, serviceAccount: string, spec: TokenRequestSpec): Promise<IssuedToken>;
}

/** The API's TokenRequest subresource. */
export class ApiTokenRequester implements TokenRequester {
  constructor(private readonly client: KubeClient) {}

  async requestToken(namespace: string, serviceAccount: string, spec: TokenRequestSpec): Promise<IssuedToken> {
    const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name: serviceAccount, namespace }, spec };
    const res = await this.client.resource('serviceaccounts').createSubresource<typeof body, { status?: Partial<IssuedToken> }>(serviceAccount, 'token', body, { namespace });
    if (!res.status?.token) throw new Error('the TokenRequest answer carries no token');
    return { token: res.status.token, expirationTimestamp: res.status.expirationTimestamp ?? '' };
  }
}

interface Cached {
  token: IssuedToken;
  issuedAtMs: number;
  refreshAtMs: number;
}

export class TokenManager {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly requester: TokenRequester,
    private readonly clock: Clock,
  ) {}

  async token(pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<string> {
    const ns = pod.metadata?.namespace ?? '';
    const sa = pod.spec?.serviceAccountName || 'default';
    const uid = pod.metadata?.uid ?? '';
    const key = [uid, ns, sa, audience ?? '', expirationSeconds].join('|');
    const now = this.clock.now();
    const hit = this.cache.get(key);
    if (hit && now < hit.refreshAtMs) return hit.token.token;
    const spec: TokenRequestSpec = {
      audiences: audience ? [audience] : [],
      expirationSeconds,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid },
    };
    let issued: IssuedToken;
    try {
      issued = await this.requester.requestToken(ns, sa, spec);
    } catch (err) {
      // A token that is still valid keeps being served while the apiserver is away.
      if (hit && Date.parse(hit.token.expirationTimestamp) > now) return hit.token.token;
      throw new Error(`failed to fetch token: ${err instanceof Error ? err.message : String(err)}`);
    }
    const expiresMs = Date.parse(issued.expirationTimestamp);
    const ttl = Number.isFinite(expiresMs) ? Math.max(0, expiresMs - now) : expirationSeconds * 1000;
    this.cache.set(key, { token: issued, issuedAtMs: now, refreshAtMs: now + ttl * 0.8 });
    return issued.token;
  }

  /** Forgets the pod's tokens once its volumes are gone. */
  forgetPod(uid: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${uid}|`)) this.cache.delete(key);
  }
}
