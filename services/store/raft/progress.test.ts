import { describe, expect, it } from 'vitest';
import { Progress, ProgressState } from './progress.js';
import { ProgressTracker } from './progress-tracker.js';
import { committedIndex, voteResult, VoteResult } from './quorum.js';

function progress(match: number, next: number, maxInflight = 3): Progress {
  return new Progress({ match, next, maxInflight });
}

describe('Progress', () => {
  it('probe state sends one MsgApp at a time', () => {
    const pr = progress(0, 5);
    expect(pr.isPaused()).toBe(false);
    pr.updateOnEntriesSend(2, 5);
    expect(pr.isPaused()).toBe(true);
    expect(pr.next).toBe(5); // probes are not optimistic
    expect(pr.maybeUpdate(6)).toBe(true);
    expect(pr.isPaused()).toBe(false);
    expect(pr.next).toBe(7);
  });

  it('replicate state pipelines optimistically up to the inflight limit', () => {
    const pr = progress(5, 6);
    pr.becomeReplicate();
    pr.updateOnEntriesSend(2, 6);
    expect(pr.next).toBe(8);
    pr.updateOnEntriesSend(1, 8);
    expect(pr.isPaused()).toBe(false);
    pr.updateOnEntriesSend(1, 9);
    expect(pr.isPaused()).toBe(true);
    expect(pr.inflights.toArray()).toEqual([7, 8, 9]);
    pr.maybeUpdate(8);
    pr.inflights.freeLE(8);
    expect(pr.isPaused()).toBe(false);
    expect(pr.match).toBe(8);
    expect(pr.next).toBe(10);
  });

  it('maybeUpdate ignores stale acknowledgements', () => {
    const pr = progress(5, 6);
    expect(pr.maybeUpdate(4)).toBe(false);
    expect(pr.maybeUpdate(5)).toBe(false);
    expect(pr.match).toBe(5);
  });

  it('maybeDecrTo in replicate goes back to match+1 unless stale', () => {
    const pr = progress(5, 10);
    pr.becomeReplicate();
    pr.optimisticUpdate(9);
    expect(pr.maybeDecrTo(5, 5)).toBe(false);
    expect(pr.maybeDecrTo(8, 3)).toBe(true);
    expect(pr.next).toBe(6);
  });

  it('maybeDecrTo in probe uses the hint, never below match+1, and only for the last probe', () => {
    const pr = progress(2, 10);
    expect(pr.maybeDecrTo(7, 3)).toBe(false); // not the last probe (next-1 = 9)
    expect(pr.maybeDecrTo(9, 4)).toBe(true);
    expect(pr.next).toBe(5);
    expect(pr.maybeDecrTo(4, 0)).toBe(true);
    expect(pr.next).toBe(3);
  });

  it('snapshot state pauses until it becomes probe after the snapshot', () => {
    const pr = progress(2, 5);
    pr.becomeSnapshot(10);
    expect(pr.state).toBe(ProgressState.Snapshot);
    expect(pr.isPaused()).toBe(true);
    pr.becomeProbe();
    expect(pr.state).toBe(ProgressState.Probe);
    expect(pr.next).toBe(11);
  });
});

describe('quorum', () => {
  it('committedIndex is the highest index a majority has', () => {
    const voters = new Set(['1', '2', '3']);
    const acked = new Map([
      ['1', 5],
      ['2', 3],
      ['3', 9],
    ]);
    expect(committedIndex(voters, (id) => acked.get(id))).toBe(5);
    expect(committedIndex(new Set(['1', '2', '3', '4']), (id) => acked.get(id))).toBe(3);
    expect(committedIndex(new Set(), () => 1)).toBe(0);
  });

  it('voteResult wins with a majority, loses once it cannot be reached', () => {
    const voters = new Set(['1', '2', '3', '4', '5']);
    const votes = new Map<string, boolean>([
      ['1', true],
      ['2', true],
    ]);
    expect(voteResult(voters, votes)).toBe(VoteResult.Pending);
    votes.set('3', true);
    expect(voteResult(voters, votes)).toBe(VoteResult.Won);
    const against = new Map<string, boolean>([
      ['1', true],
      ['2', false],
      ['3', false],
      ['4', false],
    ]);
    expect(voteResult(voters, against)).toBe(VoteResult.Lost);
    // Votes of non-voters do not count.
    expect(voteResult(new Set(['1', '2', '3']), new Map([['9', true], ['1', true]]))).toBe(VoteResult.Pending);
  });
});

describe('ProgressTracker', () => {
  it('learners neither commit nor vote', () => {
    const trk = new ProgressTracker(4);
    trk.addVoter('1', progress(10, 11));
    trk.addVoter('2', progress(2, 3));
    trk.addVoter('3', progress(2, 3));
    trk.addLearner('4', progress(10, 11));
    expect(trk.committed()).toBe(2);
    trk.recordVote('1', true);
    trk.recordVote('4', true);
    expect(trk.tallyVotes()).toEqual({ granted: 1, rejected: 0, result: VoteResult.Pending });
    expect(trk.confState()).toEqual({ voters: ['1', '2', '3'], learners: ['4'] });
  });

  it('keeps the first vote of each voter', () => {
    const trk = new ProgressTracker(4);
    trk.addVoter('1', progress(0, 1));
    trk.addVoter('2', progress(0, 1));
    trk.recordVote('2', false);
    trk.recordVote('2', true);
    expect(trk.tallyVotes().rejected).toBe(1);
  });

  it('quorumActive counts recently active voters', () => {
    const trk = new ProgressTracker(4);
    for (const id of ['1', '2', '3']) trk.addVoter(id, progress(0, 1));
    (trk.progress.get('1') as Progress).recentActive = true;
    expect(trk.quorumActive()).toBe(false);
    (trk.progress.get('3') as Progress).recentActive = true;
    expect(trk.quorumActive()).toBe(true);
  });

  it('promotes a learner keeping its progress', () => {
    const trk = new ProgressTracker(4);
    trk.addVoter('1', progress(0, 1));
    const pr = progress(7, 8);
    trk.addLearner('2', pr);
    trk.addVoter('2', pr);
    expect(trk.progress.get('2')).toBe(pr);
    expect(pr.isLearner).toBe(false);
    expect(trk.confState()).toEqual({ voters: ['1', '2'], learners: [] });
  });
});
