import { CampaignType } from './campaign-type.js';
import { ProposalDroppedError } from './errors.js';
import type { Raft } from './raft.js';
import { VoteResult } from './quorum.js';
import { MessageType, None, StateType } from './types.js';
import type { Message } from './types.js';

/** Candidate and pre-candidate: count votes; yield to a leader of our term. */
export function stepCandidate(r: Raft, m: Message): void {
  const myVoteRespType = r.state === StateType.PreCandidate ? MessageType.PreVoteResp : MessageType.VoteResp;
  switch (m.type) {
    case MessageType.Prop:
      throw new ProposalDroppedError('no leader at this term (campaigning); dropping proposal');
    case MessageType.App:
      r.becomeFollower(m.term, m.from);
      r.handleAppendEntries(m);
      return;
    case MessageType.Heartbeat:
      r.becomeFollower(m.term, m.from);
      r.handleHeartbeat(m);
      return;
    case MessageType.Snap:
      r.becomeFollower(m.term, m.from);
      r.handleSnapshot(m);
      return;
    default:
      if (m.type !== myVoteRespType) return;
      switch (r.poll(m.from, !m.reject)) {
        case VoteResult.Won:
          if (r.state === StateType.PreCandidate) {
            r.campaign(CampaignType.Election);
          } else {
            r.becomeLeader();
            r.bcastAppend();
          }
          return;
        case VoteResult.Lost:
          // Pre-candidates return to follower at their unchanged term; candidates at the new one.
          r.becomeFollower(r.term, None);
          return;
        case VoteResult.Pending:
          return;
      }
  }
}
