// Starting a member from its data directory: a fresh member of a new cluster, a member joining
// an existing cluster, or a restart from WAL + snapshot + backend (etcd's bootstrap paths).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Backend, MvccStore } from '../mvcc/index.js';
import { MemoryStorage, RawNode } from '../raft/index.js';
import type { ConfState } from '../raft/types.js';
import { Snapshotter, Wal } from '../wal/index.js';
import type { Clock, PeerTransport, ServerConfig } from './etcd-server.js';
import { CONSISTENT_INDEX_KEY, EtcdServer, STATE_KEY } from './etcd-server.js';
import { Lessor } from './lessor.js';
import type { MemberId } from './member-id.js';
import { computeClusterId, computeMemberId } from './member-id.js';
import type { Member } from './membership.js';
import { encodeConfChangeContext, Membership } from './membership.js';
import type { StateMeta } from './snapshot-data.js';
import { decodeSnapshotData } from './snapshot-data.js';
import type { ClusterInfo } from './transport.js';

export interface BootstrapOptions {
  name: string;
  dataDir: string;
  /** --initial-cluster parsed: member name → peer URLs. */
  initialCluster: Map<string, string[]>;
  initialClusterState: 'new' | 'existing';
  initialClusterToken: string;
  advertiseClientUrls: string[];
  advertisePeerUrls: string[];
  heartbeatMs: number;
  electionMs: number;
  snapshotCount: number;
  maxRequestBytes: number;
  maxTxnOps: number;
  transport: PeerTransport;
  clock: Clock;
  fetchClusterInfo(peerUrls: string[]): Promise<ClusterInfo>;
  random?: () => number;
}

interface WalMetadata {
  memberId: MemberId;
  clusterId: MemberId;
}

export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
}

export function parseInitialCluster(spec: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new BootstrapError(`--initial-cluster: "${part}" is not name=peer-url`);
    const name = part.slice(0, eq);
    const url = part.slice(eq + 1);
    try {
      new URL(url);
    } catch {
      throw new BootstrapError(`--initial-cluster: "${url}" is not a URL`);
    }
    out.set(name, [...(out.get(name) ?? []), url]);
  }
  return out;
}

