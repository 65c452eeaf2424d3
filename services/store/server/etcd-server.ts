// The store member's core: drives the Raft node (persist, send, apply, advance), turns client
// requests into proposals and linearizable reads, and keeps leases and membership. It owns no
// sockets and no timers: main.ts calls tick() on the heartbeat and feeds peer messages in, and
// the peer transport is an interface, so tests can run members in one process.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type {
  CompactionRequest,
  DeleteRangeRequest,
  LeaseGrantRequest,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  PutRequest,
  RangeRequest,
  RangeResponse,
  ResponseHeader,
  TxnRequest,
  RequestOp,
  Sendable,
} from '../../../lib/grpc/etcd-proto.js';
import type { Backend, MvccStore, PendingChanges } from '../mvcc/index.js';
import { MvccStore as MvccStoreClass, CompactedError, FutureRevisionError, startWatchPump } from '../mvcc/index.js';
import type { RawNode, MemoryStorage } from '../raft/index.js';
import { decodeConfChange, ProposalDroppedError } from '../raft/index.js';
import { coalesceMessages } from './coalesce.js';
import type { ConfState, Entry, Message, Ready } from '../raft/types.js';
import { ConfChangeType, EntryType, MessageType, None, StateType } from '../raft/types.js';
import type { Snapshotter, Wal } from '../wal/index.js';
import { Applier, applyRange } from './apply.js';
import type { InternalRequest } from './codec.js';
import { decodeRequest, encodeRequest } from './codec.js';
import { EtcdError, Errors } from './errors.js';
import type { Lessor } from './lessor.js';
import { MAX_LEASE_TTL } from './lessor.js';
import type { MemberId } from './member-id.js';
import { computeMemberId, hexToDecimal } from './member-id.js';
import type { Member } from './membership.js';
import { decodeConfChangeContext, encodeConfChangeContext, Membership } from './membership.js';
import type { StateMeta } from './snapshot-data.js';
import { decodeSnapshotData, encodeSnapshotData } from './snapshot-data.js';

export interface ServerConfig {
  name: string;
  memberId: MemberId;
  clusterToken: string;
  clientUrls: string[];
  peerUrls: string[];
  heartbeatMs: number;
  electionTicks: number;
  snapshotCount: number;
  /** Entries kept in the log after a snapshot, so slow followers can catch up without one. */
  snapshotCatchUpEntries: number;
  maxRequestBytes: number;
  maxTxnOps: number;
  requestTimeoutMs: number;
  /** The backend's directory, for the database size that Status reports. */
  dbPath: string;
}

/** Sends Raft messages to peers and forwards lease calls to the leader. */
export interface PeerTransport {
  send(messages: Message[]): void;
  setPeers(peers: { id: MemberId; peerUrls: string[] }[]): void;
  leaseKeepAlive(leader: MemberId, req: LeaseKeepAliveRequest): Promise<LeaseKeepAliveResponse>;
  leaseTimeToLive(leader: MemberId, req: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse>;
  /** Promotion needs the leader's view of the learner's progress: followers forward it. */
  memberPromote(leader: MemberId, id: MemberId): Promise<void>;
}

export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
}

export interface ServerParts {
  cfg: ServerConfig;
  raft: RawNode;
  raftStorage: MemoryStorage;
  wal: Wal;
  snapshotter: Snapshotter;
  backend: Backend;
  mvcc: MvccStore;
  lessor: Lessor;
  membership: Membership;
  consistentIndex: number;
  snapshotIndex: number;
  confState: ConfState;
  transport: PeerTransport;
  clock: Clock;
}

interface Waiter<T> {
  resolve(v: T): void;
  reject(e: Error): void;
}

/** What applying one request produced, handed to the member that proposed it. */
export interface ApplyOutcome {
  response: object;
  revision: number;
}

interface ReadRound {
  ctx: string;
  waiters: Waiter<void>[];
  index: number | undefined;
  startedMs: number;
}

const MEMBER_ATTR_RETRY_MS = 1000;
const DEBUG_APPLY = process.env.STORE_DEBUG_APPLY === '1';

/** Backend metadata keys (bootstrap.ts reads them back). */
export const STATE_KEY = 'state';
export const CONSISTENT_INDEX_KEY = 'consistentIndex';

/**
 * One store member. Events: 'leader' (leader id, '' for none), 'fatal' (the error that stopped
 * it), 'apply-error' and 'watch-sink-error' (logged), and for the disk metrics 'walSync' and
 * 'backendCommit' (seconds one synced WAL save or one backend batch took).
 */
export class EtcdServer extends EventEmitter {
  readonly cfg: ServerConfig;
  private readonly raft: RawNode;
  private readonly raftStorage: MemoryStorage;
  private readonly wal: Wal;
  private readonly snapshotter: Snapshotter;
  private readonly backend: Backend;
  private readonly transport: PeerTransport;
  private readonly clock: Clock;
  private mvccStore: MvccStore;
  private readonly lessor: Lessor;
  private membership: Membership;
  private readonly applier: Applier;

  private appliedIndex: number;
  private consistentIndex: number;
  private snapshotIndex: number;
  private confState: ConfState;
  private term = 0;
  private lead: MemberId = None;
  private raftState: StateType = StateType.Follower;

