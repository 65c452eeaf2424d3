// The etcd v3 client API (the 2379 port): grpc-js handlers that translate between the wire
// and EtcdServer. Errors become gRPC statuses only here, at the edge.
import * as grpc from '@grpc/grpc-js';
import { createHash } from 'node:crypto';
import type {
  ClusterHandlers,
  KVHandlers,
  LeaseHandlers,
  MaintenanceHandlers,
  Member as PbMember,
  Sendable,
  WatchHandlers,
  WatchRequest,
  WatchResponse,
} from '../../../lib/grpc/etcd-proto.js';
import type { EtcdUnaryFns } from '../../../lib/grpc/etcd-proto.js';
import { addEtcdService, etcdUnaryRoutes } from '../../../lib/grpc/etcd-proto.js';
import type { GrpcStatusLike } from '../../../lib/grpc/h2-unary-server.js';
import { UnaryRouter } from '../../../lib/grpc/h2-unary-server.js';
import type { MvccEvent, WatchBatch, Watcher } from '../mvcc/index.js';
import { toPbKeyValue } from './apply.js';
import { EtcdError, Errors } from './errors.js';
import type { EtcdServer } from './etcd-server.js';
import { toEtcdError } from './etcd-server.js';
import { decimalToHex, hexToDecimal } from './member-id.js';
import type { Member } from './membership.js';

export const ETCD_VERSION = '3.4.23';

/** gRPC allows a little over the request limit so the server can answer "request is too large" itself. */
export const GRPC_OVERHEAD_BYTES = 512 * 1024;

function toStatus(err: unknown): GrpcStatusLike {
  const e = toEtcdError(err);
  if (e instanceof EtcdError) return { code: e.code, details: e.message };
  return { code: grpc.status.UNKNOWN, details: e.message };
}

/** Runs an async handler and answers a unary call with its result or its etcd error. */
function unary<Req, Res>(
  fn: (req: Req) => Promise<Res>,
): (call: grpc.ServerUnaryCall<Req, Res>, cb: grpc.sendUnaryData<Res>) => void {
  return (call, cb) => {
    fn(call.request).then(
      (res) => cb(null, res),
      (err: unknown) => cb(toStatus(err)),
    );
  };
}

function pbMember(m: Member): Sendable<PbMember> {
  return { ID: hexToDecimal(m.id), name: m.name, peerURLs: m.peerUrls, clientURLs: m.clientUrls, isLearner: m.isLearner };
}

function pbEvent(e: MvccEvent, withPrev: boolean): object {
  return {
    type: e.type,
    kv: toPbKeyValue(e.kv),
    ...(withPrev && e.prevKv ? { prev_kv: toPbKeyValue(e.prevKv) } : {}),
  };
}

export interface ClientApiOptions {
  /** How often a watch with progress_notify hears the current revision when idle (etcd: 10 min). */
  progressNotifyIntervalMs: number;
}

export function addClientServices(server: grpc.Server, s: EtcdServer, opts: ClientApiOptions): void {
  addEtcdService(server, 'KV', kvHandlers(s));
  addEtcdService(server, 'Watch', watchHandlers(s, opts));
  addEtcdService(server, 'Lease', leaseHandlers(s));
  addEtcdService(server, 'Cluster', clusterHandlers(s));
  addEtcdService(server, 'Maintenance', maintenanceHandlers(s));
}

/** The KV methods, answered by grpc-js (kvHandlers) or ahead of it (clientUnaryRouter). */
function kvMethods(s: EtcdServer): EtcdUnaryFns<'KV'> {
  return {
    Range: async (req) => {
      if (req.key.length === 0) throw Errors.emptyKey();
      return s.range(req);
    },
    Put: async (req) => {
      const out = await s.put(req);
      return { header: s.header(out.revision), ...out.response };
    },
    DeleteRange: async (req) => {
      const out = await s.deleteRange(req);
      return { header: s.header(out.revision), ...out.response };
    },
    Txn: async (req) => {
      const out = await s.txn(req);
      return { header: s.header(out.revision), ...out.response };
    },
    Compact: async (req) => {
      const out = await s.compact(req);
      return { header: s.header(out.revision) };
    },
  };
}

function kvHandlers(s: EtcdServer): KVHandlers {
  const m = kvMethods(s);
  return { Range: unary(m.Range), Put: unary(m.Put), DeleteRange: unary(m.DeleteRange), Txn: unary(m.Txn), Compact: unary(m.Compact) };
}

/**
 * The KV calls (the store's hot path) answered straight from HTTP/2, ahead of grpc-js'
 * per-call machinery (lib/grpc/h2-unary-server.ts); same handlers, same wire format.
 */
