// Wire compatibility of proto/etcd/** (loaded by lib/grpc/etcd-proto.ts) with a
// REAL etcd 3.4 server: /usr/bin/etcd (Debian etcd-server) is started as a
// child process on loopback, and a grpc-js client built from OUR protos talks
// to it. The decoded responses are checked field by field, including their
// exact key sets (so ./etcd-types.ts matches what proto-loader produces).
//
// The tests in the "real etcd" block run in order and share one fresh etcd:
// store revisions are therefore deterministic (a new store is at revision 1).
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addEtcdService,
  ETCD_SERVICE_METHODS,
  ETCD_SERVICE_NAMES,
  createEtcdClient,
  etcdMethodPath,
  etcdProtoDir,
  etcdService,
  loadEtcdProto,
  protoRoot,
} from './etcd-proto.js';
import type {
  EtcdGrpcClient,
  Event,
  KeyValue,
  KVHandlers,
  LeaseKeepAliveResponse,
  Member,
  RangeRequest,
  ResponseHeader,
  SnapshotResponse,
  WatchResponse,
} from './etcd-proto.js';

const ETCD_BIN = '/usr/bin/etcd';
const ETCDCTL_BIN = '/usr/bin/etcdctl';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const b = (s: string): Buffer => Buffer.from(s);