  private processing = false;
  private stopped = false;
  private loopDone: Promise<void> = Promise.resolve();
  private backendQueue: Promise<void> = Promise.resolve();
  private nextBackendBatch: { changes: PendingChanges[]; meta: Map<string, Buffer> } | undefined;
  private reqSeq = 0;
  /**
   * Makes request and read IDs unique across restarts of this member: entries proposed before a
   * restart are applied again after it, and an answer to a ReadIndex sent before it can still
   * arrive; neither may be taken for a new request's.
   */
  private readonly bootId = randomBytes(6).toString('hex');
  /** Proposals awaiting their apply, with the leader they were handed to. */
  private readonly waits = new Map<string, Waiter<ApplyOutcome> & { leader: MemberId }>();
  /** Client proposals not yet stepped into Raft: flushProposals() hands them over together. */
  private readonly proposalQueue: { id: string; data: Uint8Array }[] = [];
  private proposalFlushPending = false;
  private readonly appliedWaiters: { index: number; w: Waiter<void> }[] = [];
  private readonly leaderWaiters: Waiter<void>[] = [];
  private pendingReads: Waiter<void>[] = [];
  private readRound: ReadRound | undefined;
  private readSeq = 0;
  private readonly revoking = new Map<bigint, number>();
  private lastAttrAttemptMs = -Infinity;
  private attributesPublished = false;
  private leaseIdSeq = 0n;
  private fatal: Error | undefined;
  private decimalIds: { cluster: string; member: string } | undefined;
  /** Membership and lease-table versions last handed to the backend. */
  private persistedStateVersion = '';
  private stopWatchPump: () => void;

  constructor(parts: ServerParts) {
    super();
    this.cfg = parts.cfg;
    this.raft = parts.raft;
    this.raftStorage = parts.raftStorage;
    this.wal = parts.wal;
    this.snapshotter = parts.snapshotter;
    this.backend = parts.backend;
    this.transport = parts.transport;
    this.clock = parts.clock;
    this.mvccStore = parts.mvcc;
    this.lessor = parts.lessor;
    this.membership = parts.membership;
    this.consistentIndex = parts.consistentIndex;
    // Raft re-delivers committed entries after the snapshot; those up to consistentIndex are
    // already in the backend and only their conf changes are re-applied (to Raft).
    this.appliedIndex = parts.snapshotIndex;
    this.snapshotIndex = parts.snapshotIndex;
    this.confState = parts.confState;
    this.stopWatchPump = startWatchPump(this.mvccStore);
    this.mvccStore.onWatchSinkError = this.onWatchSinkError;
    this.applier = new Applier(
      () => this.mvccStore,
      () => this.lessor,
    );
    // Lease IDs: this member's low 16 bits on top, then time, then a counter (etcd's idutil).
    const memberBits = BigInt(`0x${this.cfg.memberId}`) & 0xffffn;
    this.leaseIdSeq = (memberBits << 48n) | ((BigInt(Date.now()) & 0xffffffffffn) << 8n);
    this.transport.setPeers(this.peersOtherThanSelf());
  }

  // ---- read-only views -------------------------------------------------------------------

  get mvcc(): MvccStore {
    return this.mvccStore;
  }
  get memberId(): MemberId {
    return this.cfg.memberId;
  }
  get clusterId(): MemberId {
    return this.membership.clusterId;
  }
  get leader(): MemberId {
    return this.lead;
  }
  get isLeader(): boolean {
    return this.raftState === StateType.Leader;
  }
  get raftTerm(): number {
    return this.term;
  }
  get applied(): number {
    return this.appliedIndex;
  }
  get lastIndex(): number {
    return this.raftStorage.lastIndex();
  }
  get isLearner(): boolean {
    return this.membership.get(this.cfg.memberId)?.isLearner ?? false;
  }
  get isStopped(): boolean {
    return this.stopped;
  }
  members(): Member[] {
    return this.membership.list();
  }
  async dbSize(): Promise<number> {
    return dirSize(this.cfg.dbPath);
  }

  /** The whole state machine as a snapshot carries it (Maintenance.Snapshot streams this). */
  snapshotBytes(): Uint8Array {
    return encodeSnapshotData(this.stateMeta(), this.mvccStore.serialize());
  }

  header(revision?: number): ResponseHeader {
    // On every response: the IDs' decimal forms are computed once.
    this.decimalIds ??= {
      cluster: hexToDecimal(this.membership.clusterId),
      member: hexToDecimal(this.cfg.memberId),
    };
    return {
      cluster_id: this.decimalIds.cluster,
      member_id: this.decimalIds.member,
      revision: String(revision ?? this.mvccStore.currentRevision),
      raft_term: String(this.term),
    };
  }

  // ---- inputs from the shell ---------------------------------------------------------------

  tick(): void {
    if (this.stopped) return;
    this.raft.tick();
    const now = this.clock.now();
    this.maybeRevokeExpiredLeases(now);
    this.maybePublishAttributes(now);
    this.maybeRetryReadRound(now);
    this.schedule();
  }

  receive(messages: Message[]): void {
    if (this.stopped) return;
    for (const m of messages) {
      if (this.membership.isRemoved(m.from)) continue;
      try {
        this.raft.step(m);
      } catch {
        // A message the core refuses (stale, local-only type) is dropped, as etcd does.
      }
    }
    this.schedule();
  }

  // ---- the Ready loop ----------------------------------------------------------------------

  private schedule(): void {
    if (this.processing || this.stopped) return;
    this.processing = true;
    this.loopDone = this.runLoop();
  }

  private async runLoop(): Promise<void> {
    try {
      while (!this.stopped) {
        this.flushProposals();
        if (!this.raft.hasReady()) break;
        await this.handleReady(this.raft.ready());
      }
    } catch (err) {
      this.onFatal(err);
    } finally {
      this.processing = false;
    }
  }

