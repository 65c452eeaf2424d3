import { CampaignType, campaignTransferContext } from './campaign-type.js';
import { resolveConfig } from './config.js';
import type { Config } from './config.js';
import { applySingleChange } from './conf-changer.js';
import { CompactedError, RaftInvariantError, SnapshotTemporarilyUnavailableError } from './errors.js';
import { newMessage, voteRespType } from './message.js';
import { hashSeed, seededRandom } from '../../../lib/prng.js';
import { Progress, ProgressState } from './progress.js';
import type { ProgressStatus } from './status.js';
import { ProgressTracker } from './progress-tracker.js';
import { VoteResult } from './quorum.js';
import { RaftLog } from './raft-log.js';
import { ReadOnly, ReadOnlyOption } from './read-only.js';
import { stepCandidate } from './step-candidate.js';
import { stepFollower, tickElection } from './step-follower.js';
import { stepLeader, tickHeartbeat } from './step-leader.js';
import { EntryType, MessageType, None, StateType } from './types.js';
import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  NodeId,
  ReadState,
  Snapshot,
  SoftState,
} from './types.js';

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Role-specific message handling; swapped on every role change. */
export type StepFn = (r: Raft, m: Message) => void;
/** Role-specific reaction to a logical clock tick. */
export type TickFn = (r: Raft) => void;

/**
 * The Raft protocol state machine of one node. Pure: time arrives as tick(), input as step();
 * outgoing messages accumulate in `msgs` and log changes in `raftLog`, for RawNode to hand out as
 * a Ready. Behaviour differing per role lives in stepFn/tickFn (see step-*.ts).
 */
