// Acceptance: Kubernetes watch semantics (?watch=true) of the API server, over plain HTTPS
// with the admin certificate: exactly-once, in-order delivery from a resourceVersion (also
// across an API server restart and a store leader change), 410 Expired for versions the
// server can no longer serve, bookmarks, and selector watches (ADDED when an object starts
// matching, DELETED when it stops). Two API servers share the store; bookmarks every 500 ms.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isRecord } from '../../lib/api/object.js';
import { ApiCluster } from '../support/api-cluster.js';
import { KubeHttpsClient, readAdminTls } from '../support/kube-https.js';
import type { KubeResponse, KubeTls } from '../support/kube-https.js';
import { sleep } from '../support/store-cluster.js';
import { openWatch } from '../support/watch-stream.js';
import type { WatchEvent, WatchOpenResult, WatchStream } from '../support/watch-stream.js';

let c: ApiCluster;
let tls: KubeTls;
/** One client per API server. */
const api: KubeHttpsClient[] = [];

beforeAll(async () => {
  c = await ApiCluster.start({ apiServers: 2, extraApiArgs: ['--watch-bookmark-interval', '500'] });
  tls = readAdminTls(c.certDir);
  for (let i = 0; i < c.ports.length; i++) api.push(new KubeHttpsClient(c.url(i), c.certDir, 32));
}, 120_000);

// A case that failed half-way must not leave the next one without a server or a store member.
beforeEach(async () => {
  for (let i = 0; i < c.store.members.length; i++) if (!c.store.isRunning(i)) c.store.startMember(i);
  await c.store.waitReady();
  for (let i = 0; i < c.ports.length; i++) {
    if (c.isRunning(i)) continue;
    c.startApi(i);
    await c.waitReady(i);
  }
}, 60_000);

afterAll(async () => {
  for (const client of api) client.close();
  await c?.destroy();
}, 60_000);

// ---- requests ------------------------------------------------------------------------------

const MERGE_PATCH = 'application/merge-patch+json';
const SENTINEL = 'zz-sentinel';

function call(server: number, method: string, path: string, body?: unknown, contentType?: string, timeoutMs = 30_000): Promise<KubeResponse> {
  const client = api[server];
  if (!client) throw new Error(`no client for API server ${server}`);
  return client.request({ method, path, body, contentType, timeoutMs });
}

async function must(server: number, method: string, path: string, codes: number[], body?: unknown, contentType?: string): Promise<Record<string, unknown>> {
  const r = await call(server, method, path, body, contentType);
  if (!codes.includes(r.status) || !isRecord(r.json)) {
    throw new Error(`${method} ${path} via server ${server}: expected ${codes.join('/')}, got ${r.status}: ${r.text}`);
  }
  return r.json;
}

function meta(obj: unknown): Record<string, unknown> {
  return isRecord(obj) && isRecord(obj.metadata) ? obj.metadata : {};
}

function rvOf(obj: unknown): number {
  const rv = meta(obj).resourceVersion;
  if (typeof rv !== 'string' || !/^\d+$/.test(rv)) throw new Error(`no numeric resourceVersion in ${JSON.stringify(obj)}`);
  return Number(rv);
}

function nameOf(obj: unknown): string {
  const n = meta(obj).name;
  return typeof n === 'string' ? n : '';
}

const cmPath = (ns: string, name = ''): string => `/api/v1/namespaces/${ns}/configmaps${name === '' ? '' : `/${name}`}`;