  private async handleReady(rd: Ready): Promise<void> {
    if (rd.softState) this.onSoftState(rd.softState.lead, rd.softState.raftState);
    if (rd.hardState) this.term = rd.hardState.term;
    for (const rs of rd.readStates) this.onReadState(Buffer.from(rs.requestCtx).toString('utf8'), rs.index);

    const snap = rd.snapshot && rd.snapshot.metadata.index > 0 ? rd.snapshot : undefined;
    // A leader sends its appends before its own fsync, so its disk write overlaps the followers'
    // (Raft thesis 10.2.1; etcd does the same). This is safe although the Raft core counts the
    // leader's own copy at once: a commit index that counts unsynced entries only leaves this
    // node in a later Ready (to followers, or to clients through apply), and the next Ready is
    // not taken before this one is persisted. Anyone else persists first: votes and append
    // responses promise that their state is on disk.
    const sendFirst = this.raftState === StateType.Leader;
    if (sendFirst) this.sendMessages(rd.messages);
    if (snap) {
      await this.snapshotter.save(snap);
      await this.wal.saveSnapshot({
        index: snap.metadata.index,
        term: snap.metadata.term,
        confState: snap.metadata.confState,
      });
    }
    if (rd.hardState || rd.entries.length > 0) {
      const started = rd.mustSync ? performance.now() : 0;
      await this.wal.save(rd.hardState, rd.entries, rd.mustSync);
      if (rd.mustSync) this.emit('walSync', (performance.now() - started) / 1000);
    }
    if (snap) this.raftStorage.applySnapshot(snap);
    if (rd.hardState) this.raftStorage.setHardState(rd.hardState);
    if (rd.entries.length > 0) this.raftStorage.append(rd.entries);
    if (!sendFirst) this.sendMessages(rd.messages);

    if (snap && snap.metadata.index > this.appliedIndex) {
      await this.restoreFromSnapshot(snap.metadata.index, snap.metadata.confState, snap.data);
    }
    const outcomes: (() => void)[] = [];
    for (const entry of rd.committedEntries) {
      if (DEBUG_APPLY) {
        const action = entry.index <= this.appliedIndex ? 'skip-applied' : entry.index <= this.consistentIndex ? 'skip-persisted' : 'apply';
        process.stderr.write(`APPLY ${entry.index} t${entry.term} len${entry.data.length} ${action} applied=${this.appliedIndex} ci=${this.consistentIndex} rev=${this.mvccStore.currentRevision}\n`);
      }
      if (entry.index <= this.appliedIndex) continue;
      this.applyEntry(entry, outcomes);
      this.appliedIndex = entry.index;
    }
    if (rd.committedEntries.length > 0) {
      if (this.appliedIndex > this.consistentIndex) this.consistentIndex = this.appliedIndex;
      // Write-behind: the WAL already holds these entries durably, and a restart replays
      // whatever the backend had not stored (it keeps the consistent index in the same batch).
      this.commitBehind(this.mvccStore.takePendingChanges(), this.metaMap());
    }
    for (const done of outcomes) done();
    this.releaseAppliedWaiters();
    this.raft.advance(rd);
    await this.maybeSnapshot();
  }

  private sendMessages(messages: Message[]): void {
    if (messages.length > 0) this.transport.send(coalesceMessages(messages).map((m) => this.withSnapshotStatus(m)));
  }

  /**
   * Queues applied changes for the backend. While one batch is being written, later changes
   * merge into a single next batch, so under load LevelDB sees one write per round trip of
   * its own rather than one per Ready.
   */
  private commitBehind(changes: PendingChanges, meta: Map<string, Buffer>): void {
    if (this.nextBackendBatch) {
      this.nextBackendBatch.changes.push(changes);
      for (const [k, v] of meta) this.nextBackendBatch.meta.set(k, v);
      return;
    }
    const batch = { changes: [changes], meta: new Map(meta) };
    this.nextBackendBatch = batch;
    void this.queueBackend(() => {
      this.nextBackendBatch = undefined;
      const started = performance.now();
      return this.backend.commit(mergeChanges(batch.changes), batch.meta).then(() => {
        this.emit('backendCommit', (performance.now() - started) / 1000);
      });
    });
  }

  /** Backend writes run one after another, in the order the state changed. */
  private queueBackend(op: () => Promise<void>): Promise<void> {
    const next = this.backendQueue.then(op);
    this.backendQueue = next.catch((err: unknown) => this.onFatal(err));
    return next;
  }

  private onFatal(err: unknown): void {
    if (this.fatal) return;
    // Disk failure: a member that cannot persist must stop rather than ack writes it lost.
    this.fatal = err instanceof Error ? err : new Error(String(err));
    this.stopped = true;
    this.failAll(Errors.stopped());
    this.emit('fatal', this.fatal);
  }

  private withSnapshotStatus(m: Message): Message {
    if (m.type === MessageType.Snap) {
      // The transport reports failures through reportSnapshot; success is assumed once sent.
      queueMicrotask(() => {
        if (!this.stopped) {
          this.raft.reportSnapshot(m.to, false);
          this.schedule();
        }
      });
    }
    return m;
  }

  /** Called by the transport when a peer cannot be reached. */
  reportUnreachable(id: MemberId, snapshotFailed: boolean): void {
    if (this.stopped) return;
    this.raft.reportUnreachable(id);
    if (snapshotFailed) this.raft.reportSnapshot(id, true);
    this.schedule();
  }

  private onSoftState(lead: MemberId, state: StateType): void {
    const wasLeader = this.raftState === StateType.Leader;
    const leaderChanged = lead !== this.lead;
    this.lead = lead;
    this.raftState = state;
    const isLeader = state === StateType.Leader;
    if (isLeader && !wasLeader) {
      this.lessor.promote(this.clock.now(), this.cfg.electionTicks * this.cfg.heartbeatMs);
      this.revoking.clear();
    } else if (!isLeader && wasLeader) {
      this.lessor.demote();
    }
    if (leaderChanged) {
      this.emit('leader', lead);
      this.failProposalsOfOldLeaders(lead);
      // A read round in flight may have been lost with the old leader: ask again.
      if (this.readRound && this.readRound.index === undefined) this.restartReadRound();
    }
    if (lead !== None) {
      const ws = this.leaderWaiters.splice(0);
      for (const w of ws) w.resolve();
    }
  }

