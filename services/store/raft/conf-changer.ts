import { Progress } from './progress.js';
import type { ProgressTracker } from './progress-tracker.js';
import { ConfChangeType } from './types.js';
import type { ConfChange } from './types.js';

/**
 * Applies a single-member change to the tracker. Single-member changes are safe without joint
 * consensus because any two majorities of configurations differing by one voter overlap.
 * Returns false (and changes nothing) for a change that would leave no voters.
 */
export function applySingleChange(trk: ProgressTracker, cc: ConfChange, lastIndex: number): boolean {
  const id = cc.nodeId;
  const existing = trk.progress.get(id);
  const leavesNoVoters = trk.voters.size === 1 && trk.voters.has(id);
  switch (cc.type) {
    case ConfChangeType.AddNode:
      // On an existing learner this is a promotion: keep its replication progress.
      trk.addVoter(id, existing ?? newMemberProgress(trk, lastIndex));
      return true;
    case ConfChangeType.AddLearnerNode:
      if (leavesNoVoters) return false;
      trk.addLearner(id, existing ?? newMemberProgress(trk, lastIndex));
      return true;
    case ConfChangeType.RemoveNode:
      if (leavesNoVoters) return false;
      trk.remove(id);
      return true;
  }
}

function newMemberProgress(trk: ProgressTracker, lastIndex: number): Progress {
  // Probe with the last entry first: a member added with an out-of-band snapshot may already
  // be close. It counts as active so CheckQuorum does not trip before it had a chance to answer.
  return new Progress({ next: Math.max(lastIndex, 1), maxInflight: trk.maxInflight, recentActive: true });
}
