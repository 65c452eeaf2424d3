import { afterEach, describe, expect, it } from 'vitest';
import type { ApiResource } from '../api/kube-client/api-resource.js';
import type { ListOptions, WatchOptions } from '../api/kube-client/kube-client.js';
import type { KubeList, KubeObject, Status, WatchEvent } from '../api/object.js';
import type { ControllerClient } from './client.js';
import { FakeClock } from './clock.js';
import { FakeClient, statusError } from './fake-client.js';
import type { EventHandler } from './informer.js';
import { Informer, InformerFactory } from './informer.js';
import { Resources } from './resources.js';

async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Lets the event loop run until `cond` holds; fails after a bounded number of turns. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function pod(name: string, labels: Record<string, string> = {}, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [] } };
}

/** A handler writing "add ns/name@rv", "update ns/name rvOld->rvNew", "delete ns/name". */
function recorder(): { log: string[]; handler: EventHandler } {
  const log: string[] = [];
  const id = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  return {
    log,
    handler: {
      onAdd: (o) => log.push(`add ${id(o)}@${o.metadata.resourceVersion ?? ''}`),
      onUpdate: (a, b) => log.push(`update ${id(b)} ${a.metadata.resourceVersion ?? ''}->${b.metadata.resourceVersion ?? ''}`),
      onDelete: (o) => log.push(`delete ${id(o)}`),
    },
  };
}

/**
 * The FakeClient behind a switchboard: counts lists, records watch options, and can end the
 * open watches, hide events from them, or make the next watch fail.
 */
class ScriptedClient implements ControllerClient {
  readonly lists: ListOptions[] = [];
  readonly watches: WatchOptions[] = [];
  /** Events the open watches read but do not pass on (the informer misses them). */
  deaf = false;
  /** The next watch yields this ERROR object first and ends. */
  nextWatchError: Status | undefined;
  /** The next watch call throws this. */
  nextWatchThrow: Error | undefined;
  /** The first watch ends after this many events. */
  endFirstWatchAfter: number | undefined;
  private open: AbortController[] = [];

  readonly get: ControllerClient['get'];
  readonly create: ControllerClient['create'];
  readonly update: ControllerClient['update'];
  readonly patch: ControllerClient['patch'];
  readonly delete: ControllerClient['delete'];

  constructor(readonly fake: FakeClient) {
    this.get = fake.get.bind(fake);
    this.create = fake.create.bind(fake);
    this.update = fake.update.bind(fake);
    this.patch = fake.patch.bind(fake);
    this.delete = fake.delete.bind(fake);
  }

  list(r: ApiResource, o: ListOptions = {}): Promise<KubeList> {
    this.lists.push({ ...o, signal: undefined });
    return this.fake.list(r, o);
  }

  async *watch(r: ApiResource, o: WatchOptions = {}): AsyncGenerator<WatchEvent<KubeObject | Status>> {
    const n = this.watches.push({ ...o, signal: undefined });
    if (this.nextWatchThrow) {
      const err = this.nextWatchThrow;
      this.nextWatchThrow = undefined;
      throw err;
    }
    if (this.nextWatchError) {
      const object = this.nextWatchError;
      this.nextWatchError = undefined;
      yield { type: 'ERROR', object };
      return;
    }
    const ac = new AbortController();
    this.open.push(ac);
    const signal = o.signal ? AbortSignal.any([o.signal, ac.signal]) : ac.signal;
    let seen = 0;
    for await (const ev of this.fake.watch(r, { ...o, signal })) {
      if (this.deaf) continue;
      yield ev;
      seen++;
      if (n === 1 && this.endFirstWatchAfter !== undefined && seen >= this.endFirstWatchAfter) return;
    }
  }

  /** Ends every open watch, as a server closing connections does. */
  endWatches(): void {
    for (const ac of this.open.splice(0)) ac.abort();
  }
}