  /**
   * A proposal handed to a leader that has since lost leadership may be lost with it (Raft does
   * not say), and would otherwise hold its client until the request timeout. Answer "leader
   * changed" at once: the outcome is unknown to the client, as after any timeout, and it can
   * retry against the new leader right away.
   */
  private failProposalsOfOldLeaders(newLeader: MemberId): void {
    for (const [id, w] of this.waits) {
      if (w.leader === newLeader) continue;
      this.waits.delete(id);
      w.reject(Errors.leaderChanged());
    }
  }

  private applyEntry(entry: Entry, outcomes: (() => void)[]): void {
    const alreadyPersisted = entry.index <= this.consistentIndex;
    if (entry.type === EntryType.ConfChange) {
      this.applyConfChange(entry, alreadyPersisted, outcomes);
      return;
    }
    if (alreadyPersisted || entry.data.length === 0) return;
    let req: InternalRequest;
    try {
      req = decodeRequest(entry.data);
    } catch (err) {
      // Never expected: every member would skip it alike, but say so.
      this.emit('apply-error', err instanceof Error ? err : new Error(String(err)), entry.index);
      return;
    }
    const waiter = this.waits.get(req.id);
    if (waiter) this.waits.delete(req.id);
    let outcome: ApplyOutcome | undefined;
    let error: Error | undefined;
    try {
      outcome = this.applyRequest(req);
    } catch (err) {
      error = toEtcdError(err);
      if (!(error instanceof EtcdError)) {
        // Not a request error but a bug: say so loudly, since the member's state may now differ.
        this.emit('apply-error', error, entry.index);
      }
    }
    if (waiter) {
      outcomes.push(() => (error ? waiter.reject(error) : waiter.resolve(outcome as ApplyOutcome)));
    }
  }

  private applyRequest(req: InternalRequest): ApplyOutcome {
    const done = (response: object): ApplyOutcome => ({ response, revision: this.mvccStore.currentRevision });
    if (req.put) return done(this.applier.put(req.put));
    if (req.delete_range) return done(this.applier.deleteRange(req.delete_range));
    if (req.txn) return done(this.applier.txn(req.txn));
    if (req.compaction) {
      this.mvccStore.compact(Number(req.compaction.revision));
      return done({});
    }
    if (req.lease_grant) {
      const id = BigInt(req.lease_grant.ID);
      if (this.lessor.lookup(id)) throw Errors.leaseExist();
      const ttl = this.lessor.grant(id, Number(req.lease_grant.TTL), this.clock.now());
      return done({ ID: id.toString(), TTL: String(ttl), error: '' });
    }
    if (req.lease_revoke) {
      const id = BigInt(req.lease_revoke.ID);
      this.revoking.delete(id);
      this.applier.leaseRevoke(id);
      return done({});
    }
    if (req.member_attributes) {
      const a = req.member_attributes;
      this.membership.setAttributes(a.member_id, a.name, a.client_urls);
      return done({});
    }
    if (req.member_peer_update) {
      const u = req.member_peer_update;
      this.membership.setPeerUrls(u.member_id, u.peer_urls);
      this.transport.setPeers(this.peersOtherThanSelf());
      return done({});
    }
    return done({});
  }

  private applyConfChange(entry: Entry, alreadyPersisted: boolean, outcomes: (() => void)[]): void {
    const cc = decodeConfChange(entry.data);
    this.confState = this.raft.applyConfChange(cc);
    let ctx: ReturnType<typeof decodeConfChangeContext> | undefined;
    try {
      ctx = cc.context.length > 0 ? decodeConfChangeContext(cc.context) : undefined;
    } catch {
      ctx = undefined;
    }
    if (!alreadyPersisted) {
      switch (cc.type) {
        case ConfChangeType.AddNode:
          if (this.membership.get(cc.nodeId)?.isLearner) this.membership.promote(cc.nodeId);
          else if (ctx) this.membership.add({ ...ctx.member, isLearner: false });
          break;
        case ConfChangeType.AddLearnerNode:
          if (ctx) this.membership.add({ ...ctx.member, isLearner: true });
          break;
        case ConfChangeType.RemoveNode:
          this.membership.remove(cc.nodeId);
          break;
      }
    }
    this.transport.setPeers(this.peersOtherThanSelf());
    const waiter = ctx ? this.waits.get(ctx.requestId) : undefined;
    if (ctx && waiter) {
      this.waits.delete(ctx.requestId);
      outcomes.push(() => waiter.resolve({ response: {}, revision: this.mvccStore.currentRevision }));
    }
    if (cc.type === ConfChangeType.RemoveNode && cc.nodeId === this.cfg.memberId) {
      // etcd: "the member has been permanently removed from the cluster".
      outcomes.push(() => this.emit('removed'));
    }
  }

  /** A watch sink that threw has been cancelled (the client is told by grpc-api); the member goes on. */
  private readonly onWatchSinkError = (err: unknown, watcherId: number): void => {
    this.emit('watch-sink-error', err instanceof Error ? err : new Error(String(err)), watcherId);
  };

