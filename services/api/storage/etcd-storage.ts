// The API server's only door to the store: etcd v3 KV and Watch over gRPC. Objects are stored
// as JSON under /registry/...; an object's resourceVersion is the key's mod_revision. Writes
// use transactions comparing mod_revision (optimistic concurrency), as kube-apiserver does.
import * as grpc from '@grpc/grpc-js';
import { createEtcdClient } from '../../../lib/grpc/etcd-proto.js';
import type { EtcdGrpcClient, KeyValue, TxnResponse, WatchResponse } from '../../../lib/grpc/etcd-proto.js';
import { LeaseManager } from './lease-manager.js';

export interface StoredValue {
  key: string;
  value: Buffer;
  modRevision: number;
  createRevision: number;
}

export interface ListResult {
  items: StoredValue[];
  /** The store revision the list was read at. */
  revision: number;
  /** More keys follow the last one returned (limit reached). */
  more: boolean;
  /** Keys left after this page (when more). */
  remaining: number;
}

/** Write options: ttlSeconds attaches the key to a store lease, so the store deletes it after that long (Events). */
export interface WriteOptions {
  ttlSeconds?: number;
}

export type WriteResult = { ok: true; revision: number; value?: StoredValue } | { ok: false; reason: 'exists' | 'conflict' | 'not-found'; current?: StoredValue };

export interface StorageEvent {
  type: 'put' | 'delete';
  key: string;
  /** The new value (put) or undefined (delete). */
  value?: Buffer;
  prevValue?: Buffer;
  /** The revision of this change. */
  revision: number;
  createRevision: number;
}

export interface StoreWatch {
  cancel(): void;
  requestProgress(): void;
}

export interface WatchHandlers {
  onEvents(events: StorageEvent[], headerRevision: number): void;
  /** The watch ended: compacted (start revision too old) or the stream failed. */
  onEnd(reason: { compacted?: number; error?: Error }): void;
}

/** Thrown when a read names a revision the store has compacted. */
export class RevisionCompactedError extends Error {
  override readonly name = 'RevisionCompactedError';
  constructor(readonly requested: number, readonly compactRevision: number) {
    super(`required revision ${requested} has been compacted (compact revision ${compactRevision})`);
  }
}

