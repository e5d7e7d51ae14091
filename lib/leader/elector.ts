// Leader election on a Lease, as client-go's tools/leaderelection with the LeaseLock.
//
// A candidate acquires the lease when it does not exist, is released (no holder), or has expired;
// the leader renews it every retry period; everything is compare-and-swap on resourceVersion.
//
// Expiry is judged by the candidate's own clock, never by the times written in the record: a
// candidate notes *when it saw the record change* (observedTime) and treats the lease as taken
// until leaseDuration has passed on its own clock without a change. Clocks of different machines
// may be hours apart; only their rates need to agree roughly.
//
// Why a leader always stops before anyone else starts: the leader measures renewDeadline from the
// moment it *sent* its last successful renewal. That write reached the lease after it was sent, and
// any other candidate saw it after that, so the earliest another candidate can take over is
// leaseDuration after the send, while the leader aborts its work signal (and calls
// onStoppedLeading) renewDeadline after it. renewDeadline < leaseDuration leaves that difference
// (5 s by default) as the margin for clock-rate drift and for the work loops to notice the abort.
// (client-go measures the deadline from the start of a renew round, up to a retry period later;
// measuring from the send is stricter.) A leader that sees another holder in the lease stops at once.
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import { isConflict, isAlreadyExists } from '../client/errors.js';
import { realClock, type Clock, type TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { LeaseLock, LockSnapshot } from './lock.js';
import { leaderMetrics, type LeaderMetrics } from './metrics.js';
import { formatMicroTime, sameRecord, type LeaderElectionRecord } from './record.js';

export interface LeaderCallbacks {
  /**
   * Called when this candidate becomes leader. `signal` aborts the moment leadership is lost or the
   * elector shuts down: every work loop must stop on it. A returned promise should settle once the
   * work has stopped; the lease is released only after that. A rejection gives leadership up.
   */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called right after the signal aborts (only if this candidate led). */
  onStoppedLeading?(): void;
  /** Called when a different, non-empty holder is observed (including this candidate itself). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionConfig {
  lock: LeaseLock;
  /** Unique per candidate, e.g. `${hostname}_${uuid}`. */
  identity: string;
  callbacks: LeaderCallbacks;
  /** How long a lease stays taken without renewal, in whole seconds × 1000. Default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it gives up. Default 10 s. */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew. Default 2 s. */
  retryPeriodMs?: number;
  /**
   * When leadership ends (a clean stop, or a lost renewal while the lease still names us) and the
   * work has stopped, clear the holder so a standby takes over at once. Default true.
   */
  releaseOnCancel?: boolean;
  /** Names the lease in metrics; default lock.describe(). */
  name?: string;
  clock?: Clock;
  /** For the jitter of acquire retries; default Math.random. */
  random?: () => number;
  logger?: Logger;
  /** Where leader_election_master_status goes; none without. */
  registry?: Registry;
}

export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;
/** Acquire retries wait retryPeriod × (1 + random × JITTER_FACTOR), as client-go's JitterUntil. */
export const JITTER_FACTOR = 1.2;

export class LeaderElector {
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  private readonly lock: LeaseLock;
  private readonly callbacks: LeaderCallbacks;
  private readonly releaseOnCancel: boolean;
  private readonly name: string;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: Logger;
  private readonly metrics: LeaderMetrics;

  /** The record as last read or written, and when (local clock) it was seen to change. */
  private observed: LeaderElectionRecord | undefined;
  private observedResourceVersion: string | undefined;
  private observedTime = 0;
  private reportedLeader = '';
  private leading = false;
  private running = false;

  constructor(config: LeaderElectionConfig) {
    this.lock = config.lock;
    this.identity = config.identity;
    this.callbacks = config.callbacks;
    this.leaseDurationMs = config.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
    this.renewDeadlineMs = config.renewDeadlineMs ?? DEFAULT_RENEW_DEADLINE_MS;
    this.retryPeriodMs = config.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
    this.releaseOnCancel = config.releaseOnCancel ?? true;
    this.name = config.name ?? config.lock.describe();
    this.clock = config.clock ?? realClock;
    this.random = config.random ?? Math.random;
    this.logger = (config.logger ?? pino({ level: 'silent' })).child({ lease: config.lock.describe(), identity: config.identity });
    this.metrics = leaderMetrics(config.registry);
    validate(this);
    this.metrics.setLeading(this.name, false);
  }

  /** True between onStartedLeading and the abort of its signal. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** The holder last seen in the lease ('' if none or not yet read). */
  get leader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /**
   * Campaigns until leadership is won, leads until it is lost or `signal` aborts, then returns
   * (after releasing the lease if it can). Returns without leading if `signal` aborts first.
   * A caller that wants to campaign again after losing calls run() again.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error('leader elector: run() is already running');
    this.running = true;
    try {
      const acquiredAt = await this.acquire(signal);
      if (acquiredAt !== undefined) await this.lead(acquiredAt, signal);
    } finally {
      this.running = false;
    }
  }

  /** Retries until the lease is ours; answers when the winning attempt was sent, or undefined if aborted. */
  private async acquire(signal: AbortSignal): Promise<number | undefined> {
    this.logger.info('attempting to acquire leader lease');
    while (!signal.aborted) {
      const sentAt = this.clock.now();
      const acquired = await this.tryAcquireOrRenew('acquire', signal);
      this.maybeReportNewLeader();
      if (acquired) {
        if (!signal.aborted) return sentAt;
        // Won just as we were told to stop: nothing ran under it, hand it straight back.
        if (this.releaseOnCancel) await this.release();
        return undefined;
      }
      const wait = this.retryPeriodMs * (1 + this.random() * JITTER_FACTOR);
      if (!(await this.sleep(wait, signal))) break;
    }
    return undefined;
  }

  private async lead(acquiredAt: number, signal: AbortSignal): Promise<void> {
    const leadership = new AbortController();
    let deadline: TimerHandle | undefined;
    const stop = (reason: string) => {
      if (leadership.signal.aborted) return;
      if (deadline !== undefined) this.clock.clearTimeout(deadline);
      // Abort first: the work loops must be told before anything else happens.
      leadership.abort(new Error(`leadership lost: ${reason}`));
      this.leading = false;
      this.metrics.setLeading(this.name, false);
      this.logger.info({ reason }, 'stopped leading');
      this.safely('onStoppedLeading', () => this.callbacks.onStoppedLeading?.());
    };
    const armDeadline = (renewSentAt: number) => {
      if (deadline !== undefined) this.clock.clearTimeout(deadline);
      const remaining = Math.max(0, renewSentAt + this.renewDeadlineMs - this.clock.now());
      deadline = this.clock.setTimeout(() => stop('failed to renew the lease within the renew deadline'), remaining);
    };
    const onShutdown = () => stop('shutting down');

    armDeadline(acquiredAt);
    this.leading = true;
    this.metrics.setLeading(this.name, true);
    this.logger.info('became leader');
    signal.addEventListener('abort', onShutdown, { once: true });
    const work = this.startWork(leadership.signal, () => stop('the leader callback failed'));

    while (!leadership.signal.aborted) {
      if (!(await this.sleep(this.retryPeriodMs, leadership.signal))) break;
      const sentAt = this.clock.now();
      const renewed = await this.tryAcquireOrRenew('renew', leadership.signal);
      this.maybeReportNewLeader();
      if (leadership.signal.aborted) break;
      if (renewed) armDeadline(sentAt);
      else if (this.leader !== this.identity) stop(this.leader ? `the lease is held by ${this.leader}` : 'the lease was released by someone else');
      // Otherwise (an error or a conflict) retry until the deadline timer gives up.
    }
    signal.removeEventListener('abort', onShutdown);

    // Releasing lets a standby start at once, so only once our own work has stopped.
    const workStopped = await this.settlesWithin(work, this.renewDeadlineMs);
    if (!workStopped) this.logger.warn('work did not stop within the renew deadline; leaving the lease to expire');
    else if (this.releaseOnCancel) await this.release();
  }

  private startWork(signal: AbortSignal, onFailure: () => void): Promise<unknown> {
    let work: Promise<unknown>;
    try {
      work = Promise.resolve(this.callbacks.onStartedLeading(signal));
    } catch (err) {
      work = Promise.reject(err);
    }
    return work.catch((err: unknown) => {
      this.logger.error({ err }, 'onStartedLeading failed; giving up leadership');
      onFailure();
    });
  }

  /**
   * One attempt, as client-go's tryAcquireOrRenew: true if the lease is ours after it. A leader
   * ('renew') never takes over a lease someone else holds, even an expired one: it would not be
   * the same, uninterrupted leadership.
   */
  private async tryAcquireOrRenew(mode: 'acquire' | 'renew', signal: AbortSignal): Promise<boolean> {
    const now = formatMicroTime(this.clock.now());
    const desired: LeaderElectionRecord = {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.leaseDurationMs / 1000,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: 0,
    };
    let current: LockSnapshot | null;
    try {
      current = await this.lock.get(signal);
    } catch (err) {
      if (!signal.aborted) this.logger.warn({ err }, 'error reading the lease');
      return false;
    }

    if (!current) {
      try {
        await this.lock.create(desired, signal);
      } catch (err) {
        if (!signal.aborted && !isAlreadyExists(err)) this.logger.warn({ err }, 'error creating the lease');
        return false;
      }
      this.observe(desired, undefined);
      return true;
    }

    this.observe(current.record, current.resourceVersion);
    const holder = current.record.holderIdentity;
    if (mode === 'renew' && holder !== this.identity) return false;
    if (holder !== '' && holder !== this.identity && this.observedLeaseValid()) return false;

    if (holder === this.identity) {
      desired.acquireTime = current.record.acquireTime;
      desired.leaseTransitions = current.record.leaseTransitions;
    } else {
      desired.leaseTransitions = current.record.leaseTransitions + 1;
    }
    try {
      await this.lock.update(desired, current.resourceVersion, signal);
    } catch (err) {
      // A conflict means someone else wrote the lease first: the next attempt reads who.
      if (!signal.aborted && !isConflict(err)) this.logger.warn({ err }, 'error updating the lease');
      return false;
    }
    this.observe(desired, undefined);
    return true;
  }

  /** Clears the holder (lease duration 1 s) if the lease is still ours, as client-go's release(). */
  private async release(): Promise<void> {
    const timeout = new AbortController();
    const timer = this.clock.setTimeout(() => timeout.abort(new Error('release timed out')), this.renewDeadlineMs);
    try {
      const current = await this.lock.get(timeout.signal);
      if (!current || current.record.holderIdentity !== this.identity) return;
      const now = formatMicroTime(this.clock.now());
      const released: LeaderElectionRecord = {
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: current.record.leaseTransitions,
      };
      await this.lock.update(released, current.resourceVersion, timeout.signal);
      this.observe(released, undefined);
      this.logger.info('released the lease');
    } catch (err) {
      this.logger.warn({ err }, 'failed to release the lease');
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  /**
   * Notes the record; the local observation time restarts only when it changed. Any write changes
   * the resourceVersion, so a renewal within the same millisecond still counts as a change.
   */
  private observe(record: LeaderElectionRecord, resourceVersion: string | undefined): void {
    const changed =
      !this.observed || !sameRecord(this.observed, record) || resourceVersion === undefined || resourceVersion !== this.observedResourceVersion;
    this.observed = record;
    this.observedResourceVersion = resourceVersion;
    if (changed) this.observedTime = this.clock.now();
  }

  private observedLeaseValid(): boolean {
    const durationMs = (this.observed?.leaseDurationSeconds ?? 0) * 1000;
    return this.observedTime + durationMs > this.clock.now();
  }

  private maybeReportNewLeader(): void {
    const holder = this.leader;
    if (holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    if (holder === '') return;
    this.logger.info({ leader: holder }, 'new leader observed');
    this.safely('onNewLeader', () => this.callbacks.onNewLeader?.(holder));
  }

  /** Sleeps on the clock; false if the signal aborted first. */
  private async sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.clock.sleep(ms, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Whether `work` settles within `ms` on the clock. */
  private async settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
    const timeout = new AbortController();
    const settled = await Promise.race([work.then(() => true), this.sleep(ms, timeout.signal).then(() => false)]);
    timeout.abort();
    return settled;
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error({ err }, `${what} callback threw`);
    }
  }
}

function validate(e: LeaderElector): void {
  const problems: string[] = [];
  if (!e.identity) problems.push('identity must not be empty');
  if (!(Number.isInteger(e.leaseDurationMs / 1000) && e.leaseDurationMs >= 1000)) {
    problems.push('leaseDuration must be a whole number of seconds (the Lease stores seconds)');
  }
  if (!(e.retryPeriodMs > 0)) problems.push('retryPeriod must be positive');
  if (!(e.renewDeadlineMs > JITTER_FACTOR * e.retryPeriodMs)) problems.push(`renewDeadline must be greater than retryPeriod × ${JITTER_FACTOR}`);
  if (!(e.leaseDurationMs > e.renewDeadlineMs)) problems.push('leaseDuration must be greater than renewDeadline');
  if (problems.length > 0) throw new RangeError(`leader election: ${problems.join('; ')}`);
}