  private async restoreFromSnapshot(index: number, confState: ConfState, data: Uint8Array): Promise<void> {
    const { meta, mvcc } = decodeSnapshotData(data);
    this.stopWatchPump();
    this.mvccStore = MvccStoreClass.restore(mvcc);
    this.stopWatchPump = startWatchPump(this.mvccStore);
    this.mvccStore.onWatchSinkError = this.onWatchSinkError;
    this.membership = Membership.fromJSON(meta.membership);
    this.lessor.restore(meta.leases, this.mvccStore);
    this.persistedStateVersion = '';
    if (this.isLeader) this.lessor.promote(this.clock.now(), 0);
    this.appliedIndex = index;
    this.consistentIndex = index;
    this.snapshotIndex = index;
    this.confState = confState;
    const store = this.mvccStore;
    const stateMap = this.metaMap();
    await this.queueBackend(() => this.backend.replaceAll(store, stateMap));
    this.transport.setPeers(this.peersOtherThanSelf());
    // Watchers of the replaced store re-attach to the new one (grpc-api listens).
    this.emit('restored');
  }

  private stateMeta(): StateMeta {
    return {
      consistentIndex: this.consistentIndex,
      membership: this.membership.toJSON(),
      leases: this.lessor.toJSON(),
    };
  }

  /**
   * Backend metadata for one commit: the consistent index always (8 bytes); the member list and
   * lease table only when they changed since the last commit (serializing them on every Ready
   * was a visible cost under load).
   */
  private metaMap(): Map<string, Buffer> {
    const ci = Buffer.alloc(8);
    ci.writeBigUInt64BE(BigInt(this.consistentIndex));
    const meta = new Map([[CONSISTENT_INDEX_KEY, ci]]);
    const version = `${this.membership.version}/${this.lessor.tableVersion}`;
    if (version !== this.persistedStateVersion) {
      meta.set(STATE_KEY, Buffer.from(JSON.stringify(this.stateMeta())));
      this.persistedStateVersion = version;
    }
    return meta;
  }

  private async maybeSnapshot(): Promise<void> {
    if (this.appliedIndex - this.snapshotIndex <= this.cfg.snapshotCount) return;
    await this.snapshotNow();
  }

  /** Takes a snapshot at the applied index and compacts the log behind it. */
  async snapshotNow(): Promise<void> {
    const index = this.appliedIndex;
    if (index <= this.snapshotIndex) return;
    // Bounded write-behind: the backend catches up at every snapshot.
    await this.backendQueue;
    const data = this.snapshotBytes();
    const snap = this.raftStorage.createSnapshot(index, this.confState, data);
    await this.snapshotter.save(snap);
    await this.wal.saveSnapshot({ index, term: snap.metadata.term, confState: this.confState });
    this.snapshotIndex = index;
    const compactTo = index - this.cfg.snapshotCatchUpEntries;
    if (compactTo > this.raftStorage.firstIndex()) this.raftStorage.compact(compactTo);
    await this.wal.releaseTo(index);
    await this.snapshotter.purge(5);
  }

  // ---- waiting -----------------------------------------------------------------------------

  private releaseAppliedWaiters(): void {
    if (this.appliedWaiters.length === 0) return;
    const ready = this.appliedWaiters.filter((a) => a.index <= this.appliedIndex);
    if (ready.length === 0) return;
    const rest = this.appliedWaiters.filter((a) => a.index > this.appliedIndex);
    this.appliedWaiters.length = 0;
    this.appliedWaiters.push(...rest);
    for (const a of ready) a.w.resolve();
  }

  private waitApplied(index: number): Promise<void> {
    if (index <= this.appliedIndex) return Promise.resolve();
    return new Promise((resolve, reject) => this.appliedWaiters.push({ index, w: { resolve, reject } }));
  }

  private async waitForLeader(timeoutMs: number): Promise<void> {
    if (this.lead !== None) return;
    await withTimeout(
      new Promise<void>((resolve, reject) => this.leaderWaiters.push({ resolve, reject })),
      timeoutMs,
      () => Errors.noLeader(),
    );
  }

  private failAll(err: EtcdError): void {
    for (const w of this.waits.values()) w.reject(err);
    this.waits.clear();
    this.proposalQueue.length = 0;
    for (const a of this.appliedWaiters.splice(0)) a.w.reject(err);
    for (const w of this.leaderWaiters.splice(0)) w.reject(err);
    for (const w of this.pendingReads.splice(0)) w.reject(err);
    if (this.readRound) for (const w of this.readRound.waiters) w.reject(err);
    this.readRound = undefined;
  }

  // ---- proposals ---------------------------------------------------------------------------

  private checkServing(): void {
    if (this.stopped) throw Errors.stopped();
  }

  private checkNotLearner(): void {
    if (this.isLearner) throw Errors.notSupportedForLearner();
  }

  /** Replicates one request through the log and returns what applying it produced. */
  async propose(body: Omit<InternalRequest, 'id'>, opts: { internal?: boolean } = {}): Promise<ApplyOutcome> {
    this.checkServing();
    // A learner refuses client writes, but its own attribute update goes through (Raft forwards it).
    if (!opts.internal) this.checkNotLearner();
    const id = this.nextRequestId();
    const data = encodeRequest({ id, ...body });
    if (data.length > this.cfg.maxRequestBytes) throw Errors.requestTooLarge();
    await this.waitForLeader(this.electionMs() * 2);
    return this.awaitApply(id, () => {
      this.proposalQueue.push({ id, data });
      this.scheduleProposals();
    });
  }

  /**
   * Starts the Ready loop for queued proposals once the event loop has delivered every request
   * that arrived with this one (setImmediate), so a burst becomes one batch. A running loop
   * takes them on its next turn.
   */
  private scheduleProposals(): void {
    if (this.processing || this.proposalFlushPending) return;
    this.proposalFlushPending = true;
    setImmediate(() => {
      this.proposalFlushPending = false;
      this.schedule();
    });
  }

