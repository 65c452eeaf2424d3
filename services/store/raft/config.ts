import { ConfigInvalidError } from './errors.js';
import { ReadOnlyOption } from './read-only.js';
import type { Storage } from './storage.js';
import { None } from './types.js';
import type { NodeId } from './types.js';

export interface Config {
  id: NodeId;
  /** Ticks without hearing from a leader before campaigning (randomized to [electionTick, 2*electionTick)). */
  electionTick: number;
  /** Ticks between leader heartbeats; must be smaller than electionTick. */
  heartbeatTick: number;
  storage: Storage;
  /**
   * Last applied index when restarting, so already applied entries are not handed out again.
   * storage.initialState().confState must then be the configuration as of this index (conf
   * changes after the snapshot are otherwise only known by re-applying them).
   */
  applied?: number;
  /** Bytes of entries per MsgApp; default 1 MiB. */
  maxSizePerMsg?: number;
  /** Pipelined MsgApps in flight per follower; default 256. */
  maxInflightMsgs?: number;
  /** Bytes of committed entries per Ready; default unlimited. */
  maxCommittedSizePerReady?: number;
  /** Leader steps down without a quorum of contact for an election timeout; enables the leader lease. */
  checkQuorum?: boolean;
  /** Campaign with a pre-vote round first so a partitioned node does not bump terms on rejoining. */
  preVote?: boolean;
  /** 'lease-based' answers reads without a heartbeat round; relies on checkQuorum and bounded clock drift. */
  readOnlyOption?: ReadOnlyOption;
  /** Source of [0, 1) numbers for the randomized election timeout; default: seeded from id. */
  random?: () => number;
}

/** Config with defaults filled in; validated. */
export interface ResolvedConfig {
  id: NodeId;
  electionTick: number;
  heartbeatTick: number;
  storage: Storage;
  applied: number;
  maxSizePerMsg: number;
  maxInflightMsgs: number;
  maxCommittedSizePerReady: number;
  checkQuorum: boolean;
  preVote: boolean;
  readOnlyOption: ReadOnlyOption;
  random: (() => number) | undefined;
}

export function resolveConfig(c: Config): ResolvedConfig {
  if (c.id === None) throw new ConfigInvalidError('cannot use none as id');
  if (!Number.isInteger(c.heartbeatTick) || c.heartbeatTick <= 0) {
    throw new ConfigInvalidError('heartbeat tick must be a positive integer');
  }
  if (!Number.isInteger(c.electionTick) || c.electionTick <= c.heartbeatTick) {
    throw new ConfigInvalidError('election tick must be an integer greater than heartbeat tick');
  }
  const maxInflightMsgs = c.maxInflightMsgs ?? 256;
  if (maxInflightMsgs <= 0) throw new ConfigInvalidError('max inflight messages must be greater than 0');
  const readOnlyOption = c.readOnlyOption ?? ReadOnlyOption.Safe;
  const checkQuorum = c.checkQuorum ?? false;
  if (readOnlyOption === ReadOnlyOption.LeaseBased && !checkQuorum) {
    throw new ConfigInvalidError('checkQuorum must be enabled when readOnlyOption is lease-based');
  }
  return {
    id: c.id,
    electionTick: c.electionTick,
    heartbeatTick: c.heartbeatTick,
    storage: c.storage,
    applied: c.applied ?? 0,
    maxSizePerMsg: c.maxSizePerMsg ?? 1024 * 1024,
    maxInflightMsgs,
    maxCommittedSizePerReady: c.maxCommittedSizePerReady ?? Number.POSITIVE_INFINITY,
    checkQuorum,
    preVote: c.preVote ?? false,
    readOnlyOption,
    random: c.random,
  };
}
