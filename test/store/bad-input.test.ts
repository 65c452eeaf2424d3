// Bad input gets etcd's error (same gRPC code and message as real etcd 3.4), and the member
// keeps serving afterwards.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EtcdGrpcClient } from '../../lib/grpc/etcd-proto.js';
import { createEtcdClient } from '../../lib/grpc/etcd-proto.js';
import { StoreCluster } from '../support/store-cluster.js';

let ours: StoreCluster;
let etcd: StoreCluster;
let oursClient: EtcdGrpcClient;
let etcdClient: EtcdGrpcClient;

beforeAll(async () => {
  [ours, etcd] = await Promise.all([StoreCluster.start({ impl: 'store' }), StoreCluster.start({ impl: 'etcd' })]);
  oursClient = createEtcdClient(ours.endpoint(0), undefined, { 'grpc.max_send_message_length': -1 });
  etcdClient = createEtcdClient(etcd.endpoint(0), undefined, { 'grpc.max_send_message_length': -1 });
}, 60_000);

afterAll(async () => {
  oursClient?.close();
  etcdClient?.close();
  await Promise.all([ours?.destroy(), etcd?.destroy()]);
});

interface Outcome {
  code: number;
  details: string;
}

async function outcome(p: Promise<unknown>): Promise<Outcome> {
  try {
    await p;
    return { code: 0, details: '' };
  } catch (err) {
    const e = err as grpc.ServiceError;
    return { code: e.code, details: e.details };
  }
}

/** Runs the same call against both and expects the same error; returns ours. */
async function sameError(call: (c: EtcdGrpcClient) => Promise<unknown>): Promise<Outcome> {
  const [a, b] = await Promise.all([outcome(call(oursClient)), outcome(call(etcdClient))]);
  expect(a).toEqual(b);
  return a;
}

async function stillServing(): Promise<void> {
  const key = Buffer.from(`alive-${Date.now()}`);
  await oursClient.KV.Put({ key, value: Buffer.from('yes') });
  const got = await oursClient.KV.Range({ key });
  expect(got.kvs[0]?.value.toString()).toBe('yes');
}

describe('bad input', () => {
  it('a value over the request size limit (1.5 MiB) is refused with "request is too large"', async () => {
    const big = Buffer.alloc(1.6 * 1024 * 1024, 1);
    const r = await sameError((c) => c.KV.Put({ key: Buffer.from('big'), value: big }));
    expect(r).toEqual({ code: grpc.status.INVALID_ARGUMENT, details: 'etcdserver: request is too large' });
    await stillServing();
  });

  it('a message over the gRPC limit is refused by the transport', async () => {
    const huge = Buffer.alloc(3 * 1024 * 1024, 1);
    const r = await outcome(oursClient.KV.Put({ key: Buffer.from('huge'), value: huge }));
    expect(r.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    await stillServing();
  });

  it('an unknown lease', async () => {
    const r = await sameError((c) => c.KV.Put({ key: Buffer.from('k'), value: Buffer.from('v'), lease: '1234' }));
    expect(r).toEqual({ code: grpc.status.NOT_FOUND, details: 'etcdserver: requested lease not found' });
    const revoke = await sameError((c) => c.Lease.LeaseRevoke({ ID: '999' }));
    expect(revoke.details).toBe('etcdserver: requested lease not found');
    await stillServing();
  });

  it('a txn with too many operations, and one with a duplicate key', async () => {
    const ops = Array.from({ length: 129 }, (_v, i) => ({ request_put: { key: Buffer.from(`t${i}`), value: Buffer.from('v') } }));
    const r = await sameError((c) => c.KV.Txn({ success: ops }));
    expect(r).toEqual({ code: grpc.status.INVALID_ARGUMENT, details: 'etcdserver: too many operations in txn request' });
    const dup = await sameError((c) =>
      c.KV.Txn({
        success: [
          { request_put: { key: Buffer.from('d'), value: Buffer.from('1') } },
          { request_put: { key: Buffer.from('d'), value: Buffer.from('2') } },
        ],
      }),
    );
    expect(dup.details).toBe('etcdserver: duplicate key given in txn request');
    await stillServing();
  });

  it('an empty key, ignore_value with a value, and a future revision', async () => {
    expect((await sameError((c) => c.KV.Put({ key: Buffer.alloc(0), value: Buffer.from('v') }))).details).toBe(
      'etcdserver: key is not provided',
    );
    expect((await sameError((c) => c.KV.Range({ key: Buffer.alloc(0) }))).details).toBe('etcdserver: key is not provided');
    expect(
      (await sameError((c) => c.KV.Put({ key: Buffer.from('x'), value: Buffer.from('v'), ignore_value: true }))).details,
    ).toBe('etcdserver: value is provided');
    expect((await sameError((c) => c.KV.Put({ key: Buffer.from('nokey'), ignore_value: true }))).details).toBe(
      'etcdserver: key not found',
    );
    expect((await sameError((c) => c.KV.Range({ key: Buffer.from('x'), revision: 1_000_000 }))).details).toBe(
      'etcdserver: mvcc: required revision is a future revision',
    );
    expect((await sameError((c) => c.KV.Compact({ revision: 1_000_000 }))).details).toBe(
      'etcdserver: mvcc: required revision is a future revision',
    );
    expect((await sameError((c) => c.Lease.LeaseGrant({ TTL: 9_000_000_001 }))).details).toBe('etcdserver: too large lease TTL');
    await stillServing();
  });

  it('malformed protobuf bytes are refused without harming the member', async () => {
    const raw = new grpc.Client(ours.endpoint(0), grpc.credentials.createInsecure());
    const r = await new Promise<Outcome>((resolve) => {
      raw.makeUnaryRequest(
        '/etcdserverpb.KV/Put',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
        (err) => resolve(err ? { code: err.code, details: err.details } : { code: 0, details: '' }),
      );
    });
    raw.close();
    expect(r.code).toBe(grpc.status.INTERNAL);
    await stillServing();
  });
});
