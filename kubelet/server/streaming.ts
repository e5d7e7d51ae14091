// /exec and /attach: WebSocket upgrades speaking the remotecommand channel protocol
// (v5.channel.k8s.io, v4.channel.k8s.io). The pod, options and running container are checked
// and the runtime session opened before the handshake, so every failure up to there is an HTTP
// answer the apiserver can relay; after it, the outcome travels on the status channel.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { acceptWebSocket, isWebSocketUpgrade, negotiateProtocol, parseProtocolHeader, rejectUpgrade, serveSession, SUPPORTED_PROTOCOLS } from '../../lib/streaming/index.js';
import type { StreamSession } from '../runtime/types.js';
import type { KubeletServerDeps } from './deps.js';
import { findPod, runningContainer } from './pods.js';

export interface StreamRequest {
  kind: 'exec' | 'attach';
  namespace: string;
  pod: string;
  /** Present in the /{ns}/{pod}/{uid}/{container} form. */
  uid?: string;
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** A plain (non-upgrade) exec/attach request that passed every check gets this 400. */
export const UPGRADE_REQUIRED = 'Upgrade request required';

function flag(v: string | null): boolean {
  return v === '1' || v === 'true';
}

/** Parses `/exec/{ns}/{pod}[/{uid}]/{container}?command=…&stdin=1…`; a string is what is wrong. */
export function parseStreamRequest(rawUrl: string): StreamRequest | { notFound: true } | { error: string } {
  const url = new URL(rawUrl, 'http://kubelet');
  const parts = url.pathname.split('/').slice(1);
  if ((parts[0] !== 'exec' && parts[0] !== 'attach') || parts.length < 4 || parts.length > 5 || parts.some((p) => p === '')) return { notFound: true };
  let seg: string[];
  try {
    seg = parts.map(decodeURIComponent);
  } catch {
    return { notFound: true };
  }
  const q = url.searchParams;
  const req: StreamRequest = {
    kind: seg[0] as 'exec' | 'attach',
    namespace: seg[1]!,
    pod: seg[2]!,
    ...(seg.length === 5 ? { uid: seg[3]! } : {}),
    container: seg[seg.length - 1]!,
    command: q.getAll('command'),
    stdin: flag(q.get('input')) || flag(q.get('stdin')),
    stdout: flag(q.get('output')) || flag(q.get('stdout')),
    stderr: flag(q.get('error')) || flag(q.get('stderr')),
    tty: flag(q.get('tty')),
  };
  // A terminal merges stderr into stdout (remotecommand: tty wins over stderr).
  if (req.tty) req.stderr = false;
  if (!req.stdin && !req.stdout && !req.stderr) return { error: 'you must specify at least 1 of stdin, stdout, stderr' };
  if (req.kind === 'exec' && req.command.length === 0) return { error: 'you must specify at least one command for the container' };
  return req;
}

export class StreamingServer {
  private readonly open = new Set<WebSocket>();
  constructor(private readonly deps: KubeletServerDeps) {}

  /** Handles a server 'upgrade' event; never throws. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    try {
      await this.upgrade(req, socket, head);
    } catch (err) {
      this.deps.logger.warn({ err, url: req.url }, 'exec/attach failed');
      rejectUpgrade(socket, 500, (err as Error).message);
    }
  }

  /**
   * Everything that can fail before the handshake, for upgrades and plain requests alike (a plain
   * request is how the apiserver learns why a SPDY client cannot be served).
   */
  async check(rawUrl: string): Promise<{ ok: true; request: StreamRequest; containerId: string } | { ok: false; code: number; body: string }> {
    const parsed = parseStreamRequest(rawUrl);
    if ('notFound' in parsed) return { ok: false, code: 404, body: '404 page not found\n' };
    if ('error' in parsed) return { ok: false, code: 400, body: parsed.error };
    const pod = findPod(this.deps.pods(), parsed.namespace, parsed.pod);
    if (!pod || (parsed.uid !== undefined && pod.metadata?.uid !== parsed.uid)) return { ok: false, code: 404, body: 'pod does not exist' };
    const container = await runningContainer(this.deps.runtime, pod, parsed.container);
    if (!container) return { ok: false, code: 500, body: `container not found ("${parsed.container}")` };
    return { ok: true, request: parsed, containerId: container.id };
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const checked = await this.check(req.url ?? '/');
    if (!checked.ok) return rejectUpgrade(socket, checked.code, checked.body);
    if (!isWebSocketUpgrade(req)) return rejectUpgrade(socket, 400, `unable to upgrade: only WebSocket upgrades (${SUPPORTED_PROTOCOLS.join(', ')}) are served`);
    const offered = parseProtocolHeader(req.headers['sec-websocket-protocol']);
    const protocol = negotiateProtocol(offered);
    if (!protocol) return rejectUpgrade(socket, 400, `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${SUPPORTED_PROTOCOLS.join(' ')}]`);

    const { request: parsed, containerId } = checked;
    const io = { tty: parsed.tty, stdin: parsed.stdin, stdout: parsed.stdout, stderr: parsed.stderr };
    let session: StreamSession;
    try {
      session = parsed.kind === 'exec' ? await this.deps.runtime.exec(containerId, { ...io, cmd: parsed.command }) : await this.deps.runtime.attach(containerId, io);
    } catch (err) {
      return rejectUpgrade(socket, 500, `error executing command in container: ${(err as Error).message}`);
    }
    if (socket.destroyed) {
      session.close();
      return;
    }
    const ws = await acceptWebSocket(req, socket, head, protocol);
    this.open.add(ws);
    ws.once('close', () => this.open.delete(ws));
    await serveSession(ws, session, { protocol, command: parsed.command });
  }

  /** Ends every open session (server shutdown). */
  closeAll(): void {
    for (const ws of this.open) ws.terminate();
    this.open.clear();
  }
}
