import { ProposalDroppedError, RaftInvariantError } from './errors.js';
import { newMessage } from './message.js';
import type { Progress } from './progress.js';
import { ProgressState } from './progress.js';
import { VoteResult } from './quorum.js';
import type { Raft } from './raft.js';
import { ReadOnlyOption } from './read-only.js';
import { EntryType, MessageType, None, StateType } from './types.js';
import type { Entry, Message } from './types.js';

/** Leader clock: heartbeats every heartbeatTimeout; CheckQuorum and transfer timeout every electionTimeout. */
export function tickHeartbeat(r: Raft): void {
  r.heartbeatElapsed++;
  r.electionElapsed++;
  if (r.electionElapsed >= r.electionTimeout) {
    r.electionElapsed = 0;
    if (r.checkQuorum) r.step(newMessage({ from: r.id, type: MessageType.CheckQuorum }));
    // A transfer that did not finish within an election timeout is abandoned; we stay leader,
    // unless we are no voter any more (removed or demoted while leading).
    if (r.state === StateType.Leader && r.leadTransferee !== None) r.abortLeaderTransfer();
    if (r.state === StateType.Leader && !r.trk.voters.has(r.id)) r.becomeFollower(r.term, None);
  }
  if (r.state !== StateType.Leader) return;
  if (r.heartbeatElapsed >= r.heartbeatTimeout) {
    r.heartbeatElapsed = 0;
    r.step(newMessage({ from: r.id, type: MessageType.Beat }));
  }
}

export function stepLeader(r: Raft, m: Message): void {
  switch (m.type) {
    case MessageType.Beat:
      r.bcastHeartbeat();
      return;
    case MessageType.CheckQuorum:
      if (!r.trk.quorumActive()) r.becomeFollower(r.term, None);
      // Start the next round: everyone must be heard from again.
      r.trk.visit((id, pr) => {
        if (id !== r.id) pr.recentActive = false;
      });
      return;
    case MessageType.Prop:
      propose(r, m);
      return;
    case MessageType.ReadIndex:
      if (!r.trk.voters.has(r.id)) {
        // Removed (or demoted) and handing over: not a safe place to read from; the requester
        // retries with the next leader.
      } else if (r.trk.isSingleton()) {
        // Nobody else can be leader: the commit index is current.
        r.respondToReadIndex(m, r.raftLog.committed);
      } else if (!r.committedEntryInCurrentTerm()) {
        // Until an entry of our term commits, our commit index may lag what an earlier leader
        // committed; answer once it does.
        r.pendingReadIndexMessages.push(m);
      } else {
        r.handleReadIndex(m);
      }
      return;
    default:
      break;
  }

  // The remaining messages concern one member's progress.
  const pr = r.trk.progress.get(m.from);
  if (pr === undefined) return;
  switch (m.type) {
    case MessageType.AppResp:
      handleAppendResponse(r, m, pr);
      return;
    case MessageType.HeartbeatResp:
      handleHeartbeatResponse(r, m, pr);
      return;
    case MessageType.SnapStatus:
      if (pr.state !== ProgressState.Snapshot) return;
      // On failure, forget the snapshot so probing does not start from its index.
      if (m.reject) pr.pendingSnapshot = 0;
      pr.becomeProbe();
      // Success: wait for the follower's MsgAppResp before sending more. Failure: wait for the
      // next heartbeat response before retrying.
      pr.msgAppFlowPaused = true;
      return;
    case MessageType.Unreachable:
      // Messages were probably lost: stop optimistic pipelining until the follower answers.
      if (pr.state === ProgressState.Replicate) pr.becomeProbe();
      return;
    case MessageType.TransferLeader:
      handleTransferLeader(r, m.from, pr);
      return;
    default:
      return;
  }
}