async function createNamespace(ns: string): Promise<void> {
  await must(0, 'POST', '/api/v1/namespaces', [201], { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
}

/** The resourceVersion of a list of the namespace's ConfigMaps (what an informer watches from). */
async function listRv(server: number, ns: string): Promise<number> {
  return rvOf(await must(server, 'GET', cmPath(ns), [200]));
}

/** The store's current revision, read with etcdctl. */
async function storeRevision(): Promise<number> {
  const r = await c.store.etcdctl(['get', '/registry/', '--prefix', '--keys-only', '--limit', '1', '-w', 'json']);
  if (r.exitCode !== 0) throw new Error(`etcdctl get failed: ${r.stderr}`);
  const parsed: unknown = JSON.parse(r.stdout);
  const rev = isRecord(parsed) && isRecord(parsed.header) ? parsed.header.revision : undefined;
  if (typeof rev !== 'number') throw new Error(`no header.revision in ${r.stdout}`);
  return rev;
}

function watchPath(resourcePath: string, params: Record<string, string>): string {
  return `${resourcePath}?${new URLSearchParams({ watch: 'true', ...params }).toString()}`;
}

async function startWatch(server: number, resourcePath: string, params: Record<string, string>): Promise<WatchStream> {
  const r = await openWatch(c.url(server), tls, watchPath(resourcePath, params), { signal: AbortSignal.timeout(300_000) });
  if (!r.ok) throw new Error(`watch ${resourcePath} ${JSON.stringify(params)} via server ${server}: ${r.response.status} ${r.response.text}`);
  return r.stream;
}

// ---- changes and their check ------------------------------------------------------------------

type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A write as its response reported it; rv undefined: a delete answered without a resourceVersion. */
interface Change {
  type: ChangeType;
  name: string;
  rv: number | undefined;
}

interface Seen {
  type: string;
  name: string;
  rv: number;
}

function seen(ev: WatchEvent): Seen {
  return { type: ev.type, name: nameOf(ev.object), rv: ev.type === 'ERROR' ? -1 : rvOf(ev.object) };
}

const show = (s: { type: string; name: string; rv: number | undefined }): string => `${s.type} ${s.name}@${s.rv ?? '?'}`;

/**
 * What is wrong with `received` as the exact, ordered history of `expected`: each write
 * once, at its own resourceVersion, in resourceVersion order, nothing else. A delete whose
 * response had no resourceVersion (Kubernetes answers a Status for most kinds) matches one
 * DELETED event of that name after the name's other changes.
 */
function historyProblems(received: readonly Seen[], expected: readonly Change[]): string[] {
  const problems: string[] = [];
  for (let i = 1; i < received.length; i++) {
    const prev = received[i - 1] as Seen;
    const cur = received[i] as Seen;
    if (cur.rv <= prev.rv) problems.push(`event #${i} ${show(cur)} does not follow #${i - 1} ${show(prev)} in resourceVersion order`);
  }
  const known = new Map<number, Change>();
  const lastKnown = new Map<string, number>();
  const openDeletes = new Set<string>();
  for (const ch of expected) {
    if (ch.rv === undefined) {
      openDeletes.add(ch.name);
      continue;
    }
    if (known.has(ch.rv)) problems.push(`two writes answered with resourceVersion ${ch.rv}`);
    known.set(ch.rv, ch);
    lastKnown.set(ch.name, Math.max(lastKnown.get(ch.name) ?? 0, ch.rv));
  }
  const matched = new Set<number>();
  for (const [i, ev] of received.entries()) {
    const want = known.get(ev.rv);
    if (want) {
      if (want.type !== ev.type || want.name !== ev.name) problems.push(`event #${i} ${show(ev)}: the write at ${ev.rv} was ${show(want)}`);
      else if (matched.has(ev.rv)) problems.push(`event #${i} ${show(ev)} delivered twice`);
      matched.add(ev.rv);
    } else if (ev.type === 'DELETED' && openDeletes.has(ev.name) && ev.rv > (lastKnown.get(ev.name) ?? 0)) {
      openDeletes.delete(ev.name);
    } else {
      problems.push(`event #${i} ${show(ev)} matches no write`);
    }
  }
  for (const ch of known.values()) if (!matched.has(ch.rv as number)) problems.push(`missing ${show(ch)}`);
  for (const name of openDeletes) problems.push(`missing DELETED ${name}`);
  return problems;
}

function changeOf(type: ChangeType, body: unknown): Change {
  return { type, name: nameOf(body), rv: rvOf(body) };
}

async function createCm(server: number, ns: string, name: string, value: string, labels?: Record<string, string>): Promise<Change> {
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) }, data: { v: value } };
  return changeOf('ADDED', await must(server, 'POST', cmPath(ns), [201], body));
}

async function patchCm(server: number, ns: string, name: string, patch: Record<string, unknown>): Promise<Change> {
  return changeOf('MODIFIED', await must(server, 'PATCH', cmPath(ns, name), [200], patch, MERGE_PATCH));
}