  /**
   * Steps the proposals queued since the last Ready as one batch (RawNode.proposeBatch). Under
   * load they arrive while a Ready is being persisted, and their messages could not leave
   * before the next Ready anyway, so waiting for it costs no latency.
   */
  private flushProposals(): void {
    if (this.proposalQueue.length === 0) return;
    const batch = this.proposalQueue.splice(0);
    try {
      this.raft.proposeBatch(batch.map((p) => p.data));
    } catch (err) {
      const reason = err instanceof ProposalDroppedError ? Errors.noLeader() : err instanceof Error ? err : new Error(String(err));
      for (const p of batch) {
        this.waits.get(p.id)?.reject(reason);
        this.waits.delete(p.id);
      }
    }
  }

  private nextRequestId(): string {
    return `${this.cfg.memberId}-${this.bootId}-${++this.reqSeq}`;
  }

  /**
   * Hands a proposal over (submit: to Raft, or to the proposal queue) and waits for the entry
   * carrying request ID id to be applied; answers "no leader" if Raft drops it and "request
   * timed out" after the timeout.
   */
  private awaitApply(id: string, submit: () => void): Promise<ApplyOutcome> {
    const result = new Promise<ApplyOutcome>((resolve, reject) => this.waits.set(id, { resolve, reject, leader: this.lead }));
    try {
      submit();
    } catch (err) {
      this.waits.delete(id);
      if (err instanceof ProposalDroppedError) return Promise.reject(Errors.noLeader());
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return withTimeout(result, this.cfg.requestTimeoutMs, () => {
      this.waits.delete(id);
      return Errors.timeout();
    });
  }

  private electionMs(): number {
    return this.cfg.electionTicks * this.cfg.heartbeatMs;
  }

  // ---- linearizable reads (ReadIndex, batched: one round serves every read that joined it) ---

  async linearizableReadBarrier(): Promise<void> {
    this.checkServing();
    const done = new Promise<void>((resolve, reject) => this.pendingReads.push({ resolve, reject }));
    if (!this.readRound) this.startReadRound();
    return withTimeout(done, this.cfg.requestTimeoutMs, () => Errors.timeout());
  }

  private startReadRound(): void {
    const waiters = this.pendingReads.splice(0);
    if (waiters.length === 0) return;
    const ctx = `${this.cfg.memberId}/${this.bootId}/${++this.readSeq}`;
    this.readRound = { ctx, waiters, index: undefined, startedMs: this.clock.now() };
    this.raft.readIndex(Buffer.from(ctx));
    this.schedule();
  }

  private restartReadRound(): void {
    const round = this.readRound;
    if (!round) return;
    this.readRound = undefined;
    this.pendingReads.unshift(...round.waiters);
    this.startReadRound();
  }

  private maybeRetryReadRound(now: number): void {
    const round = this.readRound;
    if (round && round.index === undefined && now - round.startedMs > this.electionMs()) this.restartReadRound();
  }

  private onReadState(ctx: string, index: number): void {
    const round = this.readRound;
    if (!round || round.ctx !== ctx) return;
    round.index = index;
    void this.waitApplied(index).then(
      () => {
        for (const w of round.waiters) w.resolve();
        if (this.readRound === round) {
          this.readRound = undefined;
          this.startReadRound();
        }
      },
      (err: unknown) => {
        for (const w of round.waiters) w.reject(toEtcdError(err));
      },
    );
  }

  // ---- client operations -------------------------------------------------------------------

  async range(req: RangeRequest): Promise<Sendable<RangeResponse>> {
    this.checkServing();
    if (!req.serializable) {
      this.checkNotLearner();
      await this.linearizableReadBarrier();
    }
    try {
      const res = applyRange(this.mvccStore, req);
      return { header: this.header(), ...res };
    } catch (err) {
      throw toEtcdError(err);
    }
  }

  async put(req: PutRequest): Promise<ApplyOutcome> {
    if (req.key.length === 0) throw Errors.emptyKey();
    if (req.ignore_value && req.value.length > 0) throw Errors.valueProvided();
    if (req.ignore_lease && req.lease !== '0' && req.lease !== '') throw Errors.leaseProvided();
    return this.propose({ put: req });
  }

  async deleteRange(req: DeleteRangeRequest): Promise<ApplyOutcome> {
    if (req.key.length === 0) throw Errors.emptyKey();
    return this.propose({ delete_range: req });
  }

  async txn(req: TxnRequest): Promise<ApplyOutcome> {
    validateTxn(req, this.cfg.maxTxnOps);
    if (isReadOnlyTxn(req)) {
      this.checkServing();
      this.checkNotLearner();
      await this.linearizableReadBarrier();
      try {
        const res = this.applier.txn(req);
        return { response: res, revision: this.mvccStore.currentRevision };
      } catch (err) {
        throw toEtcdError(err);
      }
    }
    return this.propose({ txn: req });
  }

  async compact(req: CompactionRequest): Promise<ApplyOutcome> {
    const rev = Number(req.revision);
    if (rev > this.mvccStore.currentRevision) throw Errors.futureRev();
    if (rev <= this.mvccStore.compactRevision) throw Errors.compacted();
    return this.propose({ compaction: req });
  }

  async leaseGrant(req: LeaseGrantRequest): Promise<ApplyOutcome> {
    const ttl = Number(req.TTL);
    if (ttl > MAX_LEASE_TTL) throw Errors.leaseTTLTooLarge();
    let id = BigInt(req.ID || '0');
    if (id === 0n) id = this.nextLeaseId();
    if (this.lessor.lookup(id)) throw Errors.leaseExist();
    return this.propose({ lease_grant: { ID: id.toString(), TTL: String(ttl) } });
  }

  private nextLeaseId(): bigint {
    // Positive int64, never 0 (etcd's NoLease).
    for (;;) {
      this.leaseIdSeq = (this.leaseIdSeq + 1n) & 0x7fffffffffffffffn;
      if (this.leaseIdSeq !== 0n && !this.lessor.lookup(this.leaseIdSeq)) return this.leaseIdSeq;
    }
  }

  async leaseRevoke(id: string): Promise<ApplyOutcome> {
    if (!this.lessor.lookup(BigInt(id))) throw Errors.leaseNotFound();
    return this.propose({ lease_revoke: { ID: id } });
  }

  async leaseKeepAlive(req: LeaseKeepAliveRequest): Promise<LeaseKeepAliveResponse> {
    return this.onLeader(
      () => {
        const ttl = this.lessor.renew(BigInt(req.ID), this.clock.now());
        return { header: this.header(), ID: req.ID, TTL: String(Math.max(ttl, 0)) };
      },
      async (leader) => ({ ...(await this.transport.leaseKeepAlive(leader, req)), header: this.header() }),
    );
  }

  async leaseTimeToLive(req: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse> {
    return this.onLeader(
      () => {
        const id = BigInt(req.ID);
        const lease = this.lessor.lookup(id);
        if (!lease) return { header: this.header(), ID: req.ID, TTL: '-1', grantedTTL: '0', keys: [] };
        return {
          header: this.header(),
          ID: req.ID,
          TTL: String(this.lessor.remainingTtl(id, this.clock.now())),
          grantedTTL: String(lease.ttl),
          keys: req.keys ? [...lease.keys].sort().map((k) => Buffer.from(k, 'hex')) : [],
        };
      },
      async (leader) => ({ ...(await this.transport.leaseTimeToLive(leader, req)), header: this.header() }),
    );
  }

  /**
   * Runs a lease call where lease clocks live: here if this member leads, else forwarded to the
   * leader. Through a failover (the leader gone, a new one not yet known) it keeps trying until
   * the request timeout, as etcd does, rather than failing the client's keep-alive at once.
   */
  private async onLeader<T>(local: () => T, forward: (leader: MemberId) => Promise<T>): Promise<T> {
    this.checkServing();
    const deadline = this.clock.now() + this.cfg.requestTimeoutMs;
    let lastError: unknown = Errors.noLeader();
    while (this.clock.now() < deadline && !this.stopped) {
      if (this.isLeader) return local();
      const leader = this.lead;
      if (leader !== None) {
        try {
          return await forward(leader);
        } catch (err) {
          lastError = err;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, this.cfg.heartbeatMs));
    }
    throw lastError instanceof EtcdError ? lastError : Errors.timeout();
  }

  leaseIds(): bigint[] {
    return this.lessor.ids();
  }

  private maybeRevokeExpiredLeases(now: number): void {
    if (!this.isLeader) return;
    for (const id of this.lessor.expired(now, 64)) {
      const since = this.revoking.get(id);
      if (since !== undefined && now - since < this.cfg.requestTimeoutMs) continue;
      this.revoking.set(id, now);
      this.propose({ lease_revoke: { ID: id.toString() } }, { internal: true }).catch(() => {
        // Retried on a later tick while the lease is still expired.
      });
    }
  }

  private maybePublishAttributes(now: number): void {
    if (this.attributesPublished || this.lead === None) return;
    const self = this.membership.get(this.cfg.memberId);
    if (!self) return;
    if (self.name === this.cfg.name && sameList(self.clientUrls, this.cfg.clientUrls)) {
      this.attributesPublished = true;
      return;
    }
    if (now - this.lastAttrAttemptMs < MEMBER_ATTR_RETRY_MS) return;
    this.lastAttrAttemptMs = now;
    this.propose(
      { member_attributes: { member_id: this.cfg.memberId, name: this.cfg.name, client_urls: this.cfg.clientUrls } },
      { internal: true },
    ).then(
      () => {
        this.attributesPublished = true;
      },
      () => {
        // Retried on a later tick.
      },
    );
  }

  // ---- membership --------------------------------------------------------------------------

  private peersOtherThanSelf(): { id: MemberId; peerUrls: string[] }[] {
    return this.membership
      .list()
      .filter((m) => m.id !== this.cfg.memberId)
      .map((m) => ({ id: m.id, peerUrls: m.peerUrls }));
  }

  private async proposeConfChange(type: ConfChangeType, member: Member): Promise<void> {
    this.checkServing();
    this.checkNotLearner();
    await this.waitForLeader(this.electionMs() * 2);
    const requestId = this.nextRequestId();
    const context = encodeConfChangeContext({ requestId, member });
    await this.awaitApply(requestId, () => {
      this.raft.proposeConfChange({ type, nodeId: member.id, context });
      this.schedule();
    });
  }

  async memberAdd(peerUrls: string[], isLearner: boolean): Promise<Member> {
    if (peerUrls.length === 0 || !peerUrls.every(validUrl)) throw Errors.memberBadURLs();
    for (const url of peerUrls) if (this.membership.peerUrlInUse(url)) throw Errors.peerURLExist();
    const id = computeMemberId(peerUrls, this.cfg.clusterToken, Date.now());
    if (this.membership.get(id)) throw Errors.memberExist();
    const member: Member = { id, name: '', peerUrls, clientUrls: [], isLearner };
    await this.proposeConfChange(isLearner ? ConfChangeType.AddLearnerNode : ConfChangeType.AddNode, member);
    return member;
  }

  async memberRemove(id: MemberId): Promise<void> {
    const member = this.membership.get(id);
    if (!member) throw Errors.memberNotFound();
    await this.proposeConfChange(ConfChangeType.RemoveNode, member);
  }

  async memberPromote(id: MemberId): Promise<void> {
    const member = this.membership.get(id);
    if (!member) throw Errors.memberNotFound();
    if (!member.isLearner) throw Errors.memberNotLearner();
    if (!this.isLeader) {
      await this.waitForLeader(this.electionMs() * 2);
      return this.transport.memberPromote(this.lead, id);
    }
    const progress = this.raft.status().progress;
    const leaderMatch = this.raftStorage.lastIndex();
    const learner = progress.get(id);
    // etcd: a learner is ready once its match index is within 10% of the leader's.
    if (!learner || learner.match < leaderMatch * 0.9) throw Errors.learnerNotReady();
    await this.proposeConfChange(ConfChangeType.AddNode, member);
  }

  async memberUpdate(id: MemberId, peerUrls: string[]): Promise<void> {
    if (!this.membership.get(id)) throw Errors.memberNotFound();
    if (peerUrls.length === 0 || !peerUrls.every(validUrl)) throw Errors.memberBadURLs();
    await this.propose({ member_peer_update: { member_id: id, peer_urls: peerUrls } });
  }

  // ---- leadership --------------------------------------------------------------------------

  async moveLeader(target: MemberId): Promise<void> {
    if (!this.isLeader) throw Errors.notLeader();
    const member = this.membership.get(target);
    if (!member || member.isLearner) throw Errors.badLeaderTransferee();
    if (target === this.cfg.memberId) return;
    await this.transferLeadership(target, this.cfg.requestTimeoutMs);
    if (this.lead !== target) throw Errors.timeout();
  }

  private transferLeadership(target: MemberId, timeoutMs: number): Promise<void> {
    this.raft.transferLeader(target);
    this.schedule();
    return new Promise((resolve) => {
      const deadline = this.clock.now() + timeoutMs;
      const onLeader = (lead: MemberId): void => {
        if (lead === target) finish();
      };
      const timer = setInterval(() => {
        if (this.clock.now() >= deadline || this.stopped) finish();
      }, this.cfg.heartbeatMs);
      const finish = (): void => {
        clearInterval(timer);
        this.off('leader', onLeader);
        resolve();
      };
      this.on('leader', onLeader);
    });
  }

  /** Graceful stop: hand leadership to the most caught-up voter, then stop the loop. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    if (this.isLeader) {
      let best: { id: MemberId; match: number } | undefined;
      for (const [id, p] of this.raft.status().progress) {
        if (id === this.cfg.memberId || p.isLearner) continue;
        if (!best || p.match > best.match) best = { id, match: p.match };
      }
      if (best) await this.transferLeadership(best.id, this.electionMs());
    }
    this.stopped = true;
    this.stopWatchPump();
    await this.loopDone;
    this.failAll(Errors.stopped());
  }

  /** After stop(): flush and close the disk state. */
  async close(): Promise<void> {
    this.stopped = true;
    await this.loopDone;
    await this.backendQueue;
    await this.wal.close();
    await this.backend.close();
  }

  get fatalError(): Error | undefined {
    return this.fatal;
  }
}

// ---- helpers -----------------------------------------------------------------------------

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export function toEtcdError(err: unknown): Error {
  if (err instanceof EtcdError) return err;
  if (err instanceof CompactedError) return Errors.compacted();
  if (err instanceof FutureRevisionError) return Errors.futureRev();
  return err instanceof Error ? err : new Error(String(err));
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    try {
      const st = await stat(path.join(dir, name));
      total += st.isDirectory() ? await dirSize(path.join(dir, name)) : st.size;
    } catch {
      // Files come and go while LevelDB compacts.
    }
  }
  return total;
}

function mergeChanges(list: PendingChanges[]): PendingChanges {
  if (list.length === 1) return list[0] as PendingChanges;
  const last = list[list.length - 1] as PendingChanges;
  return {
    currentRevision: last.currentRevision,
    compactRevision: last.compactRevision,
    added: list.flatMap((c) => c.added),
    removed: list.flatMap((c) => c.removed),
  };
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function validUrl(u: string): boolean {
  try {
    const url = new URL(u);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.port !== '';
  } catch {
    return false;
  }
}

function opsOf(req: TxnRequest): RequestOp[] {
  return [...req.success, ...req.failure];
}

function isReadOnlyTxn(req: TxnRequest): boolean {
  return opsOf(req).every((op) => (op.request_txn ? isReadOnlyTxn(op.request_txn) : op.request_range !== undefined && op.request_range !== null));
}

/** etcd's checkTxnReqsPermission-free validation: op count and duplicate keys per branch. */
export function validateTxn(req: TxnRequest, maxOps: number): void {
  if (req.compare.length > maxOps || req.success.length > maxOps || req.failure.length > maxOps) {
    throw Errors.tooManyOps();
  }
  for (const branch of [req.success, req.failure]) {
    const puts = new Set<string>();
    const dels: { key: Buffer; end: Buffer | undefined }[] = [];
    for (const op of branch) {
      if (op.request_put) {
        const k = op.request_put.key.toString('hex');
        if (puts.has(k)) throw Errors.duplicateKey();
        puts.add(k);
        if (op.request_put.key.length === 0) throw Errors.emptyKey();
      } else if (op.request_delete_range) {
        const d = op.request_delete_range;
        if (d.key.length === 0) throw Errors.emptyKey();
        dels.push({ key: d.key, end: d.range_end.length > 0 ? d.range_end : undefined });
      } else if (op.request_range) {
        if (op.request_range.key.length === 0) throw Errors.emptyKey();
      } else if (op.request_txn) {
        validateTxn(op.request_txn, maxOps);
      }
    }
    for (const k of puts) {
      const key = Buffer.from(k, 'hex');
      for (const d of dels) {
        const hit = d.end === undefined ? key.equals(d.key) : key.compare(d.key) >= 0 && (isAllKeys(d.end) || key.compare(d.end) < 0);
        if (hit) throw Errors.duplicateKey();
      }
    }
  }
}

function isAllKeys(end: Buffer): boolean {
  return end.length === 1 && end[0] === 0;
}