function propose(r: Raft, m: Message): void {
  if (m.entries.length === 0) throw new RaftInvariantError(`${r.id} stepped empty MsgProp`);
  if (!r.trk.progress.has(r.id)) {
    throw new ProposalDroppedError('this node is not a member of the cluster; dropping proposal');
  }
  if (r.leadTransferee !== None) {
    throw new ProposalDroppedError(`leadership transfer to ${r.leadTransferee} in progress; dropping proposal`);
  }
  const base = r.raftLog.lastIndex() + 1;
  const entries = m.entries.map((e, i): Entry => {
    if (e.type !== EntryType.ConfChange) return e;
    // One conf change at a time: single-member changes are only safe applied in sequence.
    // A second one becomes an empty entry (still appended, so the proposer's index stays valid).
    if (r.pendingConfIndex > r.raftLog.applied) return { ...e, type: EntryType.Normal, data: new Uint8Array(0) };
    r.pendingConfIndex = base + i;
    return e;
  });
  r.appendEntry(entries);
  r.bcastAppend();
}

function handleAppendResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  if (m.reject) {
    // The follower's log lacks (m.index, term). Its hint names the last index that may match;
    // with its term we can skip past all our entries of newer terms in one step as well.
    let nextProbeIndex = m.rejectHint;
    if (m.logTerm > 0) nextProbeIndex = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index;
    if (pr.maybeDecrTo(m.index, nextProbeIndex)) {
      if (pr.state === ProgressState.Replicate) pr.becomeProbe();
      r.maybeSendAppend(m.from);
    }
    return;
  }

  const oldPaused = pr.isPaused();
  // A probe answered at the known match also proves the follower's position.
  const probeConfirmed = pr.match === m.index && pr.state === ProgressState.Probe;
  if (!pr.maybeUpdate(m.index) && !probeConfirmed) return;

  if (pr.state === ProgressState.Probe) {
    pr.becomeReplicate();
  } else if (pr.state === ProgressState.Snapshot && pr.match + 1 >= r.raftLog.firstIndex()) {
    // The follower caught up far enough (via the snapshot or otherwise) to continue from the log.
    pr.becomeProbe();
    pr.becomeReplicate();
  } else if (pr.state === ProgressState.Replicate) {
    pr.inflights.freeLE(m.index);
  }

  if (r.maybeCommit()) {
    r.maybeReleasePendingReadIndexes();
    r.bcastAppend();
  } else if (oldPaused) {
    // The follower was waiting on us and may not know the latest commit index yet.
    r.maybeSendAppend(m.from);
  }
  // Freed flow control may allow several messages at once (e.g. after probe -> replicate).
  while (r.maybeSendAppend(m.from, false)) {
    // keep sending
  }
  if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) {
    // The transferee caught up: let it campaign now.
    r.sendTimeoutNow(m.from);
  }
}

function handleHeartbeatResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  // An answer means the path works: resume sending. If every message filling the inflight window
  // was lost, this (possibly empty) append lets the follower reject and trigger a re-probe.
  pr.msgAppFlowPaused = false;
  if (pr.match < r.raftLog.lastIndex() || pr.state === ProgressState.Probe) r.maybeSendAppend(m.from);

  if (r.readOnly.option !== ReadOnlyOption.Safe || m.context.byteLength === 0) return;
  const acks = r.readOnly.recvAck(m.from, m.context);
  if (acks === undefined || r.trk.ackResult(acks) !== VoteResult.Won) return;
  // A quorum still follows us: release this read and every one queued before it.
  for (const rs of r.readOnly.advance(m.context)) r.respondToReadIndex(rs.req, rs.index);
}

function handleTransferLeader(r: Raft, transferee: string, pr: Progress): void {
  if (pr.isLearner) return;
  if (r.leadTransferee !== None) {
    if (r.leadTransferee === transferee) return;
    r.abortLeaderTransfer();
  }
  if (transferee === r.id) return;
  // The transfer must complete within one election timeout (see tickHeartbeat).
  r.electionElapsed = 0;
  r.leadTransferee = transferee;
  if (pr.match === r.raftLog.lastIndex()) r.sendTimeoutNow(transferee);
  else r.maybeSendAppend(transferee);
}
