import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { WatchHandlers, WatchRequest, WatchResponse } from '../../../lib/grpc/etcd-proto.js';
import { MvccStore } from '../mvcc/index.js';
import { b, put } from '../mvcc/test-support.js';
import type { EtcdServer } from './etcd-server.js';
import { watchHandlers } from './grpc-api.js';

/** The parts of EtcdServer the Watch service uses, around a real MvccStore. */
class StandInServer extends EventEmitter {
  readonly mvcc = new MvccStore();
  readonly sinkErrors: unknown[] = [];
  constructor() {
    super();
    this.mvcc.onWatchSinkError = (err) => this.sinkErrors.push(err);
  }
  header(revision?: number): Record<string, string> {
    return { cluster_id: '1', member_id: '1', revision: String(revision ?? this.mvcc.currentRevision), raft_term: '1' };
  }
}

/** A bidirectional call whose write fails while `failing` holds. */
class StandInCall extends EventEmitter {
  readonly sent: WatchResponse[] = [];
  failing: (res: WatchResponse) => boolean = () => false;
  write(res: WatchResponse): boolean {
    if (this.failing(res)) throw new Error('stream write failed');
    this.sent.push(res);
    return true;
  }
  end(): void {}
}

function createRequest(key: string): WatchRequest {
  return {
    create_request: { key: b(key), range_end: Buffer.alloc(0), start_revision: '0', progress_notify: false, filters: [], prev_kv: false, watch_id: '0', fragment: false },
  } as unknown as WatchRequest;
}

describe('Watch service', () => {
  it('tells the client when a watch fails to deliver, instead of leaving it open and silent', () => {
    const s = new StandInServer();
    const call = new StandInCall();
    const handlers = watchHandlers(s as unknown as EtcdServer, { progressNotifyIntervalMs: 60_000 });
    handlers.Watch(call as unknown as Parameters<WatchHandlers['Watch']>[0]);
    call.emit('data', createRequest('a'));
    call.emit('data', createRequest('b'));
    expect(call.sent.map((r) => [r.watch_id, r.created])).toEqual([
      ['0', true],
      ['1', true],
    ]);

    // Delivering watch 0's first events fails once.
    let failures = 0;
    call.failing = (res) => res.watch_id === '0' && (res.events?.length ?? 0) > 0 && failures++ === 0;
    put(s.mvcc, ['a', '1']);
    put(s.mvcc, ['b', '1']);
    put(s.mvcc, ['a', '2']);

    const sent = call.sent.slice(2).map((r) => ({ id: r.watch_id, canceled: r.canceled, reason: r.cancel_reason, events: (r.events ?? []).map((e) => Buffer.from(e.kv?.value ?? []).toString()) }));
    expect(sent).toEqual([
      { id: '0', canceled: true, reason: 'etcdserver: watch failed: stream write failed', events: [] },
      { id: '1', canceled: undefined, reason: undefined, events: ['1'] },
    ]);
    expect(s.sinkErrors).toHaveLength(1);
    call.emit('close');
  });
});
