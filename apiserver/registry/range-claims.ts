// Claims on the values of an allocation range (service IPs, node ports), kept in the store so
// that every apiserver instance sees the same allocations: one key per value,
//   /registry/ranges/serviceips/10.96.0.10 → {"namespace":"default","name":"dns","uid":"…","claimedAt":…}
// created with a create-if-absent txn, so two instances can never claim the same value.
//
// A claim is only ever taken over after checking its holder: a claim is live while its owner
// object still holds the value. Releasing a claim only marks it (soft release), so a release
// made for a write that then fails (a delete refused by a precondition, an update that conflicts)
// never frees a value that is still in use; the next claimant sees the owner still holding it.
// A claim whose owner never came to hold the value (a create that failed after allocating) is
// taken over after a grace period.
import type { TxnResponse } from '../../lib/store-client/protocol.js';
import type { KvBackend } from '../storage/interfaces.js';
import type { AllocationSpace } from './ranges.js';

export interface ClaimOwner {
  namespace: string;
  name: string;
  uid: string;
}

interface ClaimRecord extends ClaimOwner {
  claimedAt: number;
  released?: boolean;
}

/** Whether `owner` (as stored now) still holds `value`. Throws when that cannot be known. */
export type HoldsValue = (owner: ClaimOwner, value: string) => Promise<boolean>;

/** A successful claim: `fresh` when this call wrote it (and a rollback may delete it again). */
export interface Claimed {
  value: string;
  revision: number;
  fresh: boolean;
}

/** Random probes before falling back to a scan of the whole range. */
const RANDOM_PROBES = 8;
/** At most this many taken-looking values are re-checked per allocation once the range seems full. */
const MAX_TAKEOVER_CHECKS = 64;
/** Bounded retries of one key's read-check-write against concurrent writers. */
const CAS_ATTEMPTS = 4;

function decode(value: string): ClaimRecord | undefined {
  try {
    const v = JSON.parse(value) as Partial<ClaimRecord>;
    if (typeof v.namespace !== 'string' || typeof v.name !== 'string' || typeof v.uid !== 'string' || typeof v.claimedAt !== 'number') return undefined;
    return { namespace: v.namespace, name: v.name, uid: v.uid, claimedAt: v.claimedAt, ...(v.released === true ? { released: true } : {}) };
  } catch {
    return undefined;
  }
}

function encode(r: ClaimRecord): string {
  return JSON.stringify(r);
}

function unit(r: number): number {
  return Number.isFinite(r) ? Math.min(Math.max(r, 0), 1 - Number.EPSILON) : 0;
}

export class RangeClaims {
  /**
   * @param prefix key prefix ending in '/'
   * @param graceMs how long a claim whose owner does not hold the value yet stays untouchable
   */
  constructor(
    private readonly kv: Pick<KvBackend, 'txn' | 'range'>,
    readonly prefix: string,
    private readonly holds: HoldsValue,
    private readonly graceMs: number,
  ) {}

  key(value: string): string {
    return `${this.prefix}${value}`;
  }