export function clientUnaryRouter(s: EtcdServer, maxReceiveBytes: number): UnaryRouter {
  return new UnaryRouter(etcdUnaryRoutes('KV', kvMethods(s)), { maxReceiveBytes, toStatus });
}

function leaseHandlers(s: EtcdServer): LeaseHandlers {
  return {
    LeaseGrant: unary(async (req) => {
      const out = await s.leaseGrant(req);
      return { header: s.header(out.revision), ...out.response };
    }),
    LeaseRevoke: unary(async (req) => {
      const out = await s.leaseRevoke(req.ID);
      return { header: s.header(out.revision) };
    }),
    LeaseKeepAlive: (call) => {
      call.on('data', (req: { ID: string }) => {
        s.leaseKeepAlive({ ID: req.ID }).then(
          (res) => call.write(res),
          (err: unknown) => {
            const st = toStatus(err);
            call.emit('error', { code: st.code, details: st.details });
          },
        );
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    },
    LeaseTimeToLive: unary(async (req) => s.leaseTimeToLive(req)),
    LeaseLeases: unary(async () => ({
      header: s.header(),
      leases: s.leaseIds().map((id) => ({ ID: id.toString() })),
    })),
  };
}

function clusterHandlers(s: EtcdServer): ClusterHandlers {
  const list = () => s.members().map(pbMember);
  return {
    MemberAdd: unary(async (req) => {
      const member = await s.memberAdd(req.peerURLs, req.isLearner);
      return { header: s.header(), member: pbMember(member), members: list() };
    }),
    MemberRemove: unary(async (req) => {
      await s.memberRemove(decimalToHex(req.ID));
      return { header: s.header(), members: list() };
    }),
    MemberUpdate: unary(async (req) => {
      await s.memberUpdate(decimalToHex(req.ID), req.peerURLs);
      return { header: s.header(), members: list() };
    }),
    MemberList: unary(async () => ({ header: s.header(), members: list() })),
    MemberPromote: unary(async (req) => {
      await s.memberPromote(decimalToHex(req.ID));
      return { header: s.header(), members: list() };
    }),
  };
}

function maintenanceHandlers(s: EtcdServer): MaintenanceHandlers {
  return {
    Alarm: unary(async () => ({ header: s.header(), alarms: [] })),
    Status: unary(async () => {
      const size = await s.dbSize();
      return {
        header: s.header(),
        version: ETCD_VERSION,
        dbSize: String(size),
        leader: s.leader ? hexToDecimal(s.leader) : '0',
        raftIndex: String(s.lastIndex),
        raftTerm: String(s.raftTerm),
        raftAppliedIndex: String(s.applied),
        errors: [],
        dbSizeInUse: String(size),
        isLearner: s.isLearner,
      };
    }),
    Defragment: unary(async () => ({ header: s.header() })),
    Hash: unary(async () => ({ header: s.header(), hash: s.mvcc.hashKV(0).hash })),
    HashKV: unary(async (req) => {
      try {
        const h = s.mvcc.hashKV(Number(req.revision));
        return { header: s.header(h.hashRevision), hash: h.hash, compact_revision: String(h.compactRevision) };
      } catch (err) {
        throw toEtcdError(err);
      }
    }),
    Snapshot: (call) => {
      // The whole state machine, followed by its sha256 as etcd appends one to its snapshot stream.
      // etcdctl expects the part before the checksum to be whole 512-byte pages (bbolt's), so pad.
      const raw = Buffer.from(s.snapshotBytes());
      const data = Buffer.concat([raw, Buffer.alloc((512 - (raw.length % 512)) % 512)]);
      const digest = createHash('sha256').update(data).digest();
      const all = Buffer.concat([data, digest]);
      const chunk = 32 * 1024;
      for (let off = 0; off < all.length; off += chunk) {
        const blob = all.subarray(off, off + chunk);
        call.write({ header: s.header(), remaining_bytes: String(all.length - off - blob.length), blob });
      }
      call.end();
    },
    MoveLeader: unary(async (req) => {
      await s.moveLeader(decimalToHex(req.targetID));
      return { header: s.header() };
    }),
  };
}

interface ActiveWatch {
  id: string;
  watcher: Watcher;
  prevKv: boolean;
  progressNotify: boolean;
  /** Last revision sent, so the watch can resume on a restored store without a gap. */
  lastRevision: number;
  create: { key: Buffer; rangeEnd: Buffer | undefined; filters: { noPut: boolean; noDelete: boolean } };
  sentSinceProgress: boolean;
}

/** The Watch service (exported for its tests, which drive it with a stand-in stream). */
export function watchHandlers(s: EtcdServer, opts: ClientApiOptions): WatchHandlers {
  return {
    Watch: (call) => {
      const watches = new Map<string, ActiveWatch>();
      let nextId = 0;
      let closed = false;
      const send = (res: Sendable<WatchResponse>): void => {
        if (!closed) call.write(res);
      };

      const startWatch = (w: Omit<ActiveWatch, 'watcher'>, startRevision: number): Watcher => {
        const deliver = (batch: WatchBatch): void => {
          const active = watches.get(w.id);
          if (!active) return;
          if (batch.canceled) {
            watches.delete(w.id);
            send({
              header: s.header(batch.revision),
              watch_id: w.id,
              canceled: true,
              compact_revision: String(batch.compactRevision ?? 0),
              cancel_reason: batch.compactRevision ? Errors.compacted().message : '',
            });
            return;
          }
          if (batch.events.length === 0) return;
          const last = batch.events[batch.events.length - 1];
          if (last) active.lastRevision = last.kv.modRevision;
          active.sentSinceProgress = true;
          send({
            header: s.header(batch.revision),
            watch_id: w.id,
            events: batch.events.map((e) => pbEvent(e, w.prevKv)) as Sendable<WatchResponse>['events'],
          });
        };
        return s.mvcc.watch(
          {
            key: w.create.key,
            rangeEnd: w.create.rangeEnd,
            startRevision,
            prevKv: w.prevKv,
            filters: w.create.filters,
          },
          (batch) => {
            try {
              deliver(batch);
            } catch (err) {
              // The hub cancels a watcher whose sink throws; the client must hear of it, or it
              // would wait on a watch that no longer delivers (it restarts a cancelled one).
              watches.delete(w.id);
              try {
                send({ header: s.header(), watch_id: w.id, canceled: true, cancel_reason: `etcdserver: watch failed: ${err instanceof Error ? err.message : String(err)}` });
              } catch {
                // The stream itself is broken; it ends on its own.
              }
              throw err;
            }
          },
        );
      };

      const onRestored = (): void => {
        for (const w of watches.values()) {
          w.watcher.cancel();
          w.watcher = startWatch(w, w.lastRevision + 1);
        }
      };
      s.on('restored', onRestored);

      const progressTimer = setInterval(() => {
        for (const w of watches.values()) {
          // As etcd: only a watcher that is caught up may claim the current revision.
          if (w.progressNotify && !w.sentSinceProgress && w.watcher.synced) send({ header: s.header(), watch_id: w.id, events: [] });
          w.sentSinceProgress = false;
        }
      }, opts.progressNotifyIntervalMs);
      progressTimer.unref();

      call.on('data', (req: WatchRequest) => {
        if (req.create_request) {
          const cr = req.create_request;
          const requested = Number(cr.watch_id);
          const id = String(requested > 0 ? requested : nextId++);
          if (watches.has(id)) {
            send({ header: s.header(), watch_id: id, created: true, canceled: true, cancel_reason: 'etcdserver: watch ID already exists' });
            return;
          }
          const rangeEnd = cr.range_end.length > 0 ? cr.range_end : undefined;
          const start = Number(cr.start_revision);
          const base = {
            id,
            prevKv: cr.prev_kv,
            progressNotify: cr.progress_notify,
            lastRevision: start > 0 ? start - 1 : s.mvcc.currentRevision,
            create: {
              key: cr.key,
              rangeEnd,
              filters: { noPut: cr.filters.includes('NOPUT'), noDelete: cr.filters.includes('NODELETE') },
            },
            sentSinceProgress: false,
          };
          send({ header: s.header(), watch_id: id, created: true });
          const placeholder = { ...base, watcher: { cancel: () => undefined, id: -1, synced: false } as Watcher };
          watches.set(id, placeholder);
          placeholder.watcher = startWatch(base, start);
        } else if (req.cancel_request) {
          const id = String(Number(req.cancel_request.watch_id));
          const w = watches.get(id);
          if (w) {
            w.watcher.cancel();
            watches.delete(id);
          }
          send({ header: s.header(), watch_id: id, canceled: true });
        } else if (req.progress_request) {
          // The answer promises that every event up to its revision was sent, so (as etcd)
          // it waits until every watch on the stream has caught up.
          const answer = (): void => {
            if (closed) return;
            if ([...watches.values()].every((w) => w.watcher.synced)) send({ header: s.header(), watch_id: '-1' });
            else setTimeout(answer, 1);
          };
          answer();
        }
      });
      const close = (): void => {
        if (closed) return;
        closed = true;
        clearInterval(progressTimer);
        s.off('restored', onRestored);
        for (const w of watches.values()) w.watcher.cancel();
        watches.clear();
      };
      call.on('end', () => {
        close();
        call.end();
      });
      call.on('cancelled', close);
      call.on('error', close);
      call.on('close', close);
    },
  };
}