export async function bootstrapServer(opts: BootstrapOptions): Promise<EtcdServer> {
  const memberDir = path.join(opts.dataDir, 'member');
  const walDir = path.join(memberDir, 'wal');
  const snapDir = path.join(memberDir, 'snap');
  const dbDir = path.join(memberDir, 'db');
  await mkdir(snapDir, { recursive: true, mode: 0o700 });
  const snapshotter = new Snapshotter(snapDir);
  const electionTicks = Math.max(2, Math.round(opts.electionMs / opts.heartbeatMs));
  const minLeaseTtl = Math.ceil((Math.floor((3 * electionTicks) / 2) * opts.heartbeatMs) / 1000);
  const lessor = new Lessor(minLeaseTtl);

  const cfgFor = (memberId: MemberId): ServerConfig => ({
    name: opts.name,
    memberId,
    clusterToken: opts.initialClusterToken,
    clientUrls: opts.advertiseClientUrls,
    peerUrls: opts.advertisePeerUrls,
    heartbeatMs: opts.heartbeatMs,
    electionTicks,
    snapshotCount: opts.snapshotCount,
    snapshotCatchUpEntries: Math.min(5000, Math.max(100, Math.floor(opts.snapshotCount / 2))),
    maxRequestBytes: opts.maxRequestBytes,
    maxTxnOps: opts.maxTxnOps,
    requestTimeoutMs: 5000 + 2 * opts.electionMs,
    dbPath: dbDir,
  });
  const raftFor = (memberId: MemberId, storage: MemoryStorage, applied: number): RawNode =>
    new RawNode({
      id: memberId,
      electionTick: electionTicks,
      heartbeatTick: 1,
      storage,
      applied,
      maxSizePerMsg: 1024 * 1024,
      maxInflightMsgs: 512,
      checkQuorum: true,
      preVote: true,
      readOnlyOption: 'safe',
      random: opts.random ?? Math.random,
    });

  if (Wal.exists(walDir)) {
    // Restart: newest snapshot the WAL knows of, then the backend, then the WAL tail.
    const marks = await Wal.readSnapshotMarks(walDir);
    const snapshot = await snapshotter.loadNewest((m) => marks.some((w) => w.index === m.index && w.term === m.term));
    const backend = await Backend.open(dbDir);
    const loaded = await backend.load();
    let mvcc = loaded.store;
    let state = parseStateMeta(loaded.meta.get(STATE_KEY));
    const ci = loaded.meta.get(CONSISTENT_INDEX_KEY);
    // The member list and lease table are written only when they change; the index every time.
    if (state && ci) state = { ...state, consistentIndex: Number(ci.readBigUInt64BE(0)) };
    if (snapshot && (!state || state.consistentIndex < snapshot.metadata.index)) {
      // The snapshot arrived from the leader but the backend was not rewritten before a crash.
      const decoded = decodeSnapshotData(snapshot.data);
      mvcc = MvccStore.restore(decoded.mvcc);
      state = decoded.meta;
      const ciBuf = Buffer.alloc(8);
      ciBuf.writeBigUInt64BE(BigInt(state.consistentIndex));
      await backend.replaceAll(
        mvcc,
        new Map([
          [STATE_KEY, Buffer.from(JSON.stringify(state))],
          [CONSISTENT_INDEX_KEY, ciBuf],
        ]),
      );
    }
    const from = snapshot ? { index: snapshot.metadata.index, term: snapshot.metadata.term } : undefined;
    const { wal, metadata, hardState, entries } = await Wal.open(walDir, from);
    const walMeta = JSON.parse(Buffer.from(metadata).toString('utf8')) as WalMetadata;
    const storage = new MemoryStorage();
    if (snapshot) storage.applySnapshot(snapshot);
    storage.setHardState(hardState);
    storage.append(entries);
    const membership = state ? Membership.fromJSON(state.membership) : new Membership(walMeta.clusterId);
    lessor.restore(state?.leases ?? [], mvcc);
    const snapshotIndex = snapshot?.metadata.index ?? 0;
    const confState: ConfState = snapshot?.metadata.confState ?? { voters: [], learners: [] };
    return new EtcdServer({
      cfg: cfgFor(walMeta.memberId),
      raft: raftFor(walMeta.memberId, storage, snapshotIndex),
      raftStorage: storage,
      wal,
      snapshotter,
      backend,
      mvcc,
      lessor,
      membership,
      consistentIndex: state?.consistentIndex ?? 0,
      snapshotIndex,
      confState,
      transport: opts.transport,
      clock: opts.clock,
    });
  }

  const selfUrls = opts.initialCluster.get(opts.name);
  if (!selfUrls) {
    throw new BootstrapError(
      `couldn't find local name "${opts.name}" in the initial cluster configuration`,
    );
  }
  if ([...selfUrls].sort().join(',') !== [...opts.advertisePeerUrls].sort().join(',')) {
    throw new BootstrapError(
      `--initial-cluster has ${opts.name}=${selfUrls.join(',')} but missing from --initial-advertise-peer-urls=${opts.advertisePeerUrls.join(',')}`,
    );
  }
  await mkdir(memberDir, { recursive: true, mode: 0o700 });
  const storage = new MemoryStorage();
  let memberId: MemberId;
  let clusterId: MemberId;
  let initialMembers: Member[];
  let raft: RawNode;

  if (opts.initialClusterState === 'new') {
    const members: Member[] = [...opts.initialCluster.values()].map((urls) => ({
      id: computeMemberId(urls, opts.initialClusterToken),
      name: '',
      peerUrls: urls,
      clientUrls: [],
      isLearner: false,
    }));
    memberId = computeMemberId(selfUrls, opts.initialClusterToken);
    clusterId = computeClusterId(members.map((m) => m.id));
    raft = raftFor(memberId, storage, 0);
    raft.bootstrap(
      members.map((m) => ({ id: m.id, context: encodeConfChangeContext({ requestId: '', member: m }) })),
    );
    initialMembers = members;
  } else {
    const others = [...opts.initialCluster].filter(([name]) => name !== opts.name).flatMap(([, urls]) => urls);
    const info = await opts.fetchClusterInfo(others);
    const self = info.members.find((m) => m.peerUrls.some((u) => selfUrls.includes(u)));
    if (!self) {
      throw new BootstrapError(
        `member with peer URLs ${selfUrls.join(',')} has not been added to the cluster (run "etcdctl member add" first)`,
      );
    }
    memberId = self.id;
    clusterId = info.clusterId;
    initialMembers = info.members;
    raft = raftFor(memberId, storage, 0);
  }
  const meta: WalMetadata = { memberId, clusterId };
  const wal = await Wal.create(walDir, Buffer.from(JSON.stringify(meta)));
  const backend = await Backend.open(dbDir);
  const membership = new Membership(clusterId);
  // Peers must be reachable before the log that names them is applied.
  for (const m of initialMembers) membership.add(m);
  return new EtcdServer({
    cfg: cfgFor(memberId),
    raft,
    raftStorage: storage,
    wal,
    snapshotter,
    backend,
    mvcc: new MvccStore(),
    lessor,
    membership,
    consistentIndex: 0,
    snapshotIndex: 0,
    confState: { voters: [], learners: [] },
    transport: opts.transport,
    clock: opts.clock,
  });
}

function parseStateMeta(buf: Buffer | undefined): StateMeta | undefined {
  if (!buf) return undefined;
  return JSON.parse(buf.toString('utf8')) as StateMeta;
}