describe('Informer', () => {
  const stops: AbortController[] = [];
  afterEach(() => {
    for (const s of stops.splice(0)) s.abort();
  });
  function start(inf: Informer): AbortController {
    const ac = new AbortController();
    stops.push(ac);
    void inf.run(ac.signal);
    return ac;
  }

  it('fills the cache from the first list and resolves waitForSync', async () => {
    const fake = new FakeClient();
    const [a, b] = fake.seed(Resources.pods, pod('a'), pod('b', {}, 'other'));
    const inf = new Informer(fake, Resources.pods, { clock: new FakeClock() });
    const rec = recorder();
    inf.addEventHandler(rec.handler);
    expect(inf.hasSynced()).toBe(false);
    start(inf);
    await inf.waitForSync();
    expect(inf.hasSynced()).toBe(true);
    expect(inf.cache.keys().sort()).toEqual(['default/a', 'other/b']);
    expect(inf.cache.get('default/a')).toEqual(a);
    expect(rec.log.sort()).toEqual([`add default/a@${a?.metadata.resourceVersion ?? ''}`, `add other/b@${b?.metadata.resourceVersion ?? ''}`]);
    expect(inf.lastSyncResourceVersion).toBe(b?.metadata.resourceVersion);
  });

  it('types list items that come without apiVersion and kind', async () => {
    const fake = new FakeClient();
    fake.seed(Resources.deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' } });
    const client = new ScriptedClient(fake);
    client.list = async (r, o) => {
      const l = await fake.list(r, o);
      return { ...l, items: l.items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest as KubeObject) };
    };
    const inf = new Informer(client, Resources.deployments, { clock: new FakeClock() });
    start(inf);
    await inf.waitForSync();
    expect(inf.cache.get('default/d')).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
  });

  it('passes namespace, selectors and page size to list and watch, and watches from the list resourceVersion', async () => {
    const fake = new FakeClient();
    fake.seed(Resources.pods, pod('a', { app: 'web' }, 'ns1'));
    const client = new ScriptedClient(fake);
    const inf = new Informer(client, Resources.pods, { clock: new FakeClock(), namespace: 'ns1', labelSelector: 'app=web', fieldSelector: 'spec.nodeName=', pageSize: 50 });
    start(inf);
    await inf.waitForSync();
    await until(() => client.watches.length === 1, 'the watch');
    expect(client.lists[0]).toMatchObject({ namespace: 'ns1', labelSelector: 'app=web', fieldSelector: 'spec.nodeName=', limit: 50 });
    expect(client.watches[0]).toMatchObject({ namespace: 'ns1', labelSelector: 'app=web', fieldSelector: 'spec.nodeName=', allowWatchBookmarks: true, resourceVersion: inf.lastSyncResourceVersion });
  });

  it('brings adds, updates and deletes made through the client to the handlers and the cache, in order', async () => {
    const fake = new FakeClient();
    const inf = new Informer(fake, Resources.pods, { clock: new FakeClock() });
    const rec = recorder();
    inf.addEventHandler(rec.handler);
    start(inf);
    await inf.waitForSync();
    const a = await fake.create(Resources.pods, pod('a'));
    const a2 = await fake.update(Resources.pods, { ...a, metadata: { ...a.metadata, labels: { v: '2' } } });
    const b = await fake.create(Resources.pods, pod('b'));
    await fake.delete(Resources.pods, 'a', { namespace: 'default' });
    const rv = (o: KubeObject): string => o.metadata.resourceVersion ?? '';
    const want = [`add default/a@${rv(a)}`, `update default/a ${rv(a)}->${rv(a2)}`, `add default/b@${rv(b)}`, 'delete default/a'];
    await until(() => rec.log.length === want.length, 'four events');
    expect(rec.log).toEqual(want);
    expect(inf.cache.keys()).toEqual(['default/b']);
    expect(inf.cache.get('default/b')).toEqual(b);
    expect(Number(inf.lastSyncResourceVersion)).toBeGreaterThan(Number(rv(b)));
  });

  it('has the new object in the cache when onUpdate runs, and the old one no longer', async () => {
    const fake = new FakeClient();
    const [a] = fake.seed(Resources.pods, pod('a'));
    const inf = new Informer(fake, Resources.pods, { clock: new FakeClock() });
    const seen: Array<string | undefined> = [];
    inf.addEventHandler({ onUpdate: () => seen.push(inf.cache.get('default/a')?.metadata.labels?.v) });
    start(inf);
    await inf.waitForSync();
    if (!a) throw new Error('not seeded');
    await fake.update(Resources.pods, { ...a, metadata: { ...a.metadata, labels: { v: 'new' } } });
    await until(() => seen.length === 1, 'the update');
    expect(seen).toEqual(['new']);
  });

  it('tells a handler added later about every cached object as an add', async () => {
    const fake = new FakeClient();
    fake.seed(Resources.pods, pod('a'), pod('b'));
    const inf = new Informer(fake, Resources.pods, { clock: new FakeClock() });
    start(inf);
    await inf.waitForSync();
    const late = recorder();
    inf.addEventHandler(late.handler);
    expect(late.log.map((l) => l.replace(/@.*/, '')).sort()).toEqual(['add default/a', 'add default/b']);
    await fake.create(Resources.pods, pod('c'));
    await until(() => late.log.length === 3, 'the later add');
    expect(late.log[2]).toMatch(/^add default\/c@/);
  });

  it('resumes an ended watch from the last resourceVersion, without a relist and without losing events', async () => {
    const fake = new FakeClient();
    const client = new ScriptedClient(fake);
    client.endFirstWatchAfter = 1;
    const inf = new Informer(client, Resources.pods, { clock: new FakeClock() });
    const rec = recorder();
    inf.addEventHandler(rec.handler);
    start(inf);
    await inf.waitForSync();
    await until(() => client.watches.length === 1, 'the first watch');
    const a = await fake.create(Resources.pods, pod('a'));
    const b = await fake.create(Resources.pods, pod('b')); // read by the first watch, which ends before passing it on
    await until(() => rec.log.length === 2, 'both adds');
    expect(rec.log).toEqual([`add default/a@${a.metadata.resourceVersion ?? ''}`, `add default/b@${b.metadata.resourceVersion ?? ''}`]);
    expect(client.lists).toHaveLength(1);
    expect(client.watches).toHaveLength(2);
    expect(client.watches[1]?.resourceVersion).toBe(a.metadata.resourceVersion);
  });

  it.each([
    { how: 'an ERROR event with code 410', arrange: (c: ScriptedClient): void => void (c.nextWatchError = statusError(410, 'Expired', 'too old resource version: 1 (5)').status) },
    { how: 'a 410 thrown by watch', arrange: (c: ScriptedClient): void => void (c.nextWatchThrow = statusError(410, 'Gone', 'gone')) },
  ])('relists after $how and reports the difference', async ({ arrange }) => {
    const fake = new FakeClient();
    const [, b] = fake.seed(Resources.pods, pod('a'), pod('b'), pod('c'));
    const client = new ScriptedClient(fake);
    const inf = new Informer(client, Resources.pods, { clock: new FakeClock() });
    const rec = recorder();
    inf.addEventHandler(rec.handler);
    start(inf);
    await inf.waitForSync();
    await until(() => client.watches.length === 1, 'the first watch');
    rec.log.length = 0;

    // Changes the informer does not hear about.
    client.deaf = true;
    await fake.delete(Resources.pods, 'a', { namespace: 'default' });
    if (!b) throw new Error('not seeded');
    const b2 = await fake.update(Resources.pods, { ...b, metadata: { ...b.metadata, labels: { v: '2' } } });
    const d = await fake.create(Resources.pods, pod('d'));
    await settle();
    expect(rec.log).toEqual([]);

    client.deaf = false;
    arrange(client);
    client.endWatches();
    await until(() => client.lists.length === 2 && client.watches.length === 3, 'the relist and a new watch');
    expect(rec.log.sort()).toEqual(
      [`add default/d@${d.metadata.resourceVersion ?? ''}`, 'delete default/a', `update default/b ${b.metadata.resourceVersion ?? ''}->${b2.metadata.resourceVersion ?? ''}`].sort(),
    );
    expect(inf.cache.keys().sort()).toEqual(['default/b', 'default/c', 'default/d']);
    expect(client.watches[2]?.resourceVersion).toBe(d.metadata.resourceVersion);
    // The unchanged object was not reported again.
    expect(rec.log.some((l) => l.includes('default/c'))).toBe(false);
  });

  it('retries a failed watch after a backoff on its clock, from the same resourceVersion', async () => {
    const fake = new FakeClient();
    fake.seed(Resources.pods, pod('a'));
    const client = new ScriptedClient(fake);
    const clock = new FakeClock();
    const logs: string[] = [];
    const inf = new Informer(client, Resources.pods, { clock, log: (msg) => logs.push(msg) });
    start(inf);
    await inf.waitForSync();
    await until(() => client.watches.length === 1, 'the first watch');
    client.nextWatchError = statusError(500, 'InternalError', 'etcd is down').status;
    client.endWatches();
    await until(() => client.watches.length === 2 && clock.pending === 1, 'the failed watch and its backoff timer');
    expect(logs).toContain('list/watch failed; retrying');
    clock.advance(799);
    await settle();
    expect(client.watches).toHaveLength(2);
    clock.advance(1);
    await until(() => client.watches.length === 3, 'the retry');
    expect(client.lists).toHaveLength(1);
    expect(client.watches[2]?.resourceVersion).toBe(client.watches[0]?.resourceVersion);
    const b = await fake.create(Resources.pods, pod('b'));
    await until(() => inf.cache.get('default/b') !== undefined, 'the add after the retry');
    expect(inf.cache.get('default/b')?.metadata.resourceVersion).toBe(b.metadata.resourceVersion);
  });

  it('retries a failed first list after a backoff', async () => {
    const fake = new FakeClient();
    fake.seed(Resources.pods, pod('a'));
    let fail = true;
    fake.react('list', 'pods', () => (fail ? statusError(503, 'ServiceUnavailable', 'not yet') : undefined));
    const clock = new FakeClock();
    const inf = new Informer(fake, Resources.pods, { clock });
    start(inf);
    await until(() => clock.pending === 1, 'the backoff timer');
    expect(inf.hasSynced()).toBe(false);
    fail = false;
    clock.advance(800);
    await inf.waitForSync();
    expect(inf.cache.keys()).toEqual(['default/a']);
  });

  it('drops an object that leaves its label selection (delete), and adds one that enters it', async () => {
    const fake = new FakeClient();
    const [a] = fake.seed(Resources.pods, pod('a', { app: 'web' }), pod('b', { app: 'db' }));
    const inf = new Informer(fake, Resources.pods, { clock: new FakeClock(), labelSelector: 'app=web' });
    const rec = recorder();
    inf.addEventHandler(rec.handler);
    start(inf);
    await inf.waitForSync();
    expect(inf.cache.keys()).toEqual(['default/a']);
    if (!a) throw new Error('not seeded');
    await fake.update(Resources.pods, { ...a, metadata: { ...a.metadata, labels: { app: 'other' } } });
    const b = fake.stored(Resources.pods, 'default', 'b');
    if (!b) throw new Error('not seeded');
    await fake.update(Resources.pods, { ...b, metadata: { ...b.metadata, labels: { app: 'web' } } });
    await until(() => rec.log.length === 3, 'the delete and the add');
    expect(rec.log.slice(1).map((l) => l.replace(/@.*/, ''))).toEqual(['delete default/a', 'add default/b']);
    expect(inf.cache.keys()).toEqual(['default/b']);
  });

  it('logs a handler that throws and still calls the others', async () => {
    const fake = new FakeClient();
    const logs: string[] = [];
    const inf = new Informer(fake, Resources.pods, { clock: new FakeClock(), log: (m) => logs.push(m) });
    inf.addEventHandler({
      onAdd: () => {
        throw new Error('bad handler');
      },
    });
    const rec = recorder();
    inf.addEventHandler(rec.handler);
    start(inf);
    await inf.waitForSync();
    await fake.create(Resources.pods, pod('a'));
    await until(() => rec.log.length === 1, 'the add');
    expect(logs).toContain('informer event handler failed');
  });

  it('waitForSync resolves when its signal aborts, unsynced', async () => {
    const fake = new FakeClient();
    const inf = new Informer(fake, Resources.pods, { clock: new FakeClock() });
    const ac = new AbortController();
    const p = inf.waitForSync(ac.signal);
    ac.abort();
    await p;
    expect(inf.hasSynced()).toBe(false);
  });

  it('run() ends when its signal aborts', async () => {
    const fake = new FakeClient();
    const inf = new Informer(fake, Resources.pods, { clock: new FakeClock() });
    const ac = new AbortController();
    let ended = false;
    void inf.run(ac.signal).then(() => (ended = true));
    await inf.waitForSync();
    await settle();
    expect(ended).toBe(false);
    ac.abort();
    await until(() => ended, 'run to end');
  });
});

