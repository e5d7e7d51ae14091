// pods/{name}/exec and pods/{name}/attach (pkg/registry/core/pod/rest/subresources.go): the
// request is checked here (pod, container, node) and any failure answered as a metav1.Status
// before the handshake; then the apiserver opens a WebSocket to the kubelet with the protocols
// the client offered, upgrades the client with the one the kubelet chose, and passes frames both
// ways. A kubelet that refuses passes its answer through unchanged, as the real apiserver's
// upgrade-aware proxy does (kubectl then says `unable to upgrade connection: …`).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { status, type Status } from '../../lib/api/status.js';
import { ApiError } from '../../lib/api/errors.js';
import { acceptWebSocket, dialWebSocket, isWebSocketUpgrade, negotiateProtocol, parseProtocolHeader, pipeWebSockets, rejectUpgrade, SUPPORTED_PROTOCOLS } from '../../lib/streaming/index.js';
import type { ApiDeps } from '../deps.js';
import { unreachable } from './backend-errors.js';
import { baseUrl, getPod, kubeletOfPod, validateContainer } from './kubelet-location.js';

const PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach)$/;

export function isPodStreamPath(pathname: string): boolean {
  return PATH.test(pathname);
}

function sendStatus(socket: Duplex, st: Status): void {
  rejectUpgrade(socket, st.code, JSON.stringify(st), 'application/json');
}

const truthy = (v: string | null) => v === 'true' || v === '1';

/** The kubelet's query (streamParams): stdin/stdout/stderr/tty as `1`, each command word repeated. */
function kubeletQuery(kind: string, params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const name of ['stdin', 'stdout', 'stderr', 'tty']) if (truthy(params.get(name))) out.set(name, '1');
  if (kind === 'exec') for (const c of params.getAll('command')) out.append('command', c);
  return out;
}

/**
 * SPDY (kubectl's fallback after a failed WebSocket upgrade) or unknown subprotocols: not served.
 * The kubelet is still asked with a plain request so that its reason (no such container, not
 * running) reaches the client, as it would through a real apiserver.
 */
async function refuseUnsupported(socket: Duplex, target: string): Promise<void> {
  const url = target.replace(/^ws/, 'http');
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.text()).slice(0, 50_000);
    if (!(res.status === 400 && body.trim() === 'Upgrade request required')) return rejectUpgrade(socket, res.status, body);
  } catch (err) {
    return sendStatus(socket, unreachable('GET', url, err));
  }
  sendStatus(socket, status.badRequest(`unable to upgrade connection: only WebSocket with one of the subprotocols ${SUPPORTED_PROTOCOLS.join(', ')} is supported`));
}

export async function handlePodStreamUpgrade(deps: ApiDeps, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  socket.on('error', () => undefined);
  const url = new URL(req.url ?? '/', 'http://apiserver');
  const m = PATH.exec(url.pathname);
  if (!m) return sendStatus(socket, status.pathNotFound());
  let namespace: string;
  let name: string;
  try {
    namespace = decodeURIComponent(m[1]!);
    name = decodeURIComponent(m[2]!);
  } catch {
    return sendStatus(socket, status.pathNotFound());
  }
  const kind = m[3]!;
  if (req.method !== 'GET' && req.method !== 'POST') return sendStatus(socket, status.methodNotAllowed(req.method ?? '', `pods/${kind}`));

  let target: string;
  try {
    const pod = await getPod(deps, namespace, name);
    const container = validateContainer(pod, url.searchParams.get('container') ?? undefined);
    const loc = await kubeletOfPod(deps, pod);
    const qs = kubeletQuery(kind, url.searchParams).toString();
    target = `${baseUrl(loc, 'ws')}/${kind}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}${qs ? `?${qs}` : ''}`;
  } catch (err) {
    if (err instanceof ApiError) return sendStatus(socket, err.status);
    deps.logger.error({ err }, `pods/${kind} failed`);
    return sendStatus(socket, status.internalError(err));
  }

  const offered = parseProtocolHeader(req.headers['sec-websocket-protocol']);
  if (!isWebSocketUpgrade(req) || !negotiateProtocol(offered)) return refuseUnsupported(socket, target);

  let dialed;
  try {
    dialed = await dialWebSocket(target, offered.filter((p) => (SUPPORTED_PROTOCOLS as readonly string[]).includes(p)));
  } catch (err) {
    return sendStatus(socket, unreachable('GET', target.replace(/^ws/, 'http'), err));
  }
  if (!dialed.ok) return rejectUpgrade(socket, dialed.statusCode, dialed.body);
  const backend = dialed.ws;
  if (socket.destroyed) {
    backend.close(1000);
    return;
  }
  const client = await acceptWebSocket(req, socket, head, dialed.protocol);
  await pipeWebSockets(client, backend);
}