  /**
   * Claims `value` for `owner`: when nobody has, when the claim is the owner's own, or when its
   * holder no longer holds it. Undefined when it is taken.
   */
  async claim(value: string, owner: ClaimOwner, now: number): Promise<Claimed | undefined> {
    const key = this.key(value);
    const record = encode({ ...owner, claimedAt: now });
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const created = await this.kv.txn({
        compare: [{ key, target: 'createRevision', op: '=', value: 0 }],
        success: [{ type: 'put', key, value: record }],
        failure: [{ type: 'range', key }],
      });
      if (created.succeeded) return { value, revision: created.header.revision, fresh: true };
      const current = firstKv(created);
      if (!current) continue; // deleted in between: try creating again
      const existing = decode(current.value);
      if (!existing) return undefined; // an unreadable claim is never taken over
      const own = owner.uid !== '' && existing.uid === owner.uid;
      if (own && !existing.released) return { value, revision: current.modRevision, fresh: false };
      if (!own && (await this.isLive(existing, value, now))) return undefined;
      const taken = await this.kv.txn({
        compare: [{ key, target: 'modRevision', op: '=', value: current.modRevision }],
        success: [{ type: 'put', key, value: record }],
        failure: [],
      });
      if (taken.succeeded) return { value, revision: taken.header.revision, fresh: !own };
    }
    return undefined;
  }

  /**
   * Claims some free value of `space` for `owner`: random probes in the dynamic band first, then a
   * scan (dynamic band, then static band), then a takeover of claims whose holders let go.
   * Undefined when the range is full.
   */
  async claimAny(space: AllocationSpace, owner: ClaimOwner, now: number, random: () => number): Promise<Claimed | undefined> {
    if (space.size === 0) return undefined;
    const low = space.staticBand < space.size ? space.staticBand : 0;
    const probes = Math.min(RANDOM_PROBES, space.size - low);
    for (let i = 0; i < probes; i++) {
      const offset = low + Math.floor(unit(random()) * (space.size - low));
      if (space.reserved.has(offset)) continue;
      const got = await this.claim(space.valueAt(offset), owner, now);
      if (got) return got;
    }
    const records = await this.list();
    const start = unit(random());
    for (const offset of walk(space, start)) {
      const value = space.valueAt(offset);
      if (records.has(value)) continue;
      const got = await this.claim(value, owner, now);
      if (got) return got;
    }
    // Everything has a claim: re-check the likeliest to be abandoned, released ones first.
    const candidates = [...records.entries()]
      .filter(([, r]) => r !== undefined)
      .sort(([, a], [, b]) => Number(b!.released === true) - Number(a!.released === true) || a!.claimedAt - b!.claimedAt)
      .slice(0, MAX_TAKEOVER_CHECKS);
    for (const [value] of candidates) {
      if (!space.contains(value)) continue; // left over from a differently configured range
      const got = await this.claim(value, owner, now);
      if (got) return got;
    }
    return undefined;
  }

  /** Marks the owner's claim on `value` released (a no-op for anyone else's claim). */
  async release(value: string, owner: ClaimOwner): Promise<void> {
    const key = this.key(value);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const read = await this.kv.range({ key });
      const current = read.kvs[0];
      if (!current) return;
      const existing = decode(current.value);
      if (!existing || existing.uid !== owner.uid || existing.released) return;
      const r = await this.kv.txn({
        compare: [{ key, target: 'modRevision', op: '=', value: current.modRevision }],
        success: [{ type: 'put', key, value: encode({ ...existing, released: true }) }],
        failure: [],
      });
      if (r.succeeded) return;
    }
  }

  /** Undoes a fresh claim of a write that failed: deletes it unless someone changed it since. */
  async rollback(claim: Claimed): Promise<void> {
    if (!claim.fresh) return;
    const key = this.key(claim.value);
    await this.kv.txn({
      compare: [{ key, target: 'modRevision', op: '=', value: claim.revision }],
      success: [{ type: 'deleteRange', key }],
      failure: [],
    });
  }

  /** Every claim, by value (undefined for unreadable records). */
  async list(): Promise<Map<string, ClaimRecord | undefined>> {
    const r = await this.kv.range({ key: this.prefix, prefix: true });
    const out = new Map<string, ClaimRecord | undefined>();
    for (const kv of r.kvs) out.set(kv.key.slice(this.prefix.length), decode(kv.value));
    return out;
  }

  private async isLive(record: ClaimRecord, value: string, now: number): Promise<boolean> {
    if (await this.holds(record, value)) return true;
    if (record.released) return false;
    return now - record.claimedAt < this.graceMs;
  }
}

function firstKv(r: TxnResponse): { value: string; modRevision: number } | undefined {
  const op = r.responses[0];
  return op && op.type === 'range' ? op.kvs[0] : undefined;
}

/** The offsets of a space, reserved ones skipped: the dynamic band from `start` (a fraction), wrapping, then the static band. */
function* walk(space: AllocationSpace, start: number): Generator<number> {
  const bands: Array<[number, number]> =
    space.staticBand > 0 && space.staticBand < space.size
      ? [
          [space.staticBand, space.size],
          [0, space.staticBand],
        ]
      : [[0, space.size]];
  for (const [lo, hi] of bands) {
    const width = hi - lo;
    const first = Math.floor(start * width);
    for (let i = 0; i < width; i++) {
      const offset = lo + ((first + i) % width);
      if (!space.reserved.has(offset)) yield offset;
    }
  }
}