/** PUT without a resourceVersion: an unconditional update. */
async function replaceCm(server: number, ns: string, name: string, value: string): Promise<Change> {
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { v: value } };
  return changeOf('MODIFIED', await must(server, 'PUT', cmPath(ns, name), [200], body));
}

/** The deleted object's resourceVersion when the answer carries the object, else unknown. */
function deletionOf(name: string, body: unknown): Change {
  const rv = isRecord(body) && body.kind === 'ConfigMap' ? rvOf(body) : undefined;
  return { type: 'DELETED', name, rv };
}

async function deleteCm(server: number, ns: string, name: string): Promise<Change> {
  return deletionOf(name, await must(server, 'DELETE', cmPath(ns, name), [200]));
}

/** Runs fn over items with at most `width` in flight; results in item order. */
async function pool<T, R>(items: readonly T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, () => worker()));
  return out;
}

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Reads until the sentinel ConfigMap arrives; fails if the stream ends or time runs out first. */
async function collectToSentinel(stream: WatchStream, timeoutMs = 60_000): Promise<Seen[]> {
  const r = await stream.collect((ev) => nameOf(ev.object) === SENTINEL, timeoutMs);
  if (r.outcome !== 'matched') {
    throw new Error(`watch ${r.outcome} (${JSON.stringify(r.end)}) before the sentinel; got ${r.events.map((e) => show(seen(e))).join(', ')}`);
  }
  stream.close();
  return r.events.map(seen);
}

// ---- 410 ---------------------------------------------------------------------------------

const EXPIRED_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/**
 * The Status a too-old watch answers with: as an HTTP 410, or (as Kubernetes' watch cache
 * does) a 200 whose first event is an ERROR carrying the Status, after which the stream ends.
 */
async function expiredWatchStatus(r: WatchOpenResult): Promise<{ status: unknown; via: string; after: string }> {
  if (!r.ok) return { status: r.response.json, via: `HTTP ${r.response.status}`, after: 'n/a' };
  const first = await r.stream.next(10_000);
  if (first.kind !== 'event') {
    r.stream.close();
    return { status: undefined, via: `stream ${first.kind}`, after: 'n/a' };
  }
  const then = await r.stream.next(5_000);
  r.stream.close();
  return { status: first.event.object, via: first.event.type, after: then.kind === 'event' ? `event ${then.event.type}` : then.kind };
}

function goneStatus(message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410 };
}

// ---- a watch that resumes as client-go's reflector does ----------------------------------------

/** Watches from a resourceVersion; when the stream ends, watches again from the last version seen. */
class ResumingWatch {
  readonly events: Seen[] = [];
  readonly errors: string[] = [];
  resumes = 0;
  private lastRv: number;

  constructor(
    private readonly server: number,
    private readonly path: string,
    from: number,
  ) {
    this.lastRv = from;
  }

  /** Resolves true once `done` holds for an event, false on a 410 or when time is up. */
  async run(done: (s: Seen) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      let r: WatchOpenResult;
      try {
        r = await openWatch(c.url(this.server), tls, watchPath(this.path, { resourceVersion: String(this.lastRv) }), { signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
      } catch (err) {
        this.errors.push(`open from ${this.lastRv}: ${String(err)}`);
        await sleep(300);
        continue;
      }
      if (!r.ok) {
        this.errors.push(`open from ${this.lastRv}: HTTP ${r.response.status} ${r.response.text}`);
        if (r.response.status === 410) return false;
        await sleep(300);
        continue;
      }
      const got = await r.stream.collect((ev) => ev.type === 'ERROR' || done(seen(ev)), Math.max(0, deadline - Date.now()));
      r.stream.close();
      for (const ev of got.events) {
        if (ev.type === 'ERROR') {
          this.errors.push(`ERROR event after ${this.lastRv}: ${JSON.stringify(ev.object)}`);
          if (ev.object.code === 410) return false;
          break;
        }
        const s = seen(ev);
        this.events.push(s);
        this.lastRv = s.rv;
      }
      if (got.outcome === 'matched' && got.events.at(-1)?.type !== 'ERROR') return true;
      if (got.outcome === 'timeout') return false;
      this.resumes++;
      await sleep(100);
    }
    return false;
  }
}

// ---- writes that survive a store leader change ---------------------------------------------------

const TRANSIENT = new Set([429, 500, 502, 503, 504]);

/** Writes retried through transient failures; an unknown outcome is resolved by what the retry finds. */
class DurableWriter {
  readonly notes: string[] = [];
  /** Attempts that failed transiently and were retried. */
  retries = 0;

