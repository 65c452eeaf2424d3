import type { Config } from './config.js';
import { encodeConfChange } from './conf-change.js';
import { BootstrapError, ProposalDroppedError } from './errors.js';
import { isLocalMsg, isResponseMsg, newMessage } from './message.js';
import { Raft } from './raft.js';
import { getStatus } from './status.js';
import type { Status } from './status.js';
import { emptyHardState } from './storage.js';
import { ConfChangeType, EntryType, MessageType, None } from './types.js';
import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, Ready, SoftState } from './types.js';

// Lets in-package tests inspect the protocol state without widening RawNode's public surface.
const internals = new WeakMap<RawNode, Raft>();

/** The Raft behind a RawNode, for in-package tests and harnesses only (not exported by index.ts). */
export function raftOf(node: RawNode): Raft {
  return internals.get(node) as Raft;
}

function isHardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

function isEmptyHardState(hs: HardState): boolean {
  return isHardStateEqual(hs, emptyHardState());
}

function normalEntry(data: Uint8Array, type: EntryType = EntryType.Normal): Entry {
  // Term and index are assigned by the leader when it appends.
  return { term: 0, index: 0, type, data };
}

/**
 * The driver API of one Raft node. Single-threaded and synchronous: nothing happens between calls.
 *
 * Ready contract. Whenever hasReady() is true, take rd = ready() and, in this order:
 *  1. persist rd.hardState (if set), rd.entries (appending; they may replace a suffix) and
 *     rd.snapshot (if set) to Storage; fsync when rd.mustSync;
 *  2. send rd.messages (a MsgSnap carries rd-independent snapshot data; report its outcome with
 *     reportSnapshot, and unreachable peers with reportUnreachable);
 *  3. apply rd.snapshot (if set), then rd.committedEntries in order; for a ConfChange entry call
 *     applyConfChange(decodeConfChange(entry.data)); serve rd.readStates once applied >= index;
 *  4. call advance(rd), before the next ready().
 * Persisting before sending is what makes acknowledgements and votes durable promises.
 * Followers forward proposals (MsgProp) and read requests (MsgReadIndex) to the leader.
 */
export class RawNode {
  private readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;