/** The store could not be reached or refused the request for a reason other than the data. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');

/** The key just past every key with this prefix (etcd's range_end for a prefix). */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix, 'utf8');
  for (let i = b.length - 1; i >= 0; i--) {
    const byte = b[i] ?? 0;
    if (byte < 0xff) {
      const end = Buffer.from(b.subarray(0, i + 1));
      end[i] = byte + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}

function toStored(kv: KeyValue): StoredValue {
  return { key: kv.key.toString('utf8'), value: kv.value, modRevision: Number(kv.mod_revision), createRevision: Number(kv.create_revision) };
}

function grpcCode(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'number' ? err.code : undefined;
}

function compactedRevisionOf(err: unknown): boolean {
  return err instanceof Error && err.message.includes('required revision has been compacted');
}

function leaseNotFound(err: unknown): boolean {
  return err instanceof Error && err.message.includes('requested lease not found');
}

export class EtcdStorage {
  private readonly client: EtcdGrpcClient;
  private readonly leases = new LeaseManager({
    grant: async (ttl) => (await this.retrying('lease grant', () => this.client.Lease.LeaseGrant({ TTL: String(ttl), ID: '0' }, this.deadline()))).ID,
    now: () => Date.now(),
  });

  /** endpoints: "host:port" of the store members; requests go to any reachable one. */
  constructor(endpoints: readonly string[]) {
    const target = `ipv4:${endpoints.join(',')}`;
    this.client = createEtcdClient(
      target,
      grpc.credentials.createInsecure(),
      {
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 1000,
        'grpc.max_receive_message_length': 64 * 1024 * 1024,
        'grpc.max_send_message_length': 8 * 1024 * 1024,
      },
      // Reads and compare-and-swaps skip grpc-js' per-call machinery (lib/grpc/h2-unary.ts):
      // under a scheduler's bind burst it was a fifth of this server's CPU. Watches stay on grpc-js.
      { unaryEndpoints: endpoints },
    );
  }

  close(): void {
    this.client.close();
  }

  /**
   * Requests are retried while the store is unavailable (a leader change), for a bounded time. A
   * write that failed that way may still have been applied (the reply was lost), so before trying
   * it again `applied` looks whether the store already holds what the write would have left.
   */
  private async retrying<T>(what: string, fn: () => Promise<T>, applied?: () => Promise<T | undefined>, attempts = 30): Promise<T> {
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      try {
        if (i > 0 && applied) {
          const done = await applied().catch(() => undefined);
          if (done !== undefined) return done;
        }
        return await fn();
      } catch (err) {
        if (compactedRevisionOf(err)) throw err;
        const code = grpcCode(err);
        const transient = code === grpc.status.UNAVAILABLE || code === grpc.status.DEADLINE_EXCEEDED || (err instanceof Error && /leader changed|no leader|timed out/.test(err.message));
        if (!transient) throw new StorageUnavailableError(`${what}: ${err instanceof Error ? err.message : String(err)}`, err);
        last = err;
        await new Promise((r) => setTimeout(r, Math.min(100 * (i + 1), 500)));
      }
    }
    throw new StorageUnavailableError(`${what}: store unavailable: ${last instanceof Error ? last.message : String(last)}`, last);
  }

  private deadline(ms = 10_000): { deadline: Date } {
    return { deadline: new Date(Date.now() + ms) };
  }

  async get(key: string): Promise<StoredValue | undefined> {
    const res = await this.retrying('get', () => this.client.KV.Range({ key: enc(key) }, this.deadline()));
    const kv = res.kvs[0];
    return kv ? toStored(kv) : undefined;
  }

  /** The store's current revision (a linearizable read). */
  async currentRevision(): Promise<number> {
    const res = await this.retrying('revision', () => this.client.KV.Range({ key: enc('/registry/'), count_only: true }, this.deadline()));
    return Number(res.header?.revision ?? 0);
  }

  /** Keys from startKey (inclusive) up to the prefix's end, at revision (0 = now), at most limit (0 = all). */
  async list(prefix: string, opts: { startKey?: string; limit?: number; revision?: number } = {}): Promise<ListResult> {
    const limit = opts.limit ?? 0;
    try {
      const res = await this.retrying('list', () =>
        this.client.KV.Range(
          { key: enc(opts.startKey ?? prefix), range_end: prefixEnd(prefix), limit: limit > 0 ? limit : 0, revision: opts.revision ?? 0 },
          this.deadline(30_000),
        ),
      );
      const items = res.kvs.map(toStored);
      return { items, revision: Number(res.header?.revision ?? 0), more: res.more, remaining: res.more ? Number(res.count) - items.length : 0 };
    } catch (err) {
      if (compactedRevisionOf(err)) throw new RevisionCompactedError(opts.revision ?? 0, 0);
      throw err;
    }
  }

  /** A Txn reply standing for our own write, when the key holds exactly `value` (a lost reply's write). */
  private async holds(key: string, value: Buffer): Promise<TxnResponse | undefined> {
    const kv = (await this.client.KV.Range({ key: enc(key) }, this.deadline(2_000))).kvs[0];
    if (!kv || !Buffer.from(kv.value).equals(value)) return undefined;
    return { succeeded: true, header: { cluster_id: '0', member_id: '0', revision: kv.mod_revision, raft_term: '0' }, responses: [] };
  }

  async create(key: string, value: Buffer, opts: WriteOptions = {}): Promise<WriteResult> {
    const res = await this.withLease(opts, (lease) =>
      this.retrying('create', () =>
        this.client.KV.Txn(
          {
            compare: [{ key: enc(key), target: 'MOD', result: 'EQUAL', mod_revision: 0 }],
            success: [{ request_put: { key: enc(key), value, lease } }],
            failure: [],
          },
          this.deadline(),
        ),
        () => this.holds(key, value),
      ),
    );
    if (!res.succeeded) return { ok: false, reason: 'exists' };
    return { ok: true, revision: Number(res.header?.revision ?? 0) };
  }

  /** Replaces key's value if its mod_revision is still expected; otherwise returns the current value. */
  async update(key: string, value: Buffer, expectedRevision: number, opts: WriteOptions = {}): Promise<WriteResult> {
    const res = await this.withLease(opts, (lease) =>
      this.retrying('update', () =>
        this.client.KV.Txn(
          {
            compare: [{ key: enc(key), target: 'MOD', result: 'EQUAL', mod_revision: expectedRevision }],
            success: [{ request_put: { key: enc(key), value, lease } }],
            failure: [{ request_range: { key: enc(key) } }],
          },
          this.deadline(),
        ),
        () => this.holds(key, value),
      ),
    );
    if (res.succeeded) return { ok: true, revision: Number(res.header?.revision ?? 0) };
    const kv = res.responses[0]?.response_range?.kvs[0];
    return kv ? { ok: false, reason: 'conflict', current: toStored(kv) } : { ok: false, reason: 'not-found' };
  }

  /**
   * Runs a write with the lease its TTL asks for ('0': none). Every write of such a key attaches
   * a lease again, so an update restarts the TTL, as in Kubernetes. A lease the store no longer
   * has (revoked, or expired early after a long stall) is dropped and the write tried once more.
   */
  private async withLease<T>(opts: WriteOptions, write: (lease: string) => Promise<T>): Promise<T> {
    if (opts.ttlSeconds === undefined) return write('0');
    const lease = await this.leases.lease(opts.ttlSeconds);
    try {
      return await write(lease);
    } catch (err) {
      if (!leaseNotFound(err)) throw err;
      this.leases.forget(lease);
      return write(await this.leases.lease(opts.ttlSeconds));
    }
  }

  /** Deletes key if its mod_revision is still expected (0 = whatever it is). */
  async delete(key: string, expectedRevision: number): Promise<WriteResult> {
    const compare = expectedRevision > 0 ? [{ key: enc(key), target: 'MOD' as const, result: 'EQUAL' as const, mod_revision: expectedRevision }] : [{ key: enc(key), target: 'MOD' as const, result: 'GREATER' as const, mod_revision: 0 }];
    const res = await this.retrying('delete', () =>
      this.client.KV.Txn(
        {
          compare,
          success: [{ request_delete_range: { key: enc(key), prev_kv: true } }],
          failure: [{ request_range: { key: enc(key) } }],
        },
        this.deadline(),
      ),
    );
    if (res.succeeded) {
      const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
      return prev ? { ok: true, revision: Number(res.header?.revision ?? 0), value: toStored(prev) } : { ok: false, reason: 'not-found' };
    }
    const kv = res.responses[0]?.response_range?.kvs[0];
    return kv ? { ok: false, reason: 'conflict', current: toStored(kv) } : { ok: false, reason: 'not-found' };
  }

  /**
   * Watches every key under prefix from startRevision (inclusive), with previous values.
   * onEnd is called once, unless cancelled. requestProgress() asks the store to report its
   * current revision on the stream once every earlier event has been sent (onEvents([], rev)).
   */
  watch(prefix: string, startRevision: number, handlers: WatchHandlers): StoreWatch {
    const stream = this.client.Watch.Watch();
    let ended = false;
    const end = (reason: { compacted?: number; error?: Error }): void => {
      if (ended) return;
      ended = true;
      stream.cancel();
      handlers.onEnd(reason);
    };
    stream.on('data', (res: WatchResponse) => {
      if (ended) return;
      if (res.canceled) {
        const compacted = Number(res.compact_revision);
        end(compacted > 0 ? { compacted } : { error: new Error(`store watch cancelled: ${res.cancel_reason}`) });
        return;
      }
      // The creation answer carries the member's current revision, not how far this watch has
      // got: events from the start revision up to it are still to come.
      if (res.created) return;
      const rev = Number(res.header?.revision ?? 0);
      if (res.events.length === 0) {
        handlers.onEvents([], rev); // a progress notification
        return;
      }
      const events: StorageEvent[] = res.events.map((e) => {
        const kv = e.kv;
        return {
          type: e.type === 'DELETE' ? 'delete' : 'put',
          key: kv ? kv.key.toString('utf8') : '',
          value: e.type === 'DELETE' ? undefined : kv?.value,
          prevValue: e.prev_kv?.value,
          revision: Number(kv?.mod_revision ?? 0),
          createRevision: Number(kv?.create_revision ?? 0),
        };
      });
      handlers.onEvents(events, rev);
    });
    stream.on('error', (err: Error) => {
      if (grpcCode(err) === grpc.status.CANCELLED && ended) return;
      end({ error: err });
    });
    stream.on('end', () => end({ error: new Error('store watch stream ended') }));
    stream.write({ create_request: { key: enc(prefix), range_end: prefixEnd(prefix), start_revision: startRevision, prev_kv: true, progress_notify: true } });
    return {
      cancel: () => {
        ended = true;
        stream.cancel();
      },
      requestProgress: () => {
        if (!ended) stream.write({ progress_request: {} });
      },
    };
  }
}
