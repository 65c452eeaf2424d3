import type { Progress } from './progress.js';
import { committedIndex, voteResult, VoteResult } from './quorum.js';
import type { ConfState, NodeId } from './types.js';

function sortedIds(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort();
}

/** Cluster membership (voters, learners), the leader's Progress per member, and election votes. */
export class ProgressTracker {
  readonly voters = new Set<NodeId>();
  readonly learners = new Set<NodeId>();
  readonly progress = new Map<NodeId, Progress>();
  /** Votes received in the current (pre-)election. */
  readonly votes = new Map<NodeId, boolean>();
  readonly maxInflight: number;

  constructor(maxInflight: number) {
    this.maxInflight = maxInflight;
  }

  confState(): ConfState {
    return { voters: sortedIds(this.voters), learners: sortedIds(this.learners) };
  }

  /** A single voter decides alone: no round trips needed for commits or reads. */
  isSingleton(): boolean {
    return this.voters.size === 1;
  }

  /** Highest index replicated on a quorum of voters. */
  committed(): number {
    return committedIndex(this.voters, (id) => this.progress.get(id)?.match);
  }

  /** Calls fn for every member (voters and learners) in id order, so output is deterministic. */
  visit(fn: (id: NodeId, pr: Progress) => void): void {
    for (const id of sortedIds(this.progress.keys())) fn(id, this.progress.get(id) as Progress);
  }

  voterIds(): NodeId[] {
    return sortedIds(this.voters);
  }

  /** Whether a quorum of voters was heard from recently (CheckQuorum). */
  quorumActive(): boolean {
    const active = new Map<NodeId, boolean>();
    for (const id of this.voters) active.set(id, this.progress.get(id)?.recentActive ?? false);
    return voteResult(this.voters, active) === VoteResult.Won;
  }

  resetVotes(): void {
    this.votes.clear();
  }

  /** Records a vote; the first answer of a voter counts, repeats are ignored. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const v = this.votes.get(id);
      if (v === undefined) continue;
      if (v) granted++;
      else rejected++;
    }
    return { granted, rejected, result: voteResult(this.voters, this.votes) };
  }

  /** Outcome of an acknowledgement round (ReadIndex) among the voters. */
  ackResult(acks: ReadonlySet<NodeId>): VoteResult {
    const votes = new Map<NodeId, boolean>();
    for (const id of acks) votes.set(id, true);
    return voteResult(this.voters, votes);
  }

  addVoter(id: NodeId, progress: Progress): void {
    this.learners.delete(id);
    this.voters.add(id);
    progress.isLearner = false;
    this.progress.set(id, progress);
  }

  addLearner(id: NodeId, progress: Progress): void {
    this.voters.delete(id);
    this.learners.add(id);
    progress.isLearner = true;
    this.progress.set(id, progress);
  }

  remove(id: NodeId): void {
    this.voters.delete(id);
    this.learners.delete(id);
    this.progress.delete(id);
  }
}