export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = None;
  readStates: ReadState[] = [];
  readonly raftLog: RaftLog;
  readonly maxMsgSize: number;
  readonly maxInflight: number;
  trk: ProgressTracker;
  state: StateType = StateType.Follower;
  /** This node is a learner in its current configuration. */
  isLearner = false;
  msgs: Message[] = [];
  lead: NodeId = None;
  /** Target of an ongoing leadership transfer, None otherwise. */
  leadTransferee: NodeId = None;
  /** Index of the newest conf change in the leader's log; a new one waits until this is applied. */
  pendingConfIndex = 0;
  readOnly: ReadOnly;
  /** ReadIndex requests received before this leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = [];
  /** Ticks since the last election timeout (leader: since the last CheckQuorum round). */
  electionElapsed = 0;
  heartbeatElapsed = 0;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly heartbeatTimeout: number;
  readonly electionTimeout: number;
  /** In [electionTimeout, 2*electionTimeout); re-drawn on every term/role change to break split votes. */
  randomizedElectionTimeout = 0;
  private readonly random: () => number;
  tickFn: TickFn = tickElection;
  stepFn: StepFn = stepFollower;

  constructor(config: Config) {
    const c = resolveConfig(config);
    this.id = c.id;
    this.raftLog = new RaftLog(c.storage, c.maxCommittedSizePerReady);
    this.maxMsgSize = c.maxSizePerMsg;
    this.maxInflight = c.maxInflightMsgs;
    this.checkQuorum = c.checkQuorum;
    this.preVote = c.preVote;
    this.heartbeatTimeout = c.heartbeatTick;
    this.electionTimeout = c.electionTick;
    this.random = c.random ?? seededRandom(hashSeed(c.id));
    this.readOnly = new ReadOnly(c.readOnlyOption);
    const { hardState, confState } = c.storage.initialState();
    this.trk = this.trackerFromConfState(confState);
    this.isLearner = this.trk.learners.has(this.id);
    if (hardState.term !== 0 || hardState.vote !== None || hardState.commit !== 0) this.loadState(hardState);
    if (c.applied > 0) this.raftLog.appliedTo(c.applied);
    this.becomeFollower(this.term, None);
  }

  // ---- state exported to RawNode ----

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  private loadState(hs: HardState): void {
    if (hs.commit < this.raftLog.committed || hs.commit > this.raftLog.lastIndex()) {
      throw new RaftInvariantError(
        `${this.id} state.commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
      );
    }
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  // ---- driving ----

  tick(): void {
    this.tickFn(this);
  }

  /** Entry point for every message, local or from the network. Term handling is common to all roles. */
  step(m: Message): void {
    if (m.term === 0) {
      // Local message (or a forwarded proposal / read request, which carry no term).
    } else if (m.term > this.term) {
      if (m.type === MessageType.Vote || m.type === MessageType.PreVote) {
        const force = bytesEqual(m.context, campaignTransferContext);
        const inLease = this.checkQuorum && this.lead !== None && this.electionElapsed < this.electionTimeout;
        // Leader lease: we heard from a live leader within the minimum election timeout, so this
        // candidate is likely disruptive (e.g. a rejoining partitioned node). Do not even bump our term.
        if (!force && inLease) return;
      }
      if (m.type === MessageType.PreVote) {
        // Never change term in response to a PreVote: the pre-candidate has not bumped its own.
      } else if (m.type === MessageType.PreVoteResp && !m.reject) {
        // Pre-votes are requested for our future term; we bump the term only once we win.
      } else if (m.type === MessageType.App || m.type === MessageType.Heartbeat || m.type === MessageType.Snap) {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, None);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === MessageType.Heartbeat || m.type === MessageType.App)) {
        // A stale leader (e.g. one that was partitioned) would otherwise keep going: with pre-vote
        // nobody bumps its term by campaigning against it, and with checkQuorum our lease ignores
        // its votes. Answering with our term makes it step down.
        this.send(newMessage({ to: m.from, type: MessageType.AppResp }));
      } else if (m.type === MessageType.PreVote) {
        // Reject so the pre-candidate learns our term instead of waiting out its election.
        this.send(newMessage({ to: m.from, term: this.term, type: MessageType.PreVoteResp, reject: true }));
      }
      return;
    }

    switch (m.type) {
      case MessageType.Hup:
        this.maybeCampaign(this.preVote ? CampaignType.PreElection : CampaignType.Election);
        return;
      case MessageType.Vote:
      case MessageType.PreVote:
        this.handleVoteRequest(m);
        return;
      default:
        this.stepFn(this, m);
    }
  }

  private handleVoteRequest(m: Message): void {
    // We can vote for a repeat of our vote, when we have not voted and know no leader in this
    // term, or for a pre-vote for a future term; and only for a log at least as up to date as ours.
    const canVote =
      this.vote === m.from ||
      (this.vote === None && this.lead === None) ||
      (m.type === MessageType.PreVote && m.term > this.term);
    if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
      // Answer at the request's term: a pre-candidate discards answers for other terms.
      this.send(newMessage({ to: m.from, term: m.term, type: voteRespType(m.type) }));
      if (m.type === MessageType.Vote) {
        // Only real votes are recorded, and granting one restarts our election timer.
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send(newMessage({ to: m.from, term: this.term, type: voteRespType(m.type), reject: true }));
    }
  }

  /** Queues m for the driver, stamping sender and (for most types) our term. */
  send(m: Message): void {
    if (m.from === None) m.from = this.id;
    const t = m.type;
    const isVote =
      t === MessageType.Vote || t === MessageType.VoteResp || t === MessageType.PreVote || t === MessageType.PreVoteResp;
    if (isVote) {
      // Vote messages carry the campaign's term, which may differ from ours (pre-vote).
      if (m.term === 0) throw new RaftInvariantError(`term should be set when sending ${t}`);
    } else {
      if (m.term !== 0) throw new RaftInvariantError(`term should not be set when sending ${t} (was ${m.term})`);
      // Proposals and read requests are forwarded to the leader as if local: no term, so they
      // are never rejected or acted upon as stale.
      if (t !== MessageType.Prop && t !== MessageType.ReadIndex) m.term = this.term;
    }
    this.msgs.push(m);
  }

  // ---- role changes ----

  becomeFollower(term: number, lead: NodeId): void {
    this.stepFn = stepFollower;
    this.reset(term);
    this.tickFn = tickElection;
    this.lead = lead;
    this.state = StateType.Follower;
  }

  becomeCandidate(): void {
    if (this.state === StateType.Leader) throw new RaftInvariantError('invalid transition [leader -> candidate]');
    this.stepFn = stepCandidate;
    this.reset(this.term + 1);
    this.tickFn = tickElection;
    this.vote = this.id;
    this.state = StateType.Candidate;
  }

  becomePreCandidate(): void {
    if (this.state === StateType.Leader) throw new RaftInvariantError('invalid transition [leader -> pre-candidate]');
    // Neither term nor vote change: a failed pre-election leaves no trace.
    this.stepFn = stepCandidate;
    this.trk.resetVotes();
    this.tickFn = tickElection;
    this.lead = None;
    this.state = StateType.PreCandidate;
  }

  becomeLeader(): void {
    if (this.state === StateType.Follower) throw new RaftInvariantError('invalid transition [follower -> leader]');
    this.stepFn = stepLeader;
    this.reset(this.term);
    this.tickFn = tickHeartbeat;
    this.lead = this.id;
    this.state = StateType.Leader;
    const self = this.trk.progress.get(this.id);
    if (self !== undefined) {
      // The leader's own log is trivially replicated to itself.
      self.becomeReplicate();
      self.recentActive = true;
    }
    // Conservatively treat the whole log as possibly holding an unapplied conf change.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // An entry of our own term lets us commit (and thereby learn the commit index of) the
    // entries of previous terms, which we may not count replicas for (Raft §5.4.2).
    this.appendEntry([{ term: 0, index: 0, type: EntryType.Normal, data: new Uint8Array(0) }]);
  }

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = None;
    }
    this.lead = None;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const lastIndex = this.raftLog.lastIndex();
    for (const [id, pr] of this.trk.progress) {
      this.trk.progress.set(
        id,
        new Progress({
          match: id === this.id ? lastIndex : 0,
          next: lastIndex + 1,
          maxInflight: this.maxInflight,
          isLearner: pr.isLearner,
        }),
      );
    }
    this.pendingConfIndex = 0;
    this.readOnly = new ReadOnly(this.readOnly.option);
    this.pendingReadIndexMessages = [];
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + Math.floor(this.random() * this.electionTimeout);
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  // ---- elections ----

  /** Whether this node may become leader: a voter, not waiting to apply a snapshot. */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasPendingSnapshot();
  }

  /** Starts a campaign unless this node cannot or should not lead right now. */
  maybeCampaign(t: CampaignType): void {
    if (this.state === StateType.Leader) return;
    if (!this.promotable()) return;
    // A committed conf change not yet applied could change whether we may lead at all.
    if (this.hasUnappliedConfChanges()) return;
    this.campaign(t);
  }

  private hasUnappliedConfChanges(): boolean {
    const log = this.raftLog;
    if (log.applied >= log.committed) return false;
    const lo = Math.max(log.applied + 1, log.firstIndex());
    if (lo > log.committed) return false;
    return log.slice(lo, log.committed + 1, Number.POSITIVE_INFINITY).some((e) => e.type === EntryType.ConfChange);
  }

  campaign(t: CampaignType): void {
    if (!this.promotable()) return;
    let voteMsg: MessageType;
    let term: number;
    if (t === CampaignType.PreElection) {
      this.becomePreCandidate();
      voteMsg = MessageType.PreVote;
      // Pre-vote for the term we would campaign in, without bumping ours yet.
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteMsg = MessageType.Vote;
      term = this.term;
    }
    if (this.poll(this.id, true) === VoteResult.Won) {
      // Only possible as the single voter: no messages needed.
      if (t === CampaignType.PreElection) this.campaign(CampaignType.Election);
      else this.becomeLeader();
      return;
    }
    const context = t === CampaignType.Transfer ? campaignTransferContext : new Uint8Array(0);
    for (const id of this.trk.voterIds()) {
      if (id === this.id) continue;
      this.send(
        newMessage({
          to: id,
          term,
          type: voteMsg,
          index: this.raftLog.lastIndex(),
          logTerm: this.raftLog.lastTerm(),
          context,
        }),
      );
    }
  }

  poll(id: NodeId, granted: boolean): VoteResult {
    this.trk.recordVote(id, granted);
    return this.trk.tallyVotes().result;
  }

  // ---- replication (leader) ----

  /** Appends entries at our term, counting them as replicated on ourselves. */
  appendEntry(es: Entry[]): void {
    const first = this.raftLog.lastIndex() + 1;
    const ents = es.map((e, i) => ({ ...e, term: this.term, index: first + i }));
    const lastIndex = this.raftLog.append(ents);
    // Our own copy counts at once: the Ready contract persists entries before messages go out,
    // and a leader may write its log in parallel with replicating it (Raft thesis §10.2.1).
    this.trk.progress.get(this.id)?.maybeUpdate(lastIndex);
    this.maybeCommit();
  }

  /** Advances the commit index to what a quorum has replicated, if it is of our term. */
  maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term);
  }

  committedEntryInCurrentTerm(): boolean {
    return this.raftLog.termOrZero(this.raftLog.committed) === this.term;
  }

  /**
   * Sends to `to` what it is missing from the log, if it is not paused: a MsgApp with entries from
   * its next index on (with sendIfEmpty, an empty one that carries the commit index), or a
   * snapshot when those entries are compacted away. Returns whether a message was sent.
   */
  maybeSendAppend(to: NodeId, sendIfEmpty = true): boolean {
    const pr = this.trk.progress.get(to);
    if (pr === undefined || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.raftLog.maybeTerm(prevIndex);
    let ents: Entry[] | undefined;
    if (prevTerm !== undefined && pr.state === ProgressState.Replicate && pr.inflights.full()) {
      // Throttled: only an empty MsgApp. If every message in flight was lost, replication would
      // otherwise stall; its ack or rejection (prompted by heartbeats) clears the window.
      ents = [];
    } else if (prevTerm !== undefined) {
      try {
        ents = this.raftLog.entries(pr.next, this.maxMsgSize);
      } catch (err) {
        if (!(err instanceof CompactedError)) throw err;
      }
    }
    if (prevTerm === undefined || ents === undefined) return this.maybeSendSnapshot(to, pr);
    if (ents.length === 0 && !sendIfEmpty) return false;
    this.send(
      newMessage({
        to,
        type: MessageType.App,
        index: prevIndex,
        logTerm: prevTerm,
        entries: ents,
        commit: this.raftLog.committed,
      }),
    );
    pr.updateOnEntriesSend(ents.length, pr.next);
    return true;
  }

  private maybeSendSnapshot(to: NodeId, pr: Progress): boolean {
    // A follower we have not heard from lately may be down: do not ship it a snapshot blindly.
    if (!pr.recentActive) return false;
    let snapshot: Snapshot;
    try {
      snapshot = this.raftLog.snapshot();
    } catch (err) {
      // Storage is still building it; the next heartbeat response retries.
      if (err instanceof SnapshotTemporarilyUnavailableError) return false;
      throw err;
    }
    if (snapshot.metadata.index === 0) throw new RaftInvariantError('need non-empty snapshot');
    pr.becomeSnapshot(snapshot.metadata.index);
    this.send(newMessage({ to, type: MessageType.Snap, snapshot }));
    return true;
  }

  /** Sends a heartbeat. Its commit is capped at what the follower is known to have. */
  sendHeartbeat(to: NodeId, context: Uint8Array): void {
    const pr = this.trk.progress.get(to);
    const commit = Math.min(pr?.match ?? 0, this.raftLog.committed);
    this.send(newMessage({ to, type: MessageType.Heartbeat, commit, context }));
  }

  bcastAppend(): void {
    this.trk.visit((id) => {
      if (id !== this.id) this.maybeSendAppend(id);
    });
  }

  bcastHeartbeat(): void {
    this.bcastHeartbeatWithCtx(this.readOnly.lastPendingRequestCtx());
  }

  bcastHeartbeatWithCtx(context: Uint8Array): void {
    this.trk.visit((id) => {
      if (id !== this.id) this.sendHeartbeat(id, context);
    });
  }

  // ---- follower handlers ----

  handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      // Everything up to committed is known to match; tell the leader where we are.
      this.send(newMessage({ to: m.from, type: MessageType.AppResp, index: this.raftLog.committed }));
      return;
    }
    const lastNewIndex = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNewIndex !== undefined) {
      this.send(newMessage({ to: m.from, type: MessageType.AppResp, index: lastNewIndex }));
      return;
    }
    // Our log does not hold (m.index, m.logTerm). Point the leader at the last index that might
    // match: the newest entry at or below it whose term is <= m.logTerm. This skips a whole
    // divergent term per round trip instead of one entry.
    const hint = this.raftLog.findConflictByTerm(Math.min(m.index, this.raftLog.lastIndex()), m.logTerm);
    this.send(
      newMessage({
        to: m.from,
        type: MessageType.AppResp,
        index: m.index,
        reject: true,
        rejectHint: hint.index,
        logTerm: hint.term,
      }),
    );
  }

  handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    this.send(newMessage({ to: m.from, type: MessageType.HeartbeatResp, context: m.context }));
  }

  handleSnapshot(m: Message): void {
    if (m.snapshot === undefined) return;
    const index = this.restore(m.snapshot) ? this.raftLog.lastIndex() : this.raftLog.committed;
    this.send(newMessage({ to: m.from, type: MessageType.AppResp, index }));
  }

  /** Adopts the snapshot as our log and configuration. Returns false if it brings nothing new. */
  restore(s: Snapshot): boolean {
    if (s.metadata.index <= this.raftLog.committed) return false;
    if (this.state !== StateType.Follower) {
      // Defense in depth: only followers receive snapshots. Moving on to a new term avoids
      // acting on a log that might be replaced.
      this.becomeFollower(this.term + 1, None);
      return false;
    }
    if (this.raftLog.matchTerm(s.metadata.index, s.metadata.term)) {
      // We already have the log up to the snapshot: just fast-forward the commit index.
      this.raftLog.commitTo(s.metadata.index);
      return false;
    }
    // Unlike etcd we accept a snapshot whose ConfState does not list us (e.g. taken before we were
    // added): we then hold no Progress and cannot campaign until the log adds us again.
    this.raftLog.restore(s);
    this.trk = this.trackerFromConfState(s.metadata.confState);
    this.isLearner = this.trk.learners.has(this.id);
    const self = this.trk.progress.get(this.id);
    self?.maybeUpdate(self.next - 1);
    return true;
  }

  // ---- configuration ----

  private trackerFromConfState(cs: ConfState): ProgressTracker {
    const trk = new ProgressTracker(this.maxInflight);
    const next = this.raftLog.lastIndex() + 1;
    for (const id of cs.voters) trk.addVoter(id, new Progress({ next, maxInflight: this.maxInflight }));
    for (const id of cs.learners) trk.addLearner(id, new Progress({ next, maxInflight: this.maxInflight }));
    return trk;
  }

  /** Applies a committed single-member change; returns the resulting configuration. */
  applyConfChange(cc: ConfChange): ConfState {
    if (!applySingleChange(this.trk, cc, this.raftLog.lastIndex())) return this.trk.confState();
    const self = this.trk.progress.get(this.id);
    this.isLearner = self !== undefined && self.isLearner;
    const cs = this.trk.confState();

    if (this.state !== StateType.Leader) return cs;
    if (this.maybeCommit()) {
      // Fewer voters may mean more entries are committed now.
      this.bcastAppend();
    } else {
      // Probe newly added members right away instead of waiting for the next heartbeat.
      this.trk.visit((id) => {
        if (id !== this.id) this.maybeSendAppend(id, false);
      });
    }
    if (this.leadTransferee !== None && !this.trk.voters.has(this.leadTransferee)) this.abortLeaderTransfer();
    if (self === undefined || self.isLearner) this.handOverLeadership();
    return cs;
  }

  /**
   * This leader was removed (or demoted): hand leadership to the most up-to-date remaining voter,
   * like a leadership transfer. Stepping down at once would leave the others to wait out an
   * election timeout, possibly without knowing that the removal committed, and the transferee
   * is caught up first so that it holds every entry we have. Without a successor within an
   * election timeout we step down anyway (tickHeartbeat).
   */
  private handOverLeadership(): void {
    let best: NodeId = None;
    let bestMatch = -1;
    this.trk.visit((id, pr) => {
      if (id !== this.id && this.trk.voters.has(id) && pr.match > bestMatch) {
        best = id;
        bestMatch = pr.match;
      }
    });
    if (best === None) {
      this.becomeFollower(this.term, None);
      return;
    }
    this.electionElapsed = 0;
    this.leadTransferee = best;
    if (bestMatch === this.raftLog.lastIndex()) this.sendTimeoutNow(best);
    else this.maybeSendAppend(best);
  }

  // ---- reads ----

  /** Answers a ReadIndex request: locally as a ReadState, or as MsgReadIndexResp to a follower. */
  respondToReadIndex(req: Message, readIndex: number): void {
    if (req.from === None || req.from === this.id) {
      this.readStates.push({ index: readIndex, requestCtx: req.context });
      return;
    }
    this.send(newMessage({ to: req.from, type: MessageType.ReadIndexResp, index: readIndex, context: req.context }));
  }

  /** Leader side of ReadIndex, once it committed an entry of its term (so its commit index is current). */
  handleReadIndex(m: Message): void {
    if (this.readOnly.option === ReadOnlyOption.Safe) {
      // Confirm we are still leader with a heartbeat round before releasing the read.
      this.readOnly.addRequest(this.raftLog.committed, m);
      this.readOnly.recvAck(this.id, m.context);
      this.bcastHeartbeatWithCtx(m.context);
      return;
    }
    this.respondToReadIndex(m, this.raftLog.committed);
  }

  maybeReleasePendingReadIndexes(): void {
    if (this.pendingReadIndexMessages.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const pending = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of pending) this.handleReadIndex(m);
  }

  // ---- leadership transfer ----

  sendTimeoutNow(to: NodeId): void {
    this.send(newMessage({ to, type: MessageType.TimeoutNow }));
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = None;
  }

  /** Progress per member for Status (leader only: other roles do not track it). */
  progressSnapshot(): Map<NodeId, ProgressStatus> {
    const out = new Map<NodeId, ProgressStatus>();
    if (this.state !== StateType.Leader) return out;
    this.trk.visit((id, pr) => {
      out.set(id, {
        match: pr.match,
        next: pr.next,
        state: pr.state,
        isLearner: pr.isLearner,
        recentActive: pr.recentActive,
      });
    });
    return out;
  }
}
