// Pending ReadIndex requests on the leader, waiting for a quorum of heartbeat acknowledgements
// that prove the leader was still the leader when the request arrived.

export interface ReadIndexRequest {
  /** Commit index when the request arrived: the read index once confirmed. */
  index: number;
  /** Node that asked (the leader itself for local reads). */
  from: number;
  ctx: string;
  acks: Set<number>;
}

export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexRequest>();
  private queue: string[] = [];

  /** Queues a request. A context already pending is ignored (contexts must be unique). */
  addRequest(index: number, from: number, ctx: string): boolean {
    if (this.pending.has(ctx)) return false;
    this.pending.set(ctx, { index, from, ctx, acks: new Set() });
    this.queue.push(ctx);
    return true;
  }

  /** Records an ack for `ctx`; returns the set of ackers, or undefined for an unknown context. */
  recvAck(id: number, ctx: string): Set<number> | undefined {
    const rs = this.pending.get(ctx);
    if (!rs) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /**
   * Confirms `ctx` and every request queued before it (an ack for a later heartbeat also proves
   * leadership for earlier requests) and removes them.
   */
  advance(ctx: string): ReadIndexRequest[] {
    const pos = this.queue.indexOf(ctx);
    if (pos < 0) return [];
    const done = this.queue.slice(0, pos + 1).map((c) => this.pending.get(c)!);
    this.queue = this.queue.slice(pos + 1);
    for (const r of done) this.pending.delete(r.ctx);
    return done;
  }

  lastPendingRequestCtx(): string | undefined {
    return this.queue.length > 0 ? this.queue[this.queue.length - 1] : undefined;
  }

  pendingCount(): number {
    return this.queue.length;
  }
}
