// Fewer, larger Raft messages per Ready. Under load the leader's core emits a MsgApp per
// proposal batch and per commit advance (each MsgAppResp that moves the commit index
// re-broadcasts it), and a follower answers each MsgApp on its own: dozens of small messages
// per Ready, each paying encode, decode, a Raft step and its answer. Runs of them that a
// receiver would process into the same state are merged here, before the transport.
import type { Message } from '../raft/types.js';
import { MessageType } from '../raft/types.js';

/** Term of the last entry a MsgApp carries, i.e. of the index it leaves the follower at. */
function lastTerm(m: Message): number {
  const last = m.entries[m.entries.length - 1];
  return last ? last.term : m.logTerm;
}

/**
 * A MsgApp that continues the previous one to the same peer (its (index, logTerm) is where
 * the previous one ends) becomes part of it: the follower would have appended both in turn,
 * and now answers once. Commit is the later (larger) one, which is what it ends with anyway.
 */
function continuesAppend(prev: Message, next: Message): boolean {
  return (
    prev.type === MessageType.App &&
    next.type === MessageType.App &&
    prev.to === next.to &&
    prev.from === next.from &&
    prev.term === next.term &&
    next.index === prev.index + prev.entries.length &&
    next.logTerm === lastTerm(prev)
  );
}

/**
 * Successive accepting MsgAppResps to the same peer in the same term: the last one states what
 * the follower holds now, which covers what the earlier ones said (within a term a follower
 * never drops entries it has acknowledged).
 */
function supersedesAppendResponse(prev: Message, next: Message): boolean {
  return (
    prev.type === MessageType.AppResp &&
    next.type === MessageType.AppResp &&
    !prev.reject &&
    !next.reject &&
    prev.to === next.to &&
    prev.from === next.from &&
    prev.term === next.term &&
    next.index >= prev.index
  );
}

/**
 * Merges runs of messages per destination, keeping each destination's order. Messages are
 * never mutated: Raft's log may share their entry arrays.
 */
export function coalesceMessages(messages: readonly Message[]): Message[] {
  if (messages.length < 2) return messages.slice();
  const out: Message[] = [];
  const lastTo = new Map<string, number>(); // destination -> index in out of its latest message
  for (const m of messages) {
    const at = lastTo.get(m.to);
    const prev = at === undefined ? undefined : out[at];
    if (at !== undefined && prev !== undefined) {
      if (continuesAppend(prev, m)) {
        out[at] = { ...prev, entries: prev.entries.concat(m.entries), commit: Math.max(prev.commit, m.commit) };
        continue;
      }
      if (supersedesAppendResponse(prev, m)) {
        out[at] = m;
        continue;
      }
    }
    lastTo.set(m.to, out.length);
    out.push(m);
  }
  return out;
}