  constructor(private readonly server: number) {}

  private async attempt(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse | Error> {
    try {
      return await call(this.server, method, path, body, contentType, 10_000);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  private async retrying(what: string, op: () => Promise<KubeResponse | Error>, settle: (r: KubeResponse, uncertain: boolean) => Promise<Change | undefined>): Promise<Change> {
    const deadline = Date.now() + 60_000;
    let uncertain = false;
    let last = '';
    while (Date.now() < deadline) {
      const r = await op();
      if (r instanceof Error || TRANSIENT.has(r.status)) {
        uncertain = true;
        this.retries++;
        last = r instanceof Error ? r.message : `${r.status} ${r.text}`;
        await sleep(200);
        continue;
      }
      const ch = await settle(r, uncertain);
      if (ch) return ch;
      throw new Error(`${what}: unexpected ${r.status} ${r.text}`);
    }
    throw new Error(`${what}: still failing after 60 s: ${last}`);
  }

  create(ns: string, name: string): Promise<Change> {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: 'created' } };
    return this.retrying(`POST ${name}`, () => this.attempt('POST', cmPath(ns), body), async (r, uncertain) => {
      if (r.status === 201) return changeOf('ADDED', r.json);
      if (r.status !== 409) return undefined;
      // An earlier attempt (ours, or the server's own retry) created it; nothing else writes this name.
      if (!uncertain) this.notes.push(`POST ${name} answered 409 AlreadyExists on its first attempt: the create had committed (a server-side retry)`);
      const got = await this.retrying(`GET ${name}`, () => this.attempt('GET', cmPath(ns, name)), async (g) => (g.status === 200 ? changeOf('ADDED', g.json) : undefined));
      return got;
    });
  }

  /** A merge patch to a value no earlier write had: a retry after a committed attempt is a no-op answering the committed version. */
  patch(ns: string, name: string, value: string): Promise<Change> {
    return this.retrying(`PATCH ${name}`, () => this.attempt('PATCH', cmPath(ns, name), { data: { v: value } }, MERGE_PATCH), async (r) => (r.status === 200 ? changeOf('MODIFIED', r.json) : undefined));
  }

  delete(ns: string, name: string): Promise<Change> {
    return this.retrying(`DELETE ${name}`, () => this.attempt('DELETE', cmPath(ns, name)), async (r, uncertain) => {
      if (r.status === 200) return deletionOf(name, r.json);
      if (r.status !== 404) return undefined;
      if (!uncertain) this.notes.push(`DELETE ${name} answered 404 on its first attempt: the delete had committed (a server-side retry)`);
      return { type: 'DELETED', name, rv: undefined };
    });
  }
}

/** The namespace's ConfigMaps as a replay of the events leaves them: name → resourceVersion. */
function replay(events: readonly Seen[]): Map<string, number> {
  const state = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'DELETED') state.delete(e.name);
    else state.set(e.name, e.rv);
  }
  return state;
}

async function currentState(server: number, ns: string): Promise<Map<string, number>> {
  const list = await must(server, 'GET', cmPath(ns), [200]);
  const items = Array.isArray(list.items) ? list.items : [];
  return new Map(items.map((o: unknown) => [nameOf(o), rvOf(o)]));
}

// ---- the cases ---------------------------------------------------------------------------------

