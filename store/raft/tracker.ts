// Membership (voters), per-follower progress and vote tallying.
import { Progress } from './progress.js';
import type { ConfState } from './types.js';

export type VoteResult = 'won' | 'lost' | 'pending';

export class ProgressTracker {
  /** Sorted voter ids. */
  voters: number[] = [];
  readonly progress = new Map<number, Progress>();
  readonly votes = new Map<number, boolean>();
  private readonly matchScratch: number[] = [];

  constructor(
    readonly maxInflight: number,
    readonly maxInflightBytes: number,
  ) {}

  confState(): ConfState {
    return { voters: [...this.voters] };
  }

  isVoter(id: number): boolean {
    return this.progress.has(id) && this.voters.includes(id);
  }

  quorum(): number {
    return Math.floor(this.voters.length / 2) + 1;
  }

  /** Replaces the configuration, keeping the progress of members that remain. */
  setVoters(voters: readonly number[], nextIndex: number): void {
    const sorted = [...new Set(voters)].sort((a, b) => a - b);
    for (const id of [...this.progress.keys()]) if (!sorted.includes(id)) this.progress.delete(id);
    for (const id of sorted) {
      if (!this.progress.has(id)) {
        const pr = new Progress(nextIndex, this.maxInflight, this.maxInflightBytes);
        // A new member counts as active so CheckQuorum does not depose the leader right away.
        pr.recentActive = true;
        this.progress.set(id, pr);
      }
    }
    this.voters = sorted;
  }

  /** Highest index replicated on a quorum of voters (by their match indexes). */
  committed(): number {
    const n = this.voters.length;
    if (n === 0) return 0;
    const m = this.matchScratch;
    m.length = n;
    for (let k = 0; k < n; k++) m[k] = this.progress.get(this.voters[k]!)?.match ?? 0;
    m.sort((a, b) => b - a);
    return m[this.quorum() - 1]!;
  }

  resetVotes(): void {
    this.votes.clear();
  }

  /** Records a vote (the first one from each voter counts). */
  recordVote(id: number, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    const q = this.quorum();
    let result: VoteResult = 'pending';
    if (granted >= q) result = 'won';
    else if (rejected > this.voters.length - q) result = 'lost';
    return { granted, rejected, result };
  }

  /** True if a quorum of voters was heard from recently (the leader counts itself as active). */
  quorumActive(selfId: number): boolean {
    let active = 0;
    for (const id of this.voters) {
      if (id === selfId || this.progress.get(id)?.recentActive) active++;
    }
    return active >= this.quorum();
  }
}
