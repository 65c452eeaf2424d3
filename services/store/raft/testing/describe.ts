// Text renderings of Raft values for scenario transcripts and test failure messages.
import { decodeConfChange } from '../conf-change.js';
import { messageTypeName } from '../message.js';
import { ConfChangeType, EntryType, StateType } from '../types.js';
import type { ConfChange, ConfState, Entry, HardState, Message, Ready, Snapshot, SoftState } from '../types.js';

const decoder = new TextDecoder();

export function stateName(s: StateType): string {
  for (const [name, value] of Object.entries(StateType)) if (value === s) return `State${name}`;
  return `State(${s})`;
}

export function describeConfChange(cc: ConfChange): string {
  for (const [name, value] of Object.entries(ConfChangeType)) if (value === cc.type) return `${name} ${cc.nodeId}`;
  return `ConfChange(${cc.type}) ${cc.nodeId}`;
}

export function describeEntry(e: Entry): string {
  if (e.type === EntryType.ConfChange) {
    return `${e.term}/${e.index} EntryConfChange ${describeConfChange(decodeConfChange(e.data))}`;
  }
  return `${e.term}/${e.index} EntryNormal ${JSON.stringify(decoder.decode(e.data))}`;
}

export function describeConfState(cs: ConfState): string {
  return `Voters:[${cs.voters.join(' ')}] Learners:[${cs.learners.join(' ')}]`;
}

export function describeSnapshot(s: Snapshot): string {
  return `Index:${s.metadata.index} Term:${s.metadata.term} ConfState:${describeConfState(s.metadata.confState)}`;
}

export function describeHardState(hs: HardState): string {
  return `Term:${hs.term} Vote:${hs.vote === '' ? '0' : hs.vote} Commit:${hs.commit}`;
}

export function describeSoftState(ss: SoftState): string {
  return `Lead:${ss.lead === '' ? '0' : ss.lead} State:${stateName(ss.raftState)}`;
}

export function describeMessage(m: Message): string {
  let s = `${m.from}->${m.to} ${messageTypeName(m.type)} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) s += ` Rejected (Hint: ${m.rejectHint})`;
  if (m.commit !== 0) s += ` Commit:${m.commit}`;
  if (m.context.byteLength > 0) s += ` Context:${JSON.stringify(decoder.decode(m.context))}`;
  if (m.entries.length > 0) s += ` Entries:[${m.entries.map(describeEntry).join(', ')}]`;
  if (m.snapshot !== undefined) s += ` Snapshot: ${describeSnapshot(m.snapshot)}`;
  return s;
}

/** Multi-line rendering of a Ready, one item per line. */
export function describeReady(rd: Ready): string[] {
  const out = [`Ready MustSync=${String(rd.mustSync)}:`];
  if (rd.softState !== undefined) out.push(describeSoftState(rd.softState));
  if (rd.hardState !== undefined) out.push(`HardState ${describeHardState(rd.hardState)}`);
  if (rd.readStates.length > 0) {
    out.push('ReadStates:');
    for (const rs of rd.readStates) out.push(`Index:${rs.index} Ctx:${JSON.stringify(decoder.decode(rs.requestCtx))}`);
  }
  if (rd.entries.length > 0) {
    out.push('Entries:');
    for (const e of rd.entries) out.push(describeEntry(e));
  }
  if (rd.snapshot !== undefined) out.push(`Snapshot ${describeSnapshot(rd.snapshot)}`);
  if (rd.committedEntries.length > 0) {
    out.push('CommittedEntries:');
    for (const e of rd.committedEntries) out.push(describeEntry(e));
  }
  if (rd.messages.length > 0) {
    out.push('Messages:');
    for (const m of rd.messages) out.push(describeMessage(m));
  }
  return out;
}