describe('InformerFactory', () => {
  it('shares one informer per resource, starts them and waits for all to sync', async () => {
    const fake = new FakeClient();
    fake.seed(Resources.pods, pod('a'));
    fake.seed(Resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    const f = new InformerFactory(fake, { clock: new FakeClock() });
    const pods = f.for(Resources.pods);
    expect(f.for(Resources.pods)).toBe(pods);
    const nodes = f.for(Resources.nodes);
    expect(nodes).not.toBe(pods);
    const ac = new AbortController();
    void f.start(ac.signal);
    try {
      expect(await f.waitForSync()).toBe(true);
      expect(pods.cache.keys()).toEqual(['default/a']);
      expect(nodes.cache.keys()).toEqual(['n1']);
    } finally {
      ac.abort();
    }
  });

  it('waitForSync reports false when aborted before every informer synced', async () => {
    const fake = new FakeClient();
    fake.react('list', 'nodes', () => statusError(403, 'Forbidden', 'no'));
    const clock = new FakeClock();
    const f = new InformerFactory(fake, { clock });
    f.for(Resources.pods);
    f.for(Resources.nodes);
    const run = new AbortController();
    void f.start(run.signal);
    const wait = new AbortController();
    const p = f.waitForSync(wait.signal);
    await until(() => f.for(Resources.pods).hasSynced(), 'the pods informer');
    wait.abort();
    try {
      expect(await p).toBe(false);
    } finally {
      run.abort();
    }
  });
});
