import { MessageType, None } from './types.js';
import type { Message } from './types.js';

/** A message with every field defaulted, so call sites name only what matters. */
export function newMessage(fields: Partial<Message> & Pick<Message, 'type'>): Message {
  return {
    to: None,
    from: None,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    context: new Uint8Array(0),
    ...fields,
  };
}

const localTypes: ReadonlySet<MessageType> = new Set<MessageType>([
  MessageType.Hup,
  MessageType.Beat,
  MessageType.Unreachable,
  MessageType.SnapStatus,
  MessageType.CheckQuorum,
]);

/** Messages a node generates for itself; they must never arrive from the network. */
export function isLocalMsg(t: MessageType): boolean {
  return localTypes.has(t);
}

const responseTypes: ReadonlySet<MessageType> = new Set<MessageType>([
  MessageType.AppResp,
  MessageType.VoteResp,
  MessageType.HeartbeatResp,
  MessageType.Unreachable,
  MessageType.PreVoteResp,
]);

export function isResponseMsg(t: MessageType): boolean {
  return responseTypes.has(t);
}

export function voteRespType(t: MessageType): MessageType {
  switch (t) {
    case MessageType.Vote:
      return MessageType.VoteResp;
    case MessageType.PreVote:
      return MessageType.PreVoteResp;
    default:
      throw new Error(`not a vote message: ${t}`);
  }
}

export function messageTypeName(t: MessageType): string {
  for (const [name, value] of Object.entries(MessageType)) {
    if (value === t) return `Msg${name}`;
  }
  return `Msg(${t})`;
}