/** range_end selecting every key with the given prefix. */
function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    const byte = end[i];
    if (byte !== undefined && byte < 0xff) {
      end[i] = byte + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** Asserts that a decoded message has exactly the listed fields (no more, no fewer). */
function expectFields<M extends object>(msg: M | null | undefined, fields: { [K in keyof M]-?: true }): void {
  expect(msg).toBeTruthy();
  expect(Object.keys(msg ?? {}).sort()).toEqual(Object.keys(fields).sort());
}

const HEADER_FIELDS = { cluster_id: true, member_id: true, revision: true, raft_term: true } as const;
const KV_FIELDS = {
  key: true,
  create_revision: true,
  mod_revision: true,
  version: true,
  value: true,
  lease: true,
} as const;

function expectHeader(header: ResponseHeader | null, revision?: string): ResponseHeader {
  expectFields<ResponseHeader>(header, HEADER_FIELDS);
  if (header === null) throw new Error('header is null');
  expect(header.cluster_id).toMatch(/^[1-9]\d*$/);
  expect(header.member_id).toMatch(/^[1-9]\d*$/);
  expect(header.raft_term).toMatch(/^[1-9]\d*$/);
  if (revision !== undefined) expect(header.revision).toBe(revision);
  return header;
}

function kvPlain(kv: KeyValue | null | undefined): Record<string, string> | null {
  if (kv === null || kv === undefined) return null;
  expectFields<KeyValue>(kv, KV_FIELDS);
  expect(Buffer.isBuffer(kv.key)).toBe(true);
  expect(Buffer.isBuffer(kv.value)).toBe(true);
  return {
    key: kv.key.toString(),
    value: kv.value.toString(),
    create_revision: kv.create_revision,
    mod_revision: kv.mod_revision,
    version: kv.version,
    lease: kv.lease,
  };
}

/** Buffers a gRPC stream's messages so tests can wait for specific ones. */
class MessageQueue<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private ended = false;

  constructor(stream: NodeJS.EventEmitter) {
    stream.on('data', (msg: T) => {
      this.items.push(msg);
      this.wake?.();
    });
    stream.on('error', (err: Error) => {
      this.failure = err;
      this.wake?.();
    });
    stream.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  async take(what: string, pred: (msg: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.items.findIndex(pred);
      if (i >= 0) return this.items.splice(i, 1)[0] as T;
      if (this.failure) throw this.failure;
      if (this.ended) throw new Error(`stream ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; buffered: ${JSON.stringify(this.items)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  get buffered(): readonly T[] {
    return this.items;
  }
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const server = createServer();
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return server;
    }),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

async function tcpReachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------
// Loader (no server needed)
// ---------------------------------------------------------------------------

describe('loadEtcdProto', () => {
  it('finds the protos from the repo root and loads them once', () => {
    expect(existsSync(join(protoRoot(), 'etcd', 'etcdserverpb', 'rpc.proto'))).toBe(true);
    expect(etcdProtoDir()).toBe(join(protoRoot(), 'etcd'));
    expect(loadEtcdProto()).toBe(loadEtcdProto());
  });

  it('exposes every service with the methods and streaming kinds of etcd 3.4', () => {
    const pkg = loadEtcdProto();
    const streaming: Record<string, string> = {};
    for (const name of ETCD_SERVICE_NAMES) {
      expect(pkg[name].serviceName).toBe(name);
      const service = etcdService(name);
      expect(Object.keys(service)).toEqual([...ETCD_SERVICE_METHODS[name]]);
      for (const [method, def] of Object.entries(service)) {
        expect(def.path).toBe(etcdMethodPath(name, method as never));
        if (def.requestStream || def.responseStream) {
          streaming[def.path] = `${def.requestStream ? 'stream' : 'unary'}->${def.responseStream ? 'stream' : 'unary'}`;
        }
      }
    }
    expect(streaming).toEqual({
      '/etcdserverpb.Watch/Watch': 'stream->stream',
      '/etcdserverpb.Lease/LeaseKeepAlive': 'stream->stream',
      '/etcdserverpb.Maintenance/Snapshot': 'unary->stream',
    });
  });

  it('decodes int64 beyond 2^53 exactly as decimal strings', () => {
    const def = etcdService('Lease')['LeaseGrant'];
    if (!def) throw new Error('LeaseGrant missing');
    const bytes = def.responseSerialize({ ID: '9223372036854775807', TTL: 5 });
    expect(def.responseDeserialize(bytes)).toEqual({ header: null, ID: '9223372036854775807', TTL: '5', error: '' });
  });
});

describe('addEtcdService + createEtcdClient (our own server)', () => {
  it('round-trips typed handlers: decoded requests in, Sendable responses out', async () => {
    const server = new grpc.Server();
    const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<never>): void =>
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'not here' });
    const seen: RangeRequest[] = [];
    const handlers: KVHandlers = {
      Range: (call, callback) => {
        seen.push(call.request);
        callback(null, {
          header: { cluster_id: '18446744073709551615', member_id: 1, revision: '7', raft_term: 2 },
          kvs: [{ key: call.request.key, value: b('v'), create_revision: 3, mod_revision: '7', version: 2 }],
          count: 1,
        });
      },
      Put: unimplemented,
      DeleteRange: unimplemented,
      Txn: unimplemented,
      Compact: unimplemented,
    };
    addEtcdService(server, 'KV', handlers);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    const c = createEtcdClient(`127.0.0.1:${port}`);
    try {
      const res = await c.KV.Range({ key: b('/x'), limit: 5, sort_order: 'DESCEND' });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ key: b('/x'), range_end: b(''), limit: '5', sort_order: 'DESCEND', revision: '0' });
      expect(res).toEqual({
        header: { cluster_id: '18446744073709551615', member_id: '1', revision: '7', raft_term: '2' },
        kvs: [{ key: b('/x'), value: b('v'), create_revision: '3', mod_revision: '7', version: '2', lease: '0' }],
        more: false,
        count: '1',
      });
      await expect(c.KV.Put({ key: b('/x') })).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    } finally {
      c.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    }
  });
});

// ---------------------------------------------------------------------------
// Real etcd 3.4
// ---------------------------------------------------------------------------

describe('wire compatibility with a real etcd 3.4 server', () => {
  let etcd: ChildProcess | undefined;
  let etcdOutput = '';
  let dataDir: string | undefined;
  let client: EtcdGrpcClient;
  let clientUrl = '';
  let peerUrl = '';
  let endpoint = '';

  const etcdctl = (...args: string[]): string => {
    if (!existsSync(ETCDCTL_BIN)) throw new Error(`${ETCDCTL_BIN} not found: install Debian's etcd-client (3.4)`);
    return execFileSync(ETCDCTL_BIN, ['--endpoints', endpoint, ...args], {
      env: { ...process.env, ETCDCTL_API: '3' },
      encoding: 'utf8',
      timeout: 5000,
    });
  };

  beforeAll(async () => {
    if (!existsSync(ETCD_BIN)) {
      throw new Error(
        `${ETCD_BIN} not found: these wire-compatibility tests need a real etcd 3.4 (Debian package etcd-server)`,
      );
    }
    dataDir = mkdtempSync(join(tmpdir(), 'etcd-proto-test-'));
    // etcd refuses to start when ETCD_* variables shadow flags; start it clean.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD')));
    const deadline = Date.now() + 15_000;
    let child: ChildProcess | undefined;
    const exited = (): boolean => child === undefined || child.exitCode !== null || child.signalCode !== null;
    // Ports are probed free and then handed to etcd; if another process grabs
    // one in between, etcd exits with "address already in use": retry.
    for (let attempt = 1; ; attempt++) {
      const [clientPort, peerPort] = await freePorts(2);
      if (clientPort === undefined || peerPort === undefined) throw new Error('no free ports');
      clientUrl = `http://127.0.0.1:${clientPort}`;
      peerUrl = `http://127.0.0.1:${peerPort}`;
      endpoint = `127.0.0.1:${clientPort}`;
      etcdOutput = '';
      child = spawn(
        ETCD_BIN,
        [
          '--name=default',
          `--data-dir=${join(dataDir, `data-${attempt}`)}`,
          `--listen-client-urls=${clientUrl}`,
          `--advertise-client-urls=${clientUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=default=${peerUrl}`,
          '--heartbeat-interval=20',
          '--election-timeout=200',
          '--logger=zap',
          '--log-level=error',
        ],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      etcd = child;
      const collect = (chunk: Buffer): void => {
        if (etcdOutput.length < 20_000) etcdOutput += chunk.toString();
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      while (!exited() && !(await tcpReachable(clientPort))) {
        if (Date.now() > deadline) throw new Error(`etcd did not listen on ${clientUrl}:\n${etcdOutput}`);
        await sleep(50);
      }
      if (!exited()) break;
      if (attempt >= 3 || !etcdOutput.includes('address already in use')) {
        throw new Error(`etcd exited (${child.exitCode ?? child.signalCode}):\n${etcdOutput}`);
      }
    }
    client = createEtcdClient(endpoint);
    for (;;) {
      try {
        const status = await client.Maintenance.Status({}, { deadline: Date.now() + 1000 });
        if (status.leader !== '0') break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (exited()) throw new Error(`etcd exited:\n${etcdOutput}`);
      if (Date.now() > deadline) throw new Error(`etcd elected no leader:\n${etcdOutput}`);
      await sleep(50);
    }
  }, 20_000);

  afterAll(async () => {
    client?.close();
    const child = etcd;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exit = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    }
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }, 10_000);

  // Status first: a new store is at revision 1.
  it('Maintenance.Status', async () => {
    const status = await client.Maintenance.Status({});
    expectFields(status, {
      header: true,
      version: true,
      dbSize: true,
      leader: true,
      raftIndex: true,
      raftTerm: true,
      raftAppliedIndex: true,
      errors: true,
      dbSizeInUse: true,
      isLearner: true,
    });
    const header = expectHeader(status.header, '1');
    expect(status.version).toMatch(/^3\.4\.\d+$/);
    expect(status.leader).toBe(header.member_id);
    expect(status.raftTerm).toBe(header.raft_term);
    expect(Number(status.dbSize)).toBeGreaterThan(0);
    expect(Number(status.dbSizeInUse)).toBeGreaterThan(0);
    expect(status.errors).toEqual([]);
    expect(status.isLearner).toBe(false);
    // uint64 IDs routinely exceed 2^53; compare with etcdctl's exact output.
    const json = etcdctl('endpoint', 'status', '-w', 'json');
    expect(json).toContain(`"member_id":${header.member_id},`);
    expect(json).toContain(`"cluster_id":${header.cluster_id},`);
  });

  it('KV.Put with prev_kv', async () => {
    const first = await client.KV.Put({ key: b('/k/1'), value: b('v1'), prev_kv: true });
    expectFields(first, { header: true, prev_kv: true });
    expectHeader(first.header, '2');
    expect(first.prev_kv).toBeNull();

    const second = await client.KV.Put({ key: b('/k/1'), value: b('v2'), prev_kv: true });
    expectHeader(second.header, '3');
    expect(kvPlain(second.prev_kv)).toEqual({
      key: '/k/1',
      value: 'v1',
      create_revision: '2',
      mod_revision: '2',
      version: '1',
      lease: '0',
    });

    const noPrev = await client.KV.Put({ key: b('/k/2'), value: b('x') });
    expectHeader(noPrev.header, '4');
    expect(noPrev.prev_kv).toBeNull();
  });

  it('KV.Range with prefix, limit, sort, count_only, keys_only, revision and filters', async () => {
    for (const k of ['a', 'b', 'c']) await client.KV.Put({ key: b(`/r/${k}`), value: b(`val-${k}`) }); // revs 5..7
    const prefix = { key: b('/r/'), range_end: prefixEnd('/r/') };

    const page = await client.KV.Range({ ...prefix, limit: 2, sort_order: 'DESCEND', sort_target: 'KEY' });
    expectFields(page, { header: true, kvs: true, more: true, count: true });
    expectHeader(page.header, '7');
    expect(page.kvs.map(kvPlain)).toEqual([
      { key: '/r/c', value: 'val-c', create_revision: '7', mod_revision: '7', version: '1', lease: '0' },
      { key: '/r/b', value: 'val-b', create_revision: '6', mod_revision: '6', version: '1', lease: '0' },
    ]);
    expect(page.more).toBe(true);
    expect(page.count).toBe('3');

    const counted = await client.KV.Range({ ...prefix, count_only: true });
    expect(counted.kvs).toEqual([]);
    expect(counted.count).toBe('3');
    expect(counted.more).toBe(false);

    const keysOnly = await client.KV.Range({ ...prefix, keys_only: true, sort_order: 'ASCEND', sort_target: 'MOD' });
    expect(keysOnly.kvs.map((kv) => [kv.key.toString(), kv.value.length])).toEqual([
      ['/r/a', 0],
      ['/r/b', 0],
      ['/r/c', 0],
    ]);

    const filtered = await client.KV.Range({ ...prefix, min_mod_revision: '6' });
    expect(filtered.kvs.map((kv) => kv.key.toString())).toEqual(['/r/b', '/r/c']);

    const past = await client.KV.Range({ key: b('/k/1'), revision: 2 });
    expect(past.kvs.map(kvPlain)).toEqual([
      { key: '/k/1', value: 'v1', create_revision: '2', mod_revision: '2', version: '1', lease: '0' },
    ]);
    expectHeader(past.header, '7');

    const missing = await client.KV.Range({ key: b('/nope') });
    expect(missing).toMatchObject({ kvs: [], count: '0', more: false });

    const all = await client.KV.Range({ key: Buffer.from([0]), range_end: Buffer.from([0]), serializable: true });
    expect(all.count).toBe('5');
  });

  it('KV.DeleteRange with prev_kv', async () => {
    const deleted = await client.KV.DeleteRange({ key: b('/r/'), range_end: prefixEnd('/r/'), prev_kv: true });
    expectFields(deleted, { header: true, deleted: true, prev_kvs: true });
    expectHeader(deleted.header, '8'); // one revision for the whole range
    expect(deleted.deleted).toBe('3');
    expect(deleted.prev_kvs.map((kv) => kvPlain(kv)?.value)).toEqual(['val-a', 'val-b', 'val-c']);

    const again = await client.KV.DeleteRange({ key: b('/r/a') });
    expect(again.deleted).toBe('0');
    expect(again.prev_kvs).toEqual([]);
    expectHeader(again.header, '8');
  });

  it('KV.Txn with compares, nested txn and every op kind', async () => {
    const ok = await client.KV.Txn({
      compare: [
        { key: b('/k/1'), target: 'VERSION', result: 'GREATER', version: '1' },
        { key: b('/k/1'), target: 'VALUE', result: 'EQUAL', value: b('v2') },
        { key: b('/k/1'), target: 'MOD', result: 'LESS', mod_revision: 100 },
        { key: b('/k/1'), target: 'CREATE', result: 'EQUAL', create_revision: '2' },
        { key: b('/k/1'), target: 'LEASE', result: 'EQUAL', lease: '0' },
        { key: b('/k/'), range_end: prefixEnd('/k/'), target: 'VALUE', result: 'NOT_EQUAL', value: b('zzz') },
      ],
      success: [
        { request_put: { key: b('/t/x'), value: b('1'), prev_kv: true } },
        { request_range: { key: b('/k/1') } },
        {
          request_txn: {
            compare: [{ key: b('/t/none'), target: 'VERSION', result: 'EQUAL', version: 0 }],
            success: [{ request_put: { key: b('/t/y'), value: b('2') } }],
            failure: [],
          },
        },
        { request_delete_range: { key: b('/t/nothing') } },
      ],
      failure: [{ request_range: { key: b('/k/1') } }],
    });
    expectFields(ok, { header: true, succeeded: true, responses: true });
    expectHeader(ok.header, '9'); // all writes of a txn share one revision
    expect(ok.succeeded).toBe(true);
    expect(ok.responses.map((r) => r.response)).toEqual([
      'response_put',
      'response_range',
      'response_txn',
      'response_delete_range',
    ]);
    const [put, range, txn, del] = ok.responses;
    expect(Object.keys(put ?? {}).sort()).toEqual(['response', 'response_put']);
    expect(put?.response_put?.prev_kv).toBeNull();
    // etcd 3.4 detail: nested responses carry a header with only the revision
    // (and a nested txn's own header has revision 0).
    const nestedHeader = (revision: string): ResponseHeader => ({
      cluster_id: '0',
      member_id: '0',
      revision,
      raft_term: '0',
    });
    expect(put?.response_put?.header).toEqual(nestedHeader('9'));
    expect(range?.response_range?.header).toEqual(nestedHeader('9'));
    expect(txn?.response_txn?.header).toEqual(nestedHeader('0'));
    expect(txn?.response_txn?.responses[0]?.response_put?.header).toEqual(nestedHeader('9'));
    expect(del?.response_delete_range?.header).toEqual(nestedHeader('9'));
    expect(range?.response_range?.kvs.map(kvPlain)).toEqual([
      { key: '/k/1', value: 'v2', create_revision: '2', mod_revision: '3', version: '2', lease: '0' },
    ]);
    if (txn?.response !== 'response_txn') throw new Error('expected response_txn');
    expect(txn.response_txn.succeeded).toBe(true);
    expect(txn.response_txn.responses.map((r) => r.response)).toEqual(['response_put']);
    expect(del?.response_delete_range?.deleted).toBe('0');

    const y = await client.KV.Range({ key: b('/t/y') });
    expect(kvPlain(y.kvs[0])).toMatchObject({ value: '2', mod_revision: '9', create_revision: '9' });

    const failed = await client.KV.Txn({
      compare: [{ key: b('/k/1'), target: 'VALUE', result: 'NOT_EQUAL', value: b('v2') }],
      success: [{ request_put: { key: b('/t/never'), value: b('x') } }],
      failure: [{ request_range: { key: b('/t/'), range_end: prefixEnd('/t/'), count_only: true } }],
    });
    expectHeader(failed.header, '9');
    expect(failed.succeeded).toBe(false);
    expect(failed.responses).toHaveLength(1);
    expect(failed.responses[0]?.response).toBe('response_range');
    expect(failed.responses[0]?.response_range?.count).toBe('2');

    await expect(
      client.KV.Txn({
        success: [{ request_put: { key: b('/t/dup') } }, { request_put: { key: b('/t/dup') } }],
      }),
    ).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: 'etcdserver: duplicate key given in txn request',
    });
  });

  it('Watch: create from a past revision, filters, live events, progress, cancel', async () => {
    await client.KV.Put({ key: b('/w/a'), value: b('1') }); // rev 10
    await client.KV.Put({ key: b('/w/a'), value: b('2') }); // rev 11
    await client.KV.DeleteRange({ key: b('/w/a') }); // rev 12

    const call = client.Watch.Watch();
    const queue = new MessageQueue<WatchResponse>(call);
    try {
      call.write({
        create_request: { key: b('/w/'), range_end: prefixEnd('/w/'), start_revision: '10', prev_kv: true },
      });
      const createdA = await queue.take('created A', (r) => r.created);
      expectFields(createdA, {
        header: true,
        watch_id: true,
        created: true,
        canceled: true,
        compact_revision: true,
        cancel_reason: true,
        fragment: true,
        events: true,
      });
      expectHeader(createdA.header, '12');
      expect(createdA.watch_id).toBe('0');
      expect(createdA.events).toEqual([]);

      const eventsA: Event[] = [];
      while (eventsA.length < 3) {
        const r = await queue.take('events for A', (m) => m.watch_id === '0' && m.events.length > 0);
        eventsA.push(...r.events);
      }
      for (const e of eventsA) expectFields(e, { type: true, kv: true, prev_kv: true });
      expect(eventsA.map((e) => ({ type: e.type, kv: kvPlain(e.kv), prev: kvPlain(e.prev_kv)?.value ?? null }))).toEqual([
        {
          type: 'PUT',
          kv: { key: '/w/a', value: '1', create_revision: '10', mod_revision: '10', version: '1', lease: '0' },
          prev: null,
        },
        {
          type: 'PUT',
          kv: { key: '/w/a', value: '2', create_revision: '10', mod_revision: '11', version: '2', lease: '0' },
          prev: '1',
        },
        {
          type: 'DELETE',
          kv: { key: '/w/a', value: '', create_revision: '0', mod_revision: '12', version: '0', lease: '0' },
          prev: '2',
        },
      ]);

      // A second watcher on the same stream, client-chosen ID, only deletes.
      call.write({
        create_request: {
          key: b('/w/'),
          range_end: prefixEnd('/w/'),
          start_revision: 10,
          filters: ['NOPUT'],
          watch_id: '100',
        },
      });
      const createdB = await queue.take('created B', (r) => r.created);
      expect(createdB.watch_id).toBe('100');
      const eventsB = await queue.take('events for B', (m) => m.watch_id === '100' && m.events.length > 0);
      expect(eventsB.events.map((e) => [e.type, e.kv?.mod_revision])).toEqual([['DELETE', '12']]);

      // Live event.
      await client.KV.Put({ key: b('/w/b'), value: b('live') }); // rev 13
      const live = await queue.take('live event', (m) => m.watch_id === '0' && m.events.length > 0);
      expect(live.events.map((e) => [e.type, e.kv?.key.toString(), e.kv?.mod_revision])).toEqual([
        ['PUT', '/w/b', '13'],
      ]);
      expectHeader(live.header, '13');

      call.write({ progress_request: {} });
      const progress = await queue.take('progress notification', (m) => m.watch_id === '-1');
      expectHeader(progress.header, '13');
      expect(progress.events).toEqual([]);

      call.write({ cancel_request: { watch_id: '0' } });
      const canceled = await queue.take('cancel ack', (m) => m.canceled);
      expect(canceled.watch_id).toBe('0');
      expect(canceled.created).toBe(false);
      // No PUT events reached watcher B.
      expect(queue.buffered.filter((m) => m.watch_id === '100' && m.events.length > 0)).toEqual([]);
    } finally {
      call.cancel();
    }
  });

  it('KV.Compact (physical), then reads and watches below it fail', async () => {
    const compacted = await client.KV.Compact({ revision: '11', physical: true });
    expectFields(compacted, { header: true });
    expectHeader(compacted.header, '13');

    await expect(client.KV.Range({ key: b('/w/a'), revision: 10 })).rejects.toMatchObject({
      code: grpc.status.OUT_OF_RANGE,
      details: 'etcdserver: mvcc: required revision has been compacted',
    });

    const call = client.Watch.Watch();
    const queue = new MessageQueue<WatchResponse>(call);
    try {
      call.write({ create_request: { key: b('/w/a'), start_revision: '5' } });
      const r = await queue.take('compacted watch response', (m) => m.compact_revision !== '0');
      expect(r.compact_revision).toBe('11');
      expect(r.canceled).toBe(true);
    } finally {
      call.cancel();
    }
  });

  it('unary calls over the plain HTTP/2 channel (unaryEndpoints) answer as grpc-js does', async () => {
    const light = createEtcdClient(endpoint, undefined, {}, { unaryEndpoints: [endpoint] });
    try {
      const prefix = { key: b('/r/'), range_end: prefixEnd('/r/') };
      expect(await light.KV.Range(prefix)).toEqual(await client.KV.Range(prefix));
      const txn = {
        compare: [{ key: b('/r/a'), target: 'MOD' as const, result: 'EQUAL' as const, mod_revision: 1 }],
        success: [{ request_put: { key: b('/r/a'), value: b('never') } }],
        failure: [{ request_range: { key: b('/r/a') } }],
      };
      const viaLight = await light.KV.Txn(txn, { deadline: Date.now() + 5000 });
      const viaGrpcJs = await client.KV.Txn(txn);
      expect(viaLight.succeeded).toBe(false);
      expect({ ...viaLight, header: undefined }).toEqual({ ...viaGrpcJs, header: undefined });
      // Errors: the same code, details and message a grpc-js caller sees.
      const fail = async (c: typeof client): Promise<unknown> => c.KV.Range({ key: b('/w/a'), revision: 10 }).then(() => undefined, (err: unknown) => err);
      const [lightErr, grpcErr] = [await fail(light), await fail(client)] as { code: number; details: string; message: string }[];
      expect({ code: lightErr?.code, details: lightErr?.details, message: lightErr?.message }).toEqual({
        code: grpcErr?.code,
        details: grpcErr?.details,
        message: grpcErr?.message,
      });
      expect(lightErr?.code).toBe(grpc.status.OUT_OF_RANGE);
    } finally {
      light.close();
    }
  });

  it('Maintenance.HashKV and Hash', async () => {
    const h1 = await client.Maintenance.HashKV({ revision: 0 });
    expectFields(h1, { header: true, hash: true, compact_revision: true });
    expectHeader(h1.header, '13');
    expect(typeof h1.hash).toBe('number');
    expect(h1.hash).toBeGreaterThan(0);
    expect(h1.compact_revision).toBe('11');
    const h2 = await client.Maintenance.HashKV({ revision: '13' });
    expect(h2.hash).toBe(h1.hash);

    const whole = await client.Maintenance.Hash({});
    expectFields(whole, { header: true, hash: true });
    expect(typeof whole.hash).toBe('number');
    expectHeader(whole.header, '13');
  });

  it('Lease: Grant, TimeToLive, Leases, KeepAlive stream, Revoke', async () => {
    const granted = await client.Lease.LeaseGrant({ TTL: 60 });
    expectFields(granted, { header: true, ID: true, TTL: true, error: true });
    expectHeader(granted.header);
    expect(granted.TTL).toBe('60');
    expect(granted.error).toBe('');
    const id = granted.ID;
    expect(id).toMatch(/^[1-9]\d*$/);
    // Exact 64-bit value: etcdctl lists lease IDs in hex.
    expect(etcdctl('lease', 'list')).toContain(BigInt(id).toString(16));

    // Client-chosen ID above 2^53 survives the round trip exactly.
    const bigId = '7205759403792793599';
    const chosen = await client.Lease.LeaseGrant({ TTL: '30', ID: bigId });
    expect(chosen.ID).toBe(bigId);
    expect(chosen.TTL).toBe('30');

    const put = await client.KV.Put({ key: b('/l/key'), value: b('v'), lease: id });
    expectHeader(put.header, '14');
    const leased = await client.KV.Range({ key: b('/l/key') });
    expect(leased.kvs[0]?.lease).toBe(id);

    const ttl = await client.Lease.LeaseTimeToLive({ ID: id, keys: true });
    expectFields(ttl, { header: true, ID: true, TTL: true, grantedTTL: true, keys: true });
    expect(ttl.ID).toBe(id);
    expect(Number(ttl.TTL)).toBeGreaterThan(0);
    expect(Number(ttl.TTL)).toBeLessThanOrEqual(60);
    expect(ttl.grantedTTL).toBe('60');
    expect(ttl.keys.map((k) => k.toString())).toEqual(['/l/key']);

    const leases = await client.Lease.LeaseLeases({});
    expectFields(leases, { header: true, leases: true });
    expect(leases.leases.map((l) => l.ID).sort()).toEqual([id, bigId].sort());

    const call = client.Lease.LeaseKeepAlive();
    const queue = new MessageQueue<LeaseKeepAliveResponse>(call);
    try {
      call.write({ ID: id });
      const ka = await queue.take('keepalive response');
      expectFields(ka, { header: true, ID: true, TTL: true });
      expectHeader(ka.header);
      expect(ka).toMatchObject({ ID: id, TTL: '60' });
      call.write({ ID: bigId });
      expect(await queue.take('keepalive response 2')).toMatchObject({ ID: bigId, TTL: '30' });
      call.write({ ID: '12345' });
      expect(await queue.take('keepalive for unknown lease')).toMatchObject({ ID: '12345', TTL: '0' });
    } finally {
      call.cancel();
    }

    const revoked = await client.Lease.LeaseRevoke({ ID: id });
    expectFields(revoked, { header: true });
    expectHeader(revoked.header, '15'); // the attached key was deleted
    expect((await client.Lease.LeaseTimeToLive({ ID: id })).TTL).toBe('-1');
    expect((await client.KV.Range({ key: b('/l/key') })).count).toBe('0');
    await client.Lease.LeaseRevoke({ ID: bigId });
    await expect(client.Lease.LeaseRevoke({ ID: bigId })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
      details: 'etcdserver: requested lease not found',
    });
  });

  it('Cluster: MemberList, MemberAdd (learner), MemberUpdate, MemberPromote, MemberRemove', async () => {
    const status = await client.Maintenance.Status({});
    const list = await client.Cluster.MemberList({});
    expectFields(list, { header: true, members: true });
    const header = expectHeader(list.header);
    expect(list.members).toHaveLength(1);
    const self = list.members[0];
    expectFields<Member>(self, { ID: true, name: true, peerURLs: true, clientURLs: true, isLearner: true });
    expect(self).toEqual({
      ID: header.member_id,
      name: 'default',
      peerURLs: [peerUrl],
      clientURLs: [clientUrl],
      isLearner: false,
    });
    expect(self?.ID).toBe(status.header?.member_id);
    expect(etcdctl('member', 'list', '--hex')).toContain(`${BigInt(header.member_id).toString(16)}, started, default`);

    const added = await client.Cluster.MemberAdd({ peerURLs: ['http://127.0.0.1:1'], isLearner: true });
    expectFields(added, { header: true, member: true, members: true });
    const learner = added.member;
    if (learner === null) throw new Error('MemberAdd returned no member');
    expect(learner).toMatchObject({ name: '', peerURLs: ['http://127.0.0.1:1'], clientURLs: [], isLearner: true });
    expect(added.members.map((m) => m.ID).sort()).toEqual([self?.ID, learner.ID].sort());

    const updated = await client.Cluster.MemberUpdate({ ID: learner.ID, peerURLs: ['http://127.0.0.1:2'] });
    expect(updated.members.find((m) => m.ID === learner.ID)?.peerURLs).toEqual(['http://127.0.0.1:2']);

    await expect(client.Cluster.MemberPromote({ ID: learner.ID })).rejects.toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
      details: 'etcdserver: can only promote a learner member which is in sync with leader',
    });

    const removed = await client.Cluster.MemberRemove({ ID: learner.ID });
    expectFields(removed, { header: true, members: true });
    expect(removed.members.map((m) => m.ID)).toEqual([self?.ID]);
  });

  it('Maintenance: Alarm list, Defragment, Snapshot stream, MoveLeader', async () => {
    const alarms = await client.Maintenance.Alarm({ action: 'GET', alarm: 'NONE', memberID: 0 });
    expectFields(alarms, { header: true, alarms: true });
    // etcd 3.4 answers Alarm without a ResponseHeader (3.5 added one): decoded as null.
    expect(alarms.header).toBeNull();
    expect(alarms.alarms).toEqual([]);

    const defrag = await client.Maintenance.Defragment({});
    expectFields(defrag, { header: true });
    expect(defrag.header).toBeNull(); // likewise no header in 3.4

    const snapshot = client.Maintenance.Snapshot({});
    const chunks: { remaining: string; size: number }[] = [];
    const headers = new Set<ResponseHeader | null>();
    for await (const chunk of snapshot as AsyncIterable<SnapshotResponse>) {
      expectFields(chunk, { header: true, remaining_bytes: true, blob: true });
      headers.add(chunk.header);
      expect(Buffer.isBuffer(chunk.blob)).toBe(true);
      chunks.push({ remaining: chunk.remaining_bytes, size: chunk.blob.length });
    }
    expect([...headers]).toEqual([null]); // 3.4 sends no header in snapshot chunks (3.5 does)
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.at(-1)?.remaining).toBe('0');
    expect(chunks.reduce((n, c) => n + c.size, 0)).toBeGreaterThan(1000);

    const self = (await client.Maintenance.Status({})).header?.member_id ?? '';
    const moved = await client.Maintenance.MoveLeader({ targetID: self });
    expectFields(moved, { header: true });
    expect(moved.header).toBeNull(); // no header in 3.4
    await expect(client.Maintenance.MoveLeader({ targetID: '1' })).rejects.toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
      details: 'etcdserver: bad leader transferee',
    });
  });

  it('Auth: roles with authpb.Permission, users with authpb.UserAddOptions', async () => {
    const roleAdd = await client.Auth.RoleAdd({ name: 'r1' });
    expectFields(roleAdd, { header: true });
    await client.Auth.RoleGrantPermission({
      name: 'r1',
      perm: { permType: 'READWRITE', key: b('/a'), range_end: b('/b') },
    });
    const role = await client.Auth.RoleGet({ role: 'r1' });
    expectFields(role, { header: true, perm: true });
    expect(role.perm).toEqual([{ permType: 'READWRITE', key: b('/a'), range_end: b('/b') }]);

    await client.Auth.UserAdd({ name: 'u1', password: 'secret', options: { no_password: false } });
    await client.Auth.UserGrantRole({ user: 'u1', role: 'r1' });
    const user = await client.Auth.UserGet({ name: 'u1' });
    expectFields(user, { header: true, roles: true });
    expect(user.roles).toEqual(['r1']);
    expect((await client.Auth.UserList({})).users).toEqual(['u1']);
    expect((await client.Auth.RoleList({})).roles).toEqual(['r1']);

    await expect(client.Auth.Authenticate({ name: 'u1', password: 'secret' })).rejects.toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
      details: 'etcdserver: authentication is not enabled',
    });

    await client.Auth.UserRevokeRole({ name: 'u1', role: 'r1' });
    await client.Auth.RoleRevokePermission({ role: 'r1', key: b('/a'), range_end: b('/b') });
    expect((await client.Auth.RoleGet({ role: 'r1' })).perm).toEqual([]);
    await client.Auth.UserDelete({ name: 'u1' });
    await client.Auth.RoleDelete({ role: 'r1' });
    expect((await client.Auth.UserList({})).users).toEqual([]);
  });
});
