// The leader election record (client-go's resourcelock.LeaderElectionRecord) and its mapping to a
// coordination.k8s.io/v1 Lease's spec. Times are MicroTime strings: RFC 3339 with microseconds.
import type { LeaseSpec } from '../api/types.js';

export interface LeaderElectionRecord {
  /** Empty when nobody holds the lease (after a release). */
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

/** A MicroTime as the apiserver writes it: 2026-12-05T09:14:03.123456Z (our clocks have ms, so …000). */
export function formatMicroTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2026-12-05T09:14:03.123Z
  return `${iso.slice(0, -1)}000Z`;
}

/** Milliseconds since the epoch, or NaN when `s` is not an RFC 3339 time. */
export function parseMicroTime(s: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return NaN;
  const fraction = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  return Date.parse(`${m[1]}.${fraction}${m[3]}`);
}

/** The record a Lease's spec holds; missing fields read as empty/zero, as client-go's LeaseSpecToLeaseRecord. */
export function recordFromLeaseSpec(spec: LeaseSpec | undefined): LeaderElectionRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: spec?.acquireTime ?? '',
    renewTime: spec?.renewTime ?? '',
    leaseTransitions: spec?.leaseTransitions ?? 0,
  };
}

/** The Lease spec for a record (client-go's LeaseSpecFromLeaderElectionRecord); empty times are left out. */
export function leaseSpecFromRecord(record: LeaderElectionRecord): LeaseSpec {
  const spec: LeaseSpec = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
  };
  if (record.acquireTime) spec.acquireTime = record.acquireTime;
  if (record.renewTime) spec.renewTime = record.renewTime;
  return spec;
}

/** Whether two records say the same thing (client-go compares the raw bytes for this). */
export function sameRecord(a: LeaderElectionRecord, b: LeaderElectionRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  );
}
