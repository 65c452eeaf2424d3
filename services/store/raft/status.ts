import type { ProgressState } from './progress.js';
import type { Raft } from './raft.js';
import type { ConfState, HardState, NodeId, SoftState } from './types.js';

export interface ProgressStatus {
  match: number;
  next: number;
  state: ProgressState;
  isLearner: boolean;
  recentActive: boolean;
}

export interface Status {
  id: NodeId;
  hardState: HardState;
  softState: SoftState;
  applied: number;
  leadTransferee: NodeId;
  config: ConfState;
  /** Replication progress per member; only the leader tracks it, so empty elsewhere. */
  progress: Map<NodeId, ProgressStatus>;
}

export function getStatus(r: Raft): Status {
  return {
    id: r.id,
    hardState: r.hardState(),
    softState: r.softState(),
    applied: r.raftLog.applied,
    leadTransferee: r.leadTransferee,
    config: r.trk.confState(),
    progress: r.progressSnapshot(),
  };
}