  constructor(config: Config) {
    this.raft = new Raft(config);
    internals.set(this, this.raft);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  /**
   * Starts a brand-new cluster (empty storage): appends one AddNode ConfChange entry per peer at
   * term 1, indexes 1..n, already committed. The driver applies them like any committed conf
   * change once they come out of a Ready; until then they are applied provisionally so that
   * campaign() can be called right away.
   */
  bootstrap(peers: { id: NodeId; context: Uint8Array }[]): void {
    if (peers.length === 0) throw new BootstrapError('must provide at least one peer to bootstrap');
    if (this.raft.raftLog.lastIndex() !== 0) throw new BootstrapError("can't bootstrap a nonempty storage");
    // Nothing is persisted yet: make the first Ready carry the HardState.
    this.prevHardState = emptyHardState();
    this.raft.becomeFollower(1, None);
    const changes: ConfChange[] = peers.map((p) => ({
      type: ConfChangeType.AddNode,
      nodeId: p.id,
      context: p.context,
    }));
    const ents = changes.map(
      (cc, i): Entry => ({ term: 1, index: i + 1, type: EntryType.ConfChange, data: encodeConfChange(cc) }),
    );
    this.raft.raftLog.append(ents);
    this.raft.raftLog.committed = ents.length;
    // AddNode is idempotent, so the driver applying these again later is harmless.
    for (const cc of changes) this.raft.applyConfChange(cc);
  }

  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (with a pre-vote round if configured). */
  campaign(): void {
    this.raft.step(newMessage({ type: MessageType.Hup, from: this.raft.id }));
  }

  /** Proposes data for the log. Throws ProposalDroppedError if it cannot be proposed right now. */
  propose(data: Uint8Array): void {
    this.proposeBatch([data]);
  }

  /**
   * Proposes several entries as one MsgProp: the leader appends them together and sends them
   * to each follower in one MsgApp, where one proposal each would cost a message (and a response)
   * per entry. All or none: throws ProposalDroppedError if they cannot be proposed right now.
   */
  proposeBatch(data: readonly Uint8Array[]): void {
    this.raft.step(newMessage({ type: MessageType.Prop, from: this.raft.id, entries: data.map((d) => normalEntry(d)) }));
  }

  /** Proposes a membership change; apply it when it comes out committed. */
  proposeConfChange(cc: ConfChange): void {
    const entry = normalEntry(encodeConfChange(cc), EntryType.ConfChange);
    this.raft.step(newMessage({ type: MessageType.Prop, from: this.raft.id, entries: [entry] }));
  }

  /** Applies a committed conf change and returns the new configuration. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /**
   * Steps a message from the network. Local-only types are ignored (they must never come from
   * a peer), as are responses from peers not in the configuration and forwarded proposals
   * this node cannot accept (the proposer learns through its own timeout).
   */
  step(m: Message): void {
    if (isLocalMsg(m.type)) return;
    if (isResponseMsg(m.type) && !this.raft.trk.progress.has(m.from)) return;
    try {
      this.raft.step(m);
    } catch (err) {
      if (err instanceof ProposalDroppedError) return;
      throw err;
    }
  }

  /**
   * Requests a linearizable read point. The answer is a ReadState with the same ctx in a later
   * Ready: read once applied >= its index. ctx must be unique per request and non-empty. Requests
   * that cannot be served (no leader, leader change) get no answer: retry after a timeout.
   */
  readIndex(ctx: Uint8Array): void {
    this.raft.step(newMessage({ type: MessageType.ReadIndex, from: this.raft.id, context: ctx }));
  }

  /** Asks the leader (this node or, forwarded, the current one) to hand leadership to transferee. */
  transferLeader(transferee: NodeId): void {
    this.raft.step(newMessage({ type: MessageType.TransferLeader, from: transferee }));
  }

  hasReady(): boolean {
    const r = this.raft;
    const ss = r.softState();
    if (ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState) return true;
    const hs = r.hardState();
    if (!isEmptyHardState(hs) && !isHardStateEqual(hs, this.prevHardState)) return true;
    if (r.raftLog.hasPendingSnapshot()) return true;
    if (r.msgs.length > 0 || r.raftLog.unstable.entries.length > 0) return true;
    if (r.raftLog.hasNextCommittedEnts()) return true;
    return r.readStates.length > 0;
  }

  /** Everything to persist, send and apply since the last Ready; see the contract above. */
  ready(): Ready {
    const r = this.raft;
    const rd: Ready = {
      readStates: r.readStates,
      entries: r.raftLog.unstableEntries(),
      committedEntries: r.raftLog.nextCommittedEnts(),
      messages: r.msgs,
      mustSync: false,
    };
    const ss = r.softState();
    if (ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState) {
      rd.softState = ss;
      this.prevSoftState = ss;
    }
    const hs = r.hardState();
    if (!isEmptyHardState(hs) && !isHardStateEqual(hs, this.prevHardState)) {
      rd.hardState = hs;
    }
    const snap = r.raftLog.unstable.snapshot;
    if (snap !== undefined) rd.snapshot = snap;
    // Term, vote and log entries must be durable before anyone hears about them; a commit index
    // can be re-learned from the leader, so a commit-only change need not be synced.
    rd.mustSync =
      rd.entries.length > 0 ||
      rd.snapshot !== undefined ||
      hs.term !== this.prevHardState.term ||
      hs.vote !== this.prevHardState.vote;
    if (rd.hardState !== undefined) this.prevHardState = hs;
    r.msgs = [];
    r.readStates = [];
    return rd;
  }

  /** Acknowledges that rd was persisted, sent and applied. */
  advance(rd: Ready): void {
    const log = this.raft.raftLog;
    const lastCommitted = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastCommitted !== undefined) log.appliedTo(lastCommitted.index);
    else if (rd.snapshot !== undefined) log.appliedTo(rd.snapshot.metadata.index);
    const lastEntry = rd.entries[rd.entries.length - 1];
    if (lastEntry !== undefined) log.stableTo(lastEntry.index, lastEntry.term);
    if (rd.snapshot !== undefined) log.stableSnapTo(rd.snapshot.metadata.index);
  }

  /** The peer could not be reached: stop pipelining to it until it answers again. */
  reportUnreachable(id: NodeId): void {
    this.raft.step(newMessage({ type: MessageType.Unreachable, from: id }));
  }

  /** Outcome of sending a MsgSnap to id. */
  reportSnapshot(id: NodeId, failed: boolean): void {
    this.raft.step(newMessage({ type: MessageType.SnapStatus, from: id, reject: failed }));
  }

  status(): Status {
    return getStatus(this.raft);
  }
}
