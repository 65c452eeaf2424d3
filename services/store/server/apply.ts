// Applies one replicated request to the state machine (MVCC store + lease table). Runs the
// same way on every member, in log order, so it must be deterministic: everything it decides
// comes from the request and the state, never from this member's clock or role.
import type {
  Compare,
  DeleteRangeRequest,
  DeleteRangeResponse,
  KeyValue as PbKeyValue,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseOp,
  Sendable,
  TxnRequest,
  TxnResponse,
} from '../../../lib/grpc/etcd-proto.js';

/** A response as apply produces it: the header is added by whoever answers the client. */
export type Body<T> = Sendable<Omit<T, 'header'>>;
import type { KeyValue, MvccStore, MvccWriteTxn, RangeOptions } from '../mvcc/index.js';
import { EtcdError, Errors } from './errors.js';
import type { Lessor } from './lessor.js';

export function toPbKeyValue(kv: KeyValue): PbKeyValue {
  return {
    key: kv.key,
    create_revision: String(kv.createRevision),
    mod_revision: String(kv.modRevision),
    version: String(kv.version),
    value: kv.value,
    lease: kv.lease.toString(),
  };
}

const num = (s: string | number | undefined): number => (s === undefined ? 0 : Number(s));
// BigInt('0') allocates a fresh heap BigInt, and each stored revision keeps its lease: share
// the literal for the commonest case, a put without a lease.
const leaseOf = (s: string | undefined): bigint => (s === undefined || s === '' || s === '0' ? 0n : BigInt(s));
const rangeEndOf = (b: Buffer | undefined): Buffer | undefined => (b && b.length > 0 ? b : undefined);

export function rangeOptions(req: RangeRequest): RangeOptions {
  return {
    revision: num(req.revision),
    limit: num(req.limit),
    countOnly: req.count_only,
    keysOnly: req.keys_only,
    sortOrder: req.sort_order,
    sortTarget: req.sort_target,
    minModRevision: num(req.min_mod_revision),
    maxModRevision: num(req.max_mod_revision),
    minCreateRevision: num(req.min_create_revision),
    maxCreateRevision: num(req.max_create_revision),
  };
}

interface Reader {
  range: MvccStore['range'];
}

/** A read against the store (or inside a txn, against its own writes). */
export function applyRange(reader: Reader, req: RangeRequest): Body<RangeResponse> {
  const res = reader.range(req.key, rangeEndOf(req.range_end), rangeOptions(req));
  return { kvs: res.kvs.map(toPbKeyValue), more: res.more, count: String(res.count) };
}

export class Applier {
  constructor(
    private readonly mvcc: () => MvccStore,
    private readonly lessor: () => Lessor,
  ) {}

  put(req: PutRequest): Body<PutResponse> {
    this.checkPut(this.mvcc(), req);
    const txn = this.mvcc().write();
    const res = this.putIn(txn, req);
    txn.end();
    return res;
  }

  deleteRange(req: DeleteRangeRequest): Body<DeleteRangeResponse> {
    const txn = this.mvcc().write();
    const res = this.deleteIn(txn, req);
    txn.end();
    return res;
  }

  txn(req: TxnRequest): Body<TxnResponse> {
    const mvcc = this.mvcc();
    const succeeded = req.compare.every((c) => compareHolds(mvcc, c));
    const ops = succeeded ? req.success : req.failure;
    // Check every op before writing anything, so a failing txn changes nothing (as etcd does).
    this.checkOps(mvcc, ops);
    const txn = mvcc.write();
    const responses = this.opsIn(txn, ops);
    txn.end();
    return { succeeded, responses };
  }

  leaseRevoke(id: bigint): void {
    const keys = this.lessor().revoke(id);
    if (keys === undefined) throw Errors.leaseNotFound();
    if (keys.length === 0) return;
    const txn = this.mvcc().write();
    for (const key of keys) txn.deleteRange(key, undefined);
    txn.end();
  }

  private checkPut(reader: Reader, req: PutRequest): void {
    const lease = leaseOf(req.lease);
    if (lease !== 0n && !this.lessor().lookup(lease)) throw Errors.leaseNotFound();
    if (req.ignore_value || req.ignore_lease) {
      const existing = reader.range(req.key, undefined, {});
      if (existing.kvs.length === 0) throw Errors.keyNotFound();
    }
  }

