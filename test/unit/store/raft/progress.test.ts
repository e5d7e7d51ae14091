// Unit tests for flow control: the inflights window, follower progress states and the tracker's
// quorum arithmetic.
import t from 'tap';
import { Inflights } from '../../../../store/raft/inflights.js';
import { Progress } from '../../../../store/raft/progress.js';
import { ProgressTracker } from '../../../../store/raft/tracker.js';

t.test('Inflights: bounded by count and bytes, freed in order, wraps around', async (t) => {
  const inf = new Inflights(4);
  for (const i of [10, 20, 30]) inf.add(i, 100);
  t.notOk(inf.full());
  inf.add(40, 100);
  t.ok(inf.full());
  t.throws(() => inf.add(50, 1), /full/);
  inf.freeLE(5);
  t.equal(inf.size(), 4, 'freeing below the first index frees nothing');
  inf.freeLE(25);
  t.equal(inf.size(), 2);
  t.equal(inf.byteSize(), 200);
  // Wrap around the ring buffer.
  inf.add(50, 1);
  inf.add(60, 1);
  t.ok(inf.full());
  inf.freeLE(55);
  t.equal(inf.size(), 1);
  inf.freeLE(1000);
  t.equal(inf.size(), 0);
  t.equal(inf.byteSize(), 0);

  const bytes = new Inflights(100, 250);
  bytes.add(1, 100);
  bytes.add(2, 100);
  t.notOk(bytes.full());
  bytes.add(3, 100);
  t.ok(bytes.full(), 'byte budget exhausted');
  bytes.freeLE(1);
  t.notOk(bytes.full());
  t.throws(() => new Inflights(0), /positive/);
});

t.test('Progress: probe sends one message at a time until it hears back', async (t) => {
  const pr = new Progress(5, 4, 0);
  t.equal(pr.state, 'probe');
  t.notOk(pr.isPaused());
  pr.sentEntries(3, 30);
  t.ok(pr.isPaused(), 'paused after a probe');
  t.equal(pr.next, 5, 'probe does not advance next optimistically');
  t.ok(pr.maybeUpdate(7));
  t.notOk(pr.isPaused());
  t.equal(pr.match, 7);
  t.equal(pr.next, 8);
  t.notOk(pr.maybeUpdate(6), 'stale ack');
  t.equal(pr.match, 7);
});

t.test('Progress: replicate pipelines optimistically up to the inflight limit', async (t) => {
  const pr = new Progress(1, 2, 0);
  pr.maybeUpdate(4);
  pr.becomeReplicate();
  t.equal(pr.next, 5);
  pr.sentEntries(3, 30); // 5..7
  t.equal(pr.next, 8);
  t.notOk(pr.isPaused());
  pr.sentEntries(2, 20); // 8..9
  t.ok(pr.isPaused(), 'window full');
  pr.maybeUpdate(7);
  pr.inflights.freeLE(7);
  pr.msgAppFlowPaused = pr.inflights.full();
  t.notOk(pr.isPaused());
  t.equal(pr.inflights.size(), 1);
});

t.test('Progress.maybeDecrTo: rejections move next back, stale ones are ignored', async (t) => {
  const cases = [
    { name: 'replicate: reject above match resets to match+1', state: 'replicate', match: 5, next: 10, rejected: 9, hint: 7, ok: true, wantNext: 6 },
    { name: 'replicate: stale reject at or below match', state: 'replicate', match: 5, next: 10, rejected: 5, hint: 3, ok: false, wantNext: 10 },
    { name: 'probe: uses the hint', state: 'probe', match: 0, next: 10, rejected: 9, hint: 4, ok: true, wantNext: 5 },
    { name: 'probe: hint beyond rejected is capped', state: 'probe', match: 0, next: 10, rejected: 9, hint: 20, ok: true, wantNext: 9 },
    { name: 'probe: never below match+1', state: 'probe', match: 6, next: 10, rejected: 9, hint: 2, ok: true, wantNext: 7 },
    { name: 'probe: reject of an older probe is stale', state: 'probe', match: 0, next: 10, rejected: 5, hint: 1, ok: false, wantNext: 10 },
  ] as const;
  for (const c of cases) {
    const pr = new Progress(1, 8, 0);
    pr.match = c.match;
    if (c.state === 'replicate') pr.becomeReplicate();
    pr.next = c.next;
    t.equal(pr.maybeDecrTo(c.rejected, c.hint), c.ok, `${c.name}: result`);
    t.equal(pr.next, c.wantNext, `${c.name}: next`);
  }
});

t.test('Progress: snapshot state pauses and resumes after the snapshot', async (t) => {
  const pr = new Progress(1, 8, 0);
  pr.match = 3;
  pr.becomeSnapshot(20);
  t.ok(pr.isPaused());
  t.equal(pr.pendingSnapshot, 20);
  pr.becomeProbe();
  t.equal(pr.state, 'probe');
  t.equal(pr.next, 21, 'continues after the snapshot');
  t.equal(pr.pendingSnapshot, 0);
});

t.test('ProgressTracker: quorum commit index, votes and activity', async (t) => {
  const cases = [
    { voters: [1], matches: [5], want: 5 },
    { voters: [1, 2, 3], matches: [5, 3, 1], want: 3 },
    { voters: [1, 2, 3], matches: [5, 5, 1], want: 5 },
    { voters: [1, 2, 3, 4], matches: [9, 7, 5, 1], want: 5 },
    { voters: [1, 2, 3, 4, 5], matches: [9, 8, 2, 2, 1], want: 2 },
  ];
  for (const c of cases) {
    const trk = new ProgressTracker(4, 0);
    trk.setVoters(c.voters, 1);
    c.voters.forEach((id, k) => (trk.progress.get(id)!.match = c.matches[k]!));
    t.equal(trk.committed(), c.want, `voters=${c.voters} matches=${c.matches}`);
  }

  const trk = new ProgressTracker(4, 0);
  trk.setVoters([1, 2, 3, 4, 5], 1);
  trk.recordVote(1, true);
  trk.recordVote(2, false);
  t.equal(trk.tallyVotes().result, 'pending');
  trk.recordVote(2, true);
  t.equal(trk.tallyVotes().granted, 1, 'the first vote of a voter counts');
  trk.recordVote(3, true);
  trk.recordVote(4, true);
  t.equal(trk.tallyVotes().result, 'won');
  trk.resetVotes();
  trk.recordVote(2, false);
  trk.recordVote(3, false);
  t.equal(trk.tallyVotes().result, 'pending');
  trk.recordVote(4, false);
  t.equal(trk.tallyVotes().result, 'lost');

  for (const pr of trk.progress.values()) pr.recentActive = false;
  trk.progress.get(2)!.recentActive = true;
  t.notOk(trk.quorumActive(1), 'self + one of five is no quorum');
  trk.progress.get(3)!.recentActive = true;
  t.ok(trk.quorumActive(1));

  trk.setVoters([1, 2, 6], 10);
  t.same([...trk.progress.keys()].sort(), [1, 2, 6], 'removed members lose their progress');
  t.equal(trk.progress.get(6)!.next, 10);
  t.ok(trk.progress.get(6)!.recentActive, 'a new member starts active');
});
