import { describe, expect, it } from 'vitest';
import type { ApiResource } from '../api/kube-client/api-resource.js';
import type { KubeObject } from '../api/object.js';
import type { WriteOptions } from '../api/kube-client/kube-client.js';
import { FakeClock } from './clock.js';
import { ApiEventRecorder, FakeRecorder, MAX_QUEUED_EVENTS } from './event-recorder.js';
import { FakeClient, statusError } from './fake-client.js';
import { Resources } from './resources.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

const thePod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop', uid: 'pod-uid', resourceVersion: '42' },
};

const theNode: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', uid: 'node-uid', resourceVersion: '7' } };

function setup(host?: string): { client: FakeClient; clock: FakeClock; rec: ApiEventRecorder; logs: Array<{ msg: string; fields?: Record<string, unknown> }> } {
  const client = new FakeClient();
  const clock = new FakeClock(T0);
  client.now = () => clock.now();
  const logs: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
  const rec = new ApiEventRecorder(client, { component: 'default-scheduler', clock, log: (msg, fields) => void logs.push(fields ? { msg, fields } : { msg }), ...(host !== undefined ? { host } : {}) });
  return { client, clock, rec, logs };
}

describe('ApiEventRecorder', () => {
  it('writes a core/v1 Event naming the involved object', async () => {
    const { client, rec } = setup();
    rec.event(thePod, 'Normal', 'Scheduled', 'Successfully assigned shop/web-1 to node-1');
    await rec.flush();
    const events = client.objects(Resources.events);
    expect(events).toHaveLength(1);
    const ev = events[0];
    expect(ev?.metadata.namespace).toBe('shop');
    expect(ev?.metadata.name).toMatch(/^web-1\.[0-9a-f]+$/);
    expect(ev).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'pod-uid', apiVersion: 'v1', resourceVersion: '42' },
      reason: 'Scheduled',
      message: 'Successfully assigned shop/web-1 to node-1',
      type: 'Normal',
      source: { component: 'default-scheduler' },
      count: 1,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:00Z',
      reportingComponent: 'default-scheduler',
      reportingInstance: '',
    });
    expect(ev?.source).toEqual({ component: 'default-scheduler' });
    expect(client.writes()).toMatchObject([{ verb: 'create', resource: 'events', namespace: 'shop' }]);
  });

  it('sets source.host and reportingInstance from the host', async () => {
    const { client, rec } = setup('worker-3');
    rec.event(thePod, 'Warning', 'FailedScheduling', '0/3 nodes are available');
    await rec.flush();
    expect(client.objects(Resources.events)[0]).toMatchObject({ source: { component: 'default-scheduler', host: 'worker-3' }, reportingInstance: 'worker-3', type: 'Warning' });
  });

  it('puts events about cluster-scoped objects in the default namespace', async () => {
    const { client, rec } = setup();
    rec.event(theNode, 'Normal', 'RegisteredNode', 'Node node-1 event: Registered Node node-1 in Controller');
    await rec.flush();
    const ev = client.objects(Resources.events)[0];
    expect(ev?.metadata.namespace).toBe('default');
    expect(ev?.metadata.name).toMatch(/^node-1\./);
    expect(ev?.involvedObject).toEqual({ kind: 'Node', name: 'node-1', uid: 'node-uid', apiVersion: 'v1', resourceVersion: '7' });
  });

  it('gives distinct names to events recorded in the same millisecond', async () => {
    const { client, rec } = setup();
    rec.event(thePod, 'Normal', 'A', 'one');
    rec.event(thePod, 'Normal', 'B', 'two');
    await rec.flush();
    const names = client.objects(Resources.events).map((e) => e.metadata.name);
    expect(new Set(names).size).toBe(2);
  });

  it('folds a repeat within 10 minutes into the first Event: count 2 and a new lastTimestamp, by patch', async () => {
    const { client, clock, rec } = setup();
    rec.event(thePod, 'Warning', 'FailedScheduling', 'no nodes');
    await rec.flush();
    clock.advance(9 * 60 * 1000);
    rec.event(thePod, 'Warning', 'FailedScheduling', 'no nodes');
    await rec.flush();
    const events = client.objects(Resources.events);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ count: 2, firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:09:00Z' });
    const writes = client.writes();
    expect(writes.map((w) => w.verb)).toEqual(['create', 'patch']);
    expect(writes[1]).toMatchObject({ resource: 'events', namespace: 'shop', name: events[0]?.metadata.name, patch: { count: 2, lastTimestamp: '2026-01-01T00:09:00Z' } });
    clock.advance(60 * 1000);
    rec.event(thePod, 'Warning', 'FailedScheduling', 'no nodes');
    await rec.flush();
    expect(client.objects(Resources.events)[0]).toMatchObject({ count: 3, lastTimestamp: '2026-01-01T00:10:00Z' });
  });

  it.each([
    { what: 'after 10 minutes', change: (o: KubeObject): KubeObject => o, advance: 10 * 60 * 1000, type: 'Warning' as const, reason: 'R', message: 'm' },
    { what: 'with another message', change: (o: KubeObject): KubeObject => o, advance: 0, type: 'Warning' as const, reason: 'R', message: 'other' },
    { what: 'with another reason', change: (o: KubeObject): KubeObject => o, advance: 0, type: 'Warning' as const, reason: 'R2', message: 'm' },
    { what: 'with another type', change: (o: KubeObject): KubeObject => o, advance: 0, type: 'Normal' as const, reason: 'R', message: 'm' },
    { what: 'about another object', change: (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, name: 'web-2', uid: 'u2' } }), advance: 0, type: 'Warning' as const, reason: 'R', message: 'm' },
  ])('creates a new Event for a repeat $what', async ({ change, advance, type, reason, message }) => {
    const { client, clock, rec } = setup();
    rec.event(thePod, 'Warning', 'R', 'm');
    clock.advance(advance);
    rec.event(change(thePod), type, reason, message);
    await rec.flush();
    expect(client.writes().map((w) => w.verb)).toEqual(['create', 'create']);
    expect(client.objects(Resources.events).map((e) => e.count)).toEqual([1, 1]);
  });

  it('creates the Event again when the one to fold into is gone (client-go does on 404)', async () => {
    const { client, clock, rec } = setup();
    rec.event(thePod, 'Warning', 'FailedScheduling', 'no nodes');
    await rec.flush();
    const first = client.objects(Resources.events)[0];
    await client.delete(Resources.events, first?.metadata.name ?? '', { namespace: 'shop' });
    clock.advance(60 * 1000);
    rec.event(thePod, 'Warning', 'FailedScheduling', 'no nodes');
    await rec.flush();
    const events = client.objects(Resources.events);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ metadata: { name: first?.metadata.name }, count: 2, firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:01:00Z', reason: 'FailedScheduling' });
  });

  it('writes in the background, in order; flush() waits; backlog counts what is queued', async () => {
    const { client, rec } = setup();
    rec.event(thePod, 'Normal', 'A', '1');
    rec.event(thePod, 'Normal', 'B', '2');
    rec.event(thePod, 'Normal', 'C', '3');
    expect(rec.backlog).toBe(3);
    expect(client.objects(Resources.events)).toEqual([]);
    await rec.flush();
    expect(rec.backlog).toBe(0);
    expect(client.writes().map((w) => (w.object as { reason?: string } | undefined)?.reason)).toEqual(['A', 'B', 'C']);
  });

  it('holds at most 1000 events while writes lag, as client-go, and drops (and logs) the rest', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    // Writes wait until released, as they do behind a busy API server.
    class HeldClient extends FakeClient {
      override async create(r: ApiResource, obj: unknown, o?: WriteOptions): Promise<KubeObject> {
        await held;
        return super.create(r, obj, o);
      }
    }
    const client = new HeldClient();
    const logs: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
    const rec = new ApiEventRecorder(client, { component: 'default-scheduler', clock: new FakeClock(T0), log: (msg, fields) => void logs.push(fields ? { msg, fields } : { msg }) });
    for (let i = 0; i < MAX_QUEUED_EVENTS + 250; i++) rec.event({ ...thePod, metadata: { ...thePod.metadata, name: `p-${i}` } }, 'Normal', 'Scheduled', `pod ${i}`);
    expect(rec.backlog).toBe(MAX_QUEUED_EVENTS);
    expect(rec.dropped).toBe(250);
    expect(logs).toEqual([{ msg: 'unable to record event: too many queued events, dropped event', fields: { reason: 'Scheduled', object: 'shop/p-1000', dropped: 1 } }]);
    release();
    await rec.flush();
    const written = client.objects(Resources.events).map((e) => e.message);
    expect(written).toHaveLength(MAX_QUEUED_EVENTS);
    expect(written.at(-1)).toBe('pod 999');
    // Once the queue drains, events are recorded again.
    rec.event(thePod, 'Normal', 'Scheduled', 'after');
    await rec.flush();
    expect(client.objects(Resources.events).map((e) => e.message)).toContain('after');
  });

  it('logs a failing write and never throws; later events still go out', async () => {
    const { client, rec, logs } = setup();
    let fail = true;
    client.react('create', 'events', () => (fail ? statusError(403, 'Forbidden', 'events is forbidden') : undefined));
    expect(() => rec.event(thePod, 'Normal', 'A', '1')).not.toThrow();
    await expect(rec.flush()).resolves.toBeUndefined();
    expect(logs).toEqual([{ msg: 'could not write event', fields: { error: expect.stringContaining('events is forbidden') as unknown } }]);
    expect(client.objects(Resources.events)).toEqual([]);
    fail = false;
    rec.event(thePod, 'Normal', 'B', '2');
    await rec.flush();
    expect(client.objects(Resources.events).map((e) => e.reason)).toEqual(['B']);
  });
});

describe('FakeRecorder', () => {
  it('keeps "<type> <reason> <message>" strings and the records', () => {
    const r = new FakeRecorder();
    r.event(thePod, 'Normal', 'Scheduled', 'Successfully assigned shop/web-1 to node-1');
    r.event(theNode, 'Warning', 'NodeNotReady', 'Node is not ready');
    expect(r.events).toEqual(['Normal Scheduled Successfully assigned shop/web-1 to node-1', 'Warning NodeNotReady Node is not ready']);
    expect(r.records[1]).toEqual({ obj: theNode, type: 'Warning', reason: 'NodeNotReady', message: 'Node is not ready' });
  });
});
