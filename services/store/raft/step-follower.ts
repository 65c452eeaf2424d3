import { CampaignType } from './campaign-type.js';
import { ProposalDroppedError } from './errors.js';
import { newMessage } from './message.js';
import type { Raft } from './raft.js';
import { MessageType, None } from './types.js';
import type { Message } from './types.js';

/** Follower/candidate clock: campaign once no leader was heard from for the randomized timeout. */
export function tickElection(r: Raft): void {
  r.electionElapsed++;
  if (r.promotable() && r.pastElectionTimeout()) {
    r.electionElapsed = 0;
    r.step(newMessage({ from: r.id, type: MessageType.Hup }));
  }
}

export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case MessageType.Prop:
      if (r.lead === None) throw new ProposalDroppedError('no leader at this term; dropping proposal');
      r.send({ ...m, to: r.lead });
      return;
    case MessageType.App:
      r.electionElapsed = 0;
      r.lead = m.from;
      r.handleAppendEntries(m);
      return;
    case MessageType.Heartbeat:
      r.electionElapsed = 0;
      r.lead = m.from;
      r.handleHeartbeat(m);
      return;
    case MessageType.Snap:
      r.electionElapsed = 0;
      r.lead = m.from;
      r.handleSnapshot(m);
      return;
    case MessageType.TransferLeader:
      // Only the leader can run a transfer; without one known the request is dropped.
      if (r.lead !== None) r.send({ ...m, to: r.lead, term: 0 });
      return;
    case MessageType.TimeoutNow:
      // The leader hands over: campaign at once, without pre-vote (no partition to guard against)
      // and overriding the voters' leader lease.
      r.maybeCampaign(CampaignType.Transfer);
      return;
    case MessageType.ReadIndex:
      if (r.lead !== None) r.send({ ...m, to: r.lead });
      return;
    case MessageType.ReadIndexResp:
      r.readStates.push({ index: m.index, requestCtx: m.context });
      return;
    default:
      return;
  }
}
