// The setup of a controller unit test: a FakeClient, informers over it whose caches the test
// fills directly (no watch running, so sync(key) sees exactly what was seeded), a
// FakeRecorder and a FakeClock.
import type { ApiResource } from '../api/kube-client/api-resource.js';
import type { KubeObject } from '../api/object.js';
import { FakeClock } from './clock.js';
import { FakeRecorder } from './event-recorder.js';
import { FakeClient } from './fake-client.js';
import type { Logger } from './informer.js';
import { InformerFactory } from './informer.js';

export class ControllerFixture {
  readonly clock = new FakeClock();
  readonly client = new FakeClient();
  readonly recorder = new FakeRecorder();
  readonly informers: InformerFactory;
  readonly logs: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
  readonly log: Logger = (msg, fields) => void this.logs.push(fields === undefined ? { msg } : { msg, fields });

  constructor() {
    this.client.now = () => this.clock.now();
    this.informers = new InformerFactory(this.client, { clock: this.clock, log: this.log });
  }

  /** Stores objects in the fake API and in the informer cache; returns the stored copies. */
  seed(r: ApiResource, ...objs: KubeObject[]): KubeObject[] {
    const stored = this.client.seed(r, ...objs);
    const cache = this.informers.for(r).cache;
    for (const o of stored) cache.upsert(structuredClone(o));
    return stored;
  }

  /** Puts objects in the informer cache only (the API has moved on, or never had them). */
  cacheOnly(r: ApiResource, ...objs: KubeObject[]): void {
    const cache = this.informers.for(r).cache;
    for (const o of objs) cache.upsert(structuredClone(o));
  }

  /** Copies the fake API's current objects of a resource into its informer cache. */
  syncCache(r: ApiResource): void {
    const cache = this.informers.for(r).cache;
    for (const k of cache.keys()) cache.remove(k);
    for (const o of this.client.objects(r)) cache.upsert(o);
  }
}