describe('watch (?watch=true)', () => {
  it('delivers every change after the list resourceVersion exactly once, in order', async () => {
    const ns = 'watch-order';
    await createNamespace(ns);
    const from = await listRv(0, ns);
    const stream = await startWatch(0, cmPath(ns), { resourceVersion: String(from) });
    const reading = collectToSentinel(stream);

    // 200 changes: 80 creates, then 80 updates (4 at a time on the same object) alongside 40 deletes.
    const creates = await pool(range(80), 8, (k) => createCm(k % 2, ns, `cm-${String(k).padStart(3, '0')}`, 'created'));
    const [updates, deletes] = await Promise.all([
      pool(range(80), 8, (k) => {
        const name = `cm-${String(Math.floor(k / 4)).padStart(3, '0')}`;
        return k % 2 === 0 ? patchCm(k % 4 === 0 ? 0 : 1, ns, name, { data: { v: `u${k}` } }) : replaceCm(k % 4 === 1 ? 0 : 1, ns, name, `u${k}`);
      }),
      pool(range(40, 40), 4, (k) => deleteCm(k % 2, ns, `cm-${String(k).padStart(3, '0')}`)),
    ]);
    const expected = [...creates, ...updates, ...deletes];
    expect(expected).toHaveLength(200);
    await createCm(0, ns, SENTINEL, 'end');

    const received = (await reading).filter((e) => e.name !== SENTINEL);
    expect(historyProblems(received, expected)).toEqual([]);
    expect(received).toHaveLength(200);
    // The writes' own versions, sorted, are the sequence the watch delivered.
    const byRv = expected.filter((e) => e.rv !== undefined).sort((a, b) => (a.rv as number) - (b.rv as number));
    expect(received.filter((e) => byRv.some((w) => w.rv === e.rv))).toEqual(byRv.map((w) => ({ type: w.type, name: w.name, rv: w.rv })));
  }, 120_000);

  it('continues exactly once across an API server restart (resumed from the last resourceVersion)', async () => {
    const ns = 'watch-restart';
    await createNamespace(ns);
    const from = await listRv(0, ns);
    const first = await startWatch(0, cmPath(ns), { resourceVersion: String(from) });
    const firstReading = first.collect(() => false, 60_000);

    const expected: Change[] = [];
    expected.push(...(await pool(range(40), 4, (k) => createCm(1, ns, `cm-${k}`, 'created'))));
    // Server 0 is stopped while updates through server 1 are in flight.
    let updatesDone = 0;
    const updates = pool(range(40), 4, async (k) => {
      const ch = await patchCm(1, ns, `cm-${k % 20}`, { data: { v: `b${k}` } });
      updatesDone++;
      return ch;
    });
    await until('10 updates', () => updatesDone >= 10, 30_000);
    await c.stopApi(0, 'SIGTERM');
    expected.push(...(await updates));
    const firstGot = await firstReading;
    expect(firstGot.outcome).toBe('ended');
    const before = firstGot.events.map(seen);
    const lastSeen = before.at(-1)?.rv ?? from;

    // While server 0 is down: deletes and updates through server 1.
    expected.push(...(await pool(range(20, 20), 4, (k) => deleteCm(1, ns, `cm-${k}`))));
    expected.push(...(await pool(range(20), 4, (k) => replaceCm(1, ns, `cm-${k}`, `c${k}`))));
    const revisionAtRestart = await storeRevision();
    c.startApi(0);
    await c.waitReady(0);

    // The restarted server's cache begins at its start: the older version is gone from it.
    const fromRestarted = await expiredWatchStatus(await openWatch(c.url(0), tls, watchPath(cmPath(ns), { resourceVersion: String(lastSeen) }), { signal: AbortSignal.timeout(30_000) }));
    expect(fromRestarted.via === 'ERROR' || fromRestarted.via === 'HTTP 410', `answered ${fromRestarted.via}`).toBe(true);
    expect.soft(fromRestarted.status).toEqual(goneStatus(`too old resource version: ${lastSeen} (${revisionAtRestart})`));

    // Server 1 kept its window: resume there, and write through the restarted server 0.
    const second = await startWatch(1, cmPath(ns), { resourceVersion: String(lastSeen) });
    const secondReading = collectToSentinel(second);
    expected.push(...(await pool(range(20), 4, (k) => createCm(0, ns, `cm-d-${k}`, 'created'))));
    await createCm(0, ns, SENTINEL, 'end');
    const after = (await secondReading).filter((e) => e.name !== SENTINEL);

    expect(before.every((e) => e.rv <= lastSeen) && after.every((e) => e.rv > lastSeen)).toBe(true);
    expect(historyProblems([...before, ...after], expected)).toEqual([]);
  }, 120_000);

  it('keeps every successful write exactly once and in order across a store leader change', async () => {
    const ns = 'watch-leader';
    await createNamespace(ns);
    const from = await listRv(0, ns);
    const watches = [new ResumingWatch(0, cmPath(ns), from), new ResumingWatch(1, cmPath(ns), from)];
    const watching = watches.map((w) => w.run((s) => s.name === SENTINEL, 150_000));

    const writers = range(4).map((w) => new DurableWriter(w % 2));
    let done = 0;
    const expected: Change[] = [];
    const record = (ch: Change): void => {
      expected.push(ch);
      done++;
    };
    // Each of 4 writers creates, patches twice and (every other one) deletes its own objects;
    // phases keep every name's writes in order while the store changes leader under them.
    const phase = (js: number[]): Promise<void[]> =>
      Promise.all(
        writers.map(async (writer, w) => {
          for (const j of js) {
            const name = `w${w}-${j}`;
            record(await writer.create(ns, name));
            record(await writer.patch(ns, name, `p1-${j}`));
            record(await writer.patch(ns, name, `p2-${j}`));
            if (j % 2 === 1) record(await writer.delete(ns, name));
          }
        }),
      );
    await phase([0, 1, 2]);
    const leader = await c.store.leaderIndex();
    expect(leader).toBeTypeOf('number');
    // The leader dies with writes in flight; they wait out the election (or fail and are retried).
    const before = done;
    const during = phase([3, 4, 5, 6]);
    await until('writes under way', () => done >= before + 4, 30_000);
    await c.store.kill(leader as number, 'SIGKILL');
    const atKill = done;
    await during;
    const afterElection = done;
    // It comes back and catches up while the last writes go on.
    c.store.startMember(leader as number);
    await phase([7, 8, 9]);
    await c.store.waitReady();
    expect(expected).toHaveLength(140);
    const sentinel = await writers[0]?.create(ns, SENTINEL);
    expect(sentinel?.type).toBe('ADDED');

    const reached = await Promise.all(watching);
    const finalState = await currentState(0, ns);
    for (const [i, w] of watches.entries()) {
      const events = w.events.filter((e) => e.name !== SENTINEL);
      expect({ server: i, reachedSentinel: reached[i], errors: w.errors.filter((e) => e.includes('410')) }).toEqual({ server: i, reachedSentinel: true, errors: [] });
      expect({ server: i, problems: historyProblems(events, expected) }).toEqual({ server: i, problems: [] });
      expect(replay(w.events)).toEqual(finalState);
    }
    // What the leader change did, for the record: retried writes, resumed watches, answers worth a look.
    const notes = writers.flatMap((wr) => wr.notes);
    console.info(
      `leader change (killed member ${String(leader)} after ${atKill} writes, ${afterElection - atKill} written during the election): ${writers.reduce((n, wr) => n + wr.retries, 0)} write attempts retried; ` +
        `watch resumes ${watches.map((w) => w.resumes).join('/')}; watch errors ${JSON.stringify(watches.map((w) => w.errors))}` +
        (notes.length > 0 ? `; ${notes.join('; ')}` : ''),
    );
  }, 240_000);

  it('answers 410 Expired for a resourceVersion the server can no longer serve', async () => {
    const ns = 'watch-expired';
    await createNamespace(ns);
    const expected: Change[] = [];
    for (const n of ['a', 'b', 'c']) expected.push(await createCm(1, ns, n, 'created'));
    const old = expected[0]?.rv as number;

    // A consistent paged list: its continue token reads the store at the first page's revision.
    const page1 = await must(1, 'GET', `${cmPath(ns)}?limit=1`, [200]);
    expect((Array.isArray(page1.items) ? page1.items : []).map(nameOf)).toEqual(['a']);
    const token = meta(page1).continue;
    expect(token).toBeTypeOf('string');

    for (const k of range(10)) expected.push(await patchCm(k % 2, ns, ['a', 'b', 'c'][k % 3] as string, { data: { v: `v${k}` } }));
    const compactAt = await storeRevision();
    const compacted = await c.store.etcdctl(['compact', String(compactAt)]);
    expect(compacted.exitCode, compacted.stderr).toBe(0);

    // The continue token's revision is compacted: 410, with a token to go on inconsistently.
    const expiredPage = await call(1, 'GET', `${cmPath(ns)}?limit=1&continue=${encodeURIComponent(String(token))}`);
    const { metadata: expiredMeta, ...expiredRest } = isRecord(expiredPage.json) ? expiredPage.json : {};
    expect.soft({ code: expiredPage.status, body: expiredRest }).toEqual({
      code: 410,
      body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: EXPIRED_CONTINUE, reason: 'Expired', code: 410 },
    });
    const next = isRecord(expiredMeta) ? expiredMeta.continue : undefined;
    expect.soft(next, 'Kubernetes puts a continue token for the rest of the list (at the latest version) in the 410').toBeTypeOf('string');
    if (typeof next === 'string') {
      const rest = await must(1, 'GET', `${cmPath(ns)}?limit=1&continue=${encodeURIComponent(next)}`, [200]);
      expect.soft((Array.isArray(rest.items) ? rest.items : []).map(nameOf)).toEqual(['b']);
    }

    // Server 0's cache started before `old`, so it still serves the history (the store compacted it).
    const cached = await startWatch(0, cmPath(ns), { resourceVersion: String(old) });
    const lastRv = Math.max(...expected.map((e) => e.rv as number));
    const got = await cached.collect((ev) => rvOf(ev.object) >= lastRv, 30_000);
    cached.close();
    expect(got.outcome).toBe('matched');
    expect(historyProblems(got.events.map(seen), expected.slice(1))).toEqual([]);

    // A server started after `old` has no history before its start: the watch expired.
    await c.stopApi(1, 'SIGTERM');
    const startedAt = await storeRevision();
    c.startApi(1);
    await c.waitReady(1);
    const tooOld = await expiredWatchStatus(await openWatch(c.url(1), tls, watchPath(cmPath(ns), { resourceVersion: String(old) }), { signal: AbortSignal.timeout(30_000) }));
    expect(tooOld.via === 'ERROR' || tooOld.via === 'HTTP 410', `answered ${tooOld.via}`).toBe(true);
    expect.soft(tooOld.status).toEqual(goneStatus(`too old resource version: ${old} (${startedAt})`));
    if (tooOld.via === 'ERROR') expect(tooOld.after, 'the stream ends after the ERROR event').toBe('end');

    // The version the cache started at is the oldest it serves (Kubernetes: not older than the list).
    const edge = await startWatch(1, cmPath(ns), { resourceVersion: String(startedAt) });
    const change = await patchCm(1, ns, 'a', { data: { v: 'edge' } });
    const edgeGot = await edge.collect((ev) => ev.type === 'ERROR' || rvOf(ev.object) >= (change.rv as number), 15_000);
    edge.close();
    expect(edgeGot.events.map(seen)).toEqual([{ type: 'MODIFIED', name: 'a', rv: change.rv }]);
  }, 120_000);

  it('sends BOOKMARK events with allowWatchBookmarks=true, and only then', async () => {
    const ns = 'watch-bookmarks';
    await createNamespace(ns);
    const from = await listRv(0, ns);
    const stream = await startWatch(0, cmPath(ns), { resourceVersion: String(from), allowWatchBookmarks: 'true' });
    const x = await createCm(0, ns, 'x', 'one');
    const got = await stream.collect((ev) => ev.type === 'BOOKMARK' && rvOf(ev.object) >= (x.rv as number), 15_000);
    stream.close();
    expect(got.outcome).toBe('matched');
    const bookmark = got.events.at(-1)?.object ?? {};
    expect({ kind: bookmark.kind, apiVersion: bookmark.apiVersion, name: meta(bookmark).name }).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', name: undefined });
    expect(meta(bookmark).resourceVersion).toMatch(/^\d+$/);
    // Bookmarks never go back, nor behind an event already sent.
    let high = from;
    for (const ev of got.events) {
      const rv = rvOf(ev.object);
      expect(rv, `${ev.type} at ${rv} after ${high}`).toBeGreaterThanOrEqual(high);
      high = rv;
    }
    expect(got.events.filter((e) => e.type !== 'BOOKMARK').map(seen)).toEqual([{ type: 'ADDED', name: 'x', rv: x.rv }]);

    // A bookmark's version is a place to resume from: the next watch sees only what follows.
    const resumed = await startWatch(1, cmPath(ns), { resourceVersion: String(rvOf(bookmark)) });
    const y = await createCm(1, ns, 'y', 'two');
    const resumedGot = await resumed.collect((ev) => ev.type !== 'BOOKMARK' && rvOf(ev.object) >= (y.rv as number), 15_000);
    resumed.close();
    expect(resumedGot.events.map(seen)).toEqual([{ type: 'ADDED', name: 'y', rv: y.rv }]);

    // Without the parameter no BOOKMARK comes, however long the watch runs (here several intervals).
    const plain = await startWatch(0, cmPath(ns), { resourceVersion: String(y.rv) });
    await sleep(1_600);
    await createCm(0, ns, SENTINEL, 'end');
    expect((await collectToSentinel(plain)).map((e) => e.type)).toEqual(['ADDED']);
  }, 60_000);

  it('turns a label selector change into ADDED and DELETED events', async () => {
    const ns = 'watch-labels';
    await createNamespace(ns);
    const from = await listRv(0, ns);
    const stream = await startWatch(0, cmPath(ns), { resourceVersion: String(from), labelSelector: 'app=web' });
    await createCm(0, ns, 'a', 'one', { app: 'db' }); // not matching: nothing
    const starts = await patchCm(0, ns, 'a', { metadata: { labels: { app: 'web' } } });
    const changes = await patchCm(1, ns, 'a', { data: { v: 'two' } });
    const stops = await patchCm(0, ns, 'a', { metadata: { labels: { app: 'db' } } });
    await patchCm(0, ns, 'a', { data: { v: 'three' } }); // not matching: nothing
    const again = await patchCm(1, ns, 'a', { metadata: { labels: { app: 'web' } } });
    const gone = await deleteCm(0, ns, 'a');
    await createCm(0, ns, 'b', 'one', { app: 'db' });
    await deleteCm(0, ns, 'b'); // never matched: nothing
    const sentinel = await createCm(0, ns, SENTINEL, 'end', { app: 'web' });

    const got = await stream.collect((ev) => nameOf(ev.object) === SENTINEL, 30_000);
    stream.close();
    expect(got.outcome).toBe('matched');
    expect(historyProblems(got.events.map(seen), [{ ...starts, type: 'ADDED' }, changes, { ...stops, type: 'DELETED' }, { ...again, type: 'ADDED' }, gone, sentinel])).toEqual([]);
    // The object stopping to match is sent as it was before the change, at the change's version.
    const deleted = got.events[2]?.object ?? {};
    expect({ rv: rvOf(deleted), labels: meta(deleted).labels, data: deleted.data }).toEqual({ rv: stops.rv, labels: { app: 'web' }, data: { v: 'two' } });
    const added = got.events[3]?.object ?? {};
    expect({ labels: meta(added).labels, data: added.data }).toEqual({ labels: { app: 'web' }, data: { v: 'three' } });
  }, 60_000);

  it('turns a field selector change into ADDED and DELETED events', async () => {
    const ns = 'watch-fields';
    await createNamespace(ns);
    const podsPath = `/api/v1/namespaces/${ns}/pods`;
    const from = rvOf(await must(0, 'GET', podsPath, [200]));
    const stream = await startWatch(0, podsPath, { resourceVersion: String(from), fieldSelector: 'status.phase=Running' });
    const pod = (name: string): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const phase = async (name: string, p: string): Promise<Change> =>
      changeOf('MODIFIED', await must(1, 'PATCH', `${podsPath}/${name}/status`, [200], { status: { phase: p } }, MERGE_PATCH));
    await must(0, 'POST', podsPath, [201], pod('p')); // Pending: nothing
    const running = await phase('p', 'Running');
    const succeeded = await phase('p', 'Succeeded');
    await must(0, 'DELETE', `${podsPath}/p`, [200]); // not matching: nothing
    await must(0, 'POST', podsPath, [201], pod('q'));
    const sentinel = await phase('q', 'Running');

    const got = await stream.collect((ev) => nameOf(ev.object) === 'q', 30_000);
    stream.close();
    expect(got.outcome).toBe('matched');
    expect(got.events.map(seen)).toEqual([
      { type: 'ADDED', name: 'p', rv: running.rv },
      { type: 'DELETED', name: 'p', rv: succeeded.rv },
      { type: 'ADDED', name: 'q', rv: sentinel.rv },
    ]);
    const deleted = got.events[1]?.object ?? {};
    expect(isRecord(deleted.status) ? deleted.status.phase : undefined, 'the DELETED object is the last matching state').toBe('Running');
  }, 60_000);
});