  private checkOps(mvcc: MvccStore, ops: RequestOp[]): void {
    for (const op of ops) {
      if (op.request_put) this.checkPut(mvcc, op.request_put);
      else if (op.request_txn) {
        const nested = op.request_txn;
        const holds = nested.compare.every((c) => compareHolds(mvcc, c));
        this.checkOps(mvcc, holds ? nested.success : nested.failure);
      }
    }
  }

  private putIn(txn: MvccWriteTxn, req: PutRequest): Body<PutResponse> {
    let value = req.value;
    let lease = leaseOf(req.lease);
    if (req.ignore_value || req.ignore_lease) {
      const prev = txn.range(req.key, undefined, {}).kvs[0];
      if (!prev) throw Errors.keyNotFound();
      if (req.ignore_value) value = prev.value;
      if (req.ignore_lease) lease = prev.lease;
    }
    const { prevKv } = txn.put(req.key, value, lease);
    const lessor = this.lessor();
    if (prevKv && prevKv.lease !== 0n && prevKv.lease !== lease) lessor.detach(prevKv.lease, req.key);
    if (lease !== 0n) lessor.attach(lease, req.key);
    return req.prev_kv && prevKv ? { prev_kv: toPbKeyValue(prevKv) } : {};
  }

  private deleteIn(txn: MvccWriteTxn, req: DeleteRangeRequest): Body<DeleteRangeResponse> {
    const deleted = txn.deleteRange(req.key, rangeEndOf(req.range_end));
    const lessor = this.lessor();
    for (const kv of deleted) if (kv.lease !== 0n) lessor.detach(kv.lease, kv.key);
    return {
      deleted: String(deleted.length),
      prev_kvs: req.prev_kv ? deleted.map(toPbKeyValue) : [],
    };
  }

  private opsIn(txn: MvccWriteTxn, ops: RequestOp[]): Sendable<ResponseOp>[] {
    return ops.map((op): Sendable<ResponseOp> => {
      if (op.request_range) return { response_range: applyRange(txn, op.request_range) };
      if (op.request_put) return { response_put: this.putIn(txn, op.request_put) };
      if (op.request_delete_range) return { response_delete_range: this.deleteIn(txn, op.request_delete_range) };
      if (op.request_txn) {
        const nested = op.request_txn;
        const succeeded = nested.compare.every((c) => compareHolds(txn, c));
        return { response_txn: { succeeded, responses: this.opsIn(txn, succeeded ? nested.success : nested.failure) } };
      }
      throw new EtcdError(3, 'etcdserver: unknown request op');
    });
  }
}

function compareHolds(reader: Reader, c: Compare): boolean {
  const kvs = reader.range(c.key, rangeEndOf(c.range_end), {}).kvs;
  // As etcd: a missing key compares as version/create/mod/lease 0, but a VALUE compare on a
  // missing key always fails (an empty value and no value cannot be told apart on the wire).
  if (kvs.length === 0) return compareOne(undefined, c);
  return kvs.every((kv) => compareOne(kv, c));
}

function compareOne(kv: KeyValue | undefined, c: Compare): boolean {
  let cmp: number;
  switch (c.target) {
    case 'VALUE': {
      if (!kv) return false;
      cmp = Buffer.compare(kv.value, c.value ?? Buffer.alloc(0));
      break;
    }
    case 'VERSION':
      cmp = Math.sign((kv?.version ?? 0) - num(c.version));
      break;
    case 'CREATE':
      cmp = Math.sign((kv?.createRevision ?? 0) - num(c.create_revision));
      break;
    case 'MOD':
      cmp = Math.sign((kv?.modRevision ?? 0) - num(c.mod_revision));
      break;
    case 'LEASE': {
      const a = kv?.lease ?? 0n;
      const b = leaseOf(c.lease);
      cmp = a < b ? -1 : a > b ? 1 : 0;
      break;
    }
    default:
      return false;
  }
  switch (c.result) {
    case 'EQUAL':
      return cmp === 0;
    case 'GREATER':
      return cmp > 0;
    case 'LESS':
      return cmp < 0;
    case 'NOT_EQUAL':
      return cmp !== 0;
    default:
      return false;
  }
}
