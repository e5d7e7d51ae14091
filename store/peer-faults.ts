// Test-only fault injection on the peer transport: drop all traffic to and from chosen peers, as a
// network partition would (messages vanish, streams go silent and are detected dead by their idle
// timeouts, forwarded requests fail). Controlled at runtime through the peer listener's
// `/debug/faults` endpoint, which exists only when the member runs with
// --unsafe-enable-fault-injection. Never enable it in production: anyone who can reach the peer
// port could then cut the member off.
import type { FastifyInstance } from 'fastify';
import type { PeerInfo } from './transport.js';

export const FAULTS_PATH = '/debug/faults';

export interface FaultsState {
  /** Names of the peers this member neither sends to nor hears from. */
  blockedPeers: string[];
}

export class PeerFaults {
  private readonly blocked = new Set<number>();

  constructor(private readonly peers: readonly PeerInfo[]) {}

  isBlocked(id: number): boolean {
    return this.blocked.size > 0 && this.blocked.has(id);
  }

  state(): FaultsState {
    return { blockedPeers: this.peers.filter((p) => this.blocked.has(p.id)).map((p) => p.name) };
  }

  /** Replaces the set of blocked peers (by name); throws on an unknown name. */
  block(names: readonly string[]): void {
    const ids = names.map((name) => {
      const peer = this.peers.find((p) => p.name === name);
      if (!peer) throw new Error(`unknown peer ${JSON.stringify(name)}: known ${this.peers.map((p) => p.name).join(', ')}`);
      return peer.id;
    });
    this.blocked.clear();
    for (const id of ids) this.blocked.add(id);
  }

  /** GET shows, PUT `{"blockedPeers": [...names]}` replaces (an empty list heals). */
  routes(app: FastifyInstance): void {
    app.get(FAULTS_PATH, async () => this.state());
    app.put(FAULTS_PATH, { schema: { body: { type: 'object', properties: { blockedPeers: { type: 'array', items: { type: 'string' } } }, required: ['blockedPeers'], additionalProperties: false } } }, async (req, reply) => {
      try {
        this.block((req.body as FaultsState).blockedPeers);
      } catch (err) {
        return reply.code(400).send({ error: { code: 'badRequest', message: (err as Error).message } });
      }
      return this.state();
    });
  }
}
