// Prometheus metrics of a store member (served on /metrics), one registry per member so tests can
// run several members in one process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class StoreMetrics {
  readonly registry = new Registry();
  readonly proposalsCommitted = new Counter({ name: 'k8ts_store_proposals_committed_total', help: 'Proposals from this member applied after commit.', registers: [this.registry] });
  readonly proposalsFailed = new Counter({ name: 'k8ts_store_proposals_failed_total', help: 'Proposals from this member that failed (no leader, timeout).', labelNames: ['reason'], registers: [this.registry] });
  readonly proposalsPending = new Gauge({ name: 'k8ts_store_proposals_pending', help: 'Proposals from this member waiting for commit.', registers: [this.registry] });
  readonly leaderChanges = new Counter({ name: 'k8ts_store_leader_changes_seen_total', help: 'Leader changes seen by this member.', registers: [this.registry] });
  readonly hasLeader = new Gauge({ name: 'k8ts_store_has_leader', help: '1 when a leader is known.', registers: [this.registry] });
  readonly isLeader = new Gauge({ name: 'k8ts_store_is_leader', help: '1 when this member leads.', registers: [this.registry] });
  readonly fsyncDuration = new Histogram({
    name: 'k8ts_store_wal_fsync_duration_seconds',
    help: 'WAL write+fsync duration of a batch.',
    buckets: [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024],
    registers: [this.registry],
  });
  readonly applyDuration = new Histogram({
    name: 'k8ts_store_apply_duration_seconds',
    help: 'Time to apply one Ready worth of committed entries.',
    buckets: [0.0001, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256],
    registers: [this.registry],
  });
  readonly watchers = new Gauge({ name: 'k8ts_store_watchers', help: 'Active watch streams.', registers: [this.registry] });
  readonly revision = new Gauge({ name: 'k8ts_store_revision', help: 'Current store revision.', registers: [this.registry] });
  readonly appliedIndex = new Gauge({ name: 'k8ts_store_applied_index', help: 'Raft applied index.', registers: [this.registry] });
  readonly snapshots = new Counter({ name: 'k8ts_store_snapshots_total', help: 'Snapshots saved by this member.', registers: [this.registry] });
  readonly rejectedPeerMessages = new Counter({ name: 'k8ts_store_peer_messages_rejected_total', help: 'Peer messages rejected by Raft.', labelNames: ['reason'], registers: [this.registry] });

  readonly droppedPeerMessages = new Counter({ name: 'k8ts_store_peer_messages_dropped_total', help: 'Frames of messages to a peer dropped because its stream buffer was full.', labelNames: ['peer'], registers: [this.registry] });

  constructor(defaultMetrics = true) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
