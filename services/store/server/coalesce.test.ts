import { describe, expect, it } from 'vitest';
import { newMessage } from '../raft/message.js';
import type { Entry, Message } from '../raft/types.js';
import { MessageType } from '../raft/types.js';
import { coalesceMessages } from './coalesce.js';

const entry = (index: number, term = 2): Entry => ({ index, term, type: 0, data: Buffer.from(`e${index}`) });
const app = (to: string, index: number, logTerm: number, entries: Entry[], commit: number, term = 2): Message =>
  newMessage({ type: MessageType.App, from: '1', to, term, index, logTerm, entries, commit });
const resp = (index: number, over: Partial<Message> = {}): Message =>
  newMessage({ type: MessageType.AppResp, from: '2', to: '1', term: 2, index, ...over });

describe('coalesceMessages', () => {
  it('merges MsgApps that continue each other, per follower, keeping each follower order', () => {
    const msgs = [
      app('2', 10, 2, [entry(11)], 9),
      app('3', 10, 2, [entry(11)], 9),
      app('2', 11, 2, [entry(12), entry(13)], 10),
      app('2', 13, 2, [], 11), // commit-only update at the end of what was sent
      app('3', 11, 2, [entry(12)], 10),
      newMessage({ type: MessageType.Heartbeat, from: '1', to: '2', term: 2, commit: 11 }),
      app('2', 13, 2, [entry(14)], 12),
    ];
    const out = coalesceMessages(msgs);
    expect(out.map((m) => [m.to, m.type, m.index, m.entries.map((e) => e.index), m.commit])).toEqual([
      ['2', MessageType.App, 10, [11, 12, 13], 11],
      ['3', MessageType.App, 10, [11, 12], 10],
      ['2', MessageType.Heartbeat, 0, [], 11],
      ['2', MessageType.App, 13, [14], 12], // after the heartbeat: a new run
    ]);
    // Inputs are left alone: Raft's log may share their entry arrays.
    expect(msgs[0]?.entries.map((e) => e.index)).toEqual([11]);
  });

  it('does not merge MsgApps that do not line up or differ in term', () => {
    const gap = [app('2', 10, 2, [entry(11)], 9), app('2', 12, 2, [entry(13)], 9)];
    expect(coalesceMessages(gap)).toHaveLength(2);
    const wrongLogTerm = [app('2', 10, 2, [entry(11, 2)], 9), app('2', 11, 1, [entry(12)], 9)];
    expect(coalesceMessages(wrongLogTerm)).toHaveLength(2);
    const newerTerm = [app('2', 10, 2, [entry(11)], 9), app('2', 11, 2, [entry(12, 3)], 9, 3)];
    expect(coalesceMessages(newerTerm)).toHaveLength(2);
  });

  it('keeps only the last of successive accepting MsgAppResps', () => {
    expect(coalesceMessages([resp(11), resp(13), resp(14)])).toEqual([resp(14)]);
    // A rejection says something else and stays, as does everything after it.
    const withReject = [resp(11), resp(9, { reject: true, rejectHint: 9 }), resp(12)];
    expect(coalesceMessages(withReject)).toEqual(withReject);
    expect(coalesceMessages([resp(11), resp(12, { term: 3 })])).toHaveLength(2);
  });

  it('leaves other messages as they are', () => {
    const votes = [
      newMessage({ type: MessageType.Vote, from: '1', to: '2', term: 4, index: 9, logTerm: 3 }),
      newMessage({ type: MessageType.Vote, from: '1', to: '3', term: 4, index: 9, logTerm: 3 }),
    ];
    expect(coalesceMessages(votes)).toEqual(votes);
    expect(coalesceMessages([])).toEqual([]);
  });
});
