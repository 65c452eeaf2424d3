// The watch fan-out phase: n watches on the ConfigMaps of one namespace, all from the same
// resourceVersion, then changes at a fixed rate; each watcher must receive every change once.
// Every change touches its own (type, name) pair (create fan-k, patch fan-k, delete fan-k),
// so events are matched by type and name, whatever the delete response looks like.
import type { ApiClient, ApiTls } from './api-client.js';
import { MERGE_PATCH, errorText, statusText } from './api-client.js';
import { configMapBody, kindPath, mergePatchFor } from './api-objects.js';
import type { ExpectedEvent, WatchCollectResult, WatchOpenResult } from './api-watch-protocol.js';
import { eventKey } from './api-watch-protocol.js';
import { WatchPool } from './api-watch-pool.js';
import { countKind } from './api-load.js';
import { SampleBuffer } from './stats.js';

export interface FanoutOptions {
  client: ApiClient;
  baseUrl: string;
  tls: ApiTls;
  namespace: string;
  watchers: number;
  workers: number;
  rateHz: number;
  durationS: number;
  drainS: number;
  timeoutMs: number;
  /** Called with the pool once it exists, so an interrupt can close it. */
  onPool?: (pool: WatchPool | undefined) => void;
  /** Called around the opening of the watches. */
  beforeOpen?: () => void;
  afterOpen?: () => void;
  /** Called just before the first change and after the last event arrived (or the drain ended). */
  atStart?: () => void;
  atEnd?: () => void;
  log: (msg: string) => void;
}

export interface FanoutRun {
  watchersRequested: number;
  open: WatchOpenResult[];
  openSeconds: number;
  /** Changes that succeeded (the events every watcher must see). */
  changes: number;
  writeErrors: number;
  writeErrorKinds: Record<string, number>;
  /** Latency of the writes themselves, send to response (ms). */
  writeSamples: Float64Array;
  /** How late the writes went out against their schedule (they are sent one after the other). */
  writeLagMaxMs: number;
  /** From the first write's send to the last write's response. */
  writeSeconds: number;
  /** From the last write's response until every event was in, or the drain deadline. */
  drainSeconds: number;
  drained: boolean;
  collected: WatchCollectResult[];
}

const changeName = (k: number): string => `fan-${k}`;

export async function runFanout(o: FanoutOptions): Promise<FanoutRun> {
  const baseNs = process.hrtime.bigint();
  const msSinceBase = (): number => Number(process.hrtime.bigint() - baseNs) / 1e6;
  const col = kindPath('ConfigMap', o.namespace);
  const list = (await o.client.json('GET', col, [200])) as { metadata?: { resourceVersion?: unknown } };
  const rv = list.metadata?.resourceVersion;
  if (typeof rv !== 'string' || rv === '') throw new Error(`list of ${col} has no resourceVersion`);
  // The server ends the watch on its own after timeoutSeconds: long enough for the phase, bounded.
  const timeoutSeconds = Math.ceil(o.durationS + o.drainS + 300);
  const watchPath = `${col}?watch=1&resourceVersion=${encodeURIComponent(rv)}&timeoutSeconds=${timeoutSeconds}`;

  const pool = new WatchPool(o.workers);
  o.onPool?.(pool);
  try {
    o.log(`fan-out: opening ${o.watchers} watches from resourceVersion ${rv} in ${o.workers} worker thread(s)`);
    o.beforeOpen?.();
    const t0 = process.hrtime.bigint();
    const open = await pool.open(
      { baseUrl: o.baseUrl, tls: { ca: o.tls.ca.toString('utf8'), cert: o.tls.cert.toString('utf8'), key: o.tls.key.toString('utf8') }, path: watchPath, openParallel: 64, timeoutMs: o.timeoutMs, baseNs },
      o.watchers,
    );
    const openSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    o.afterOpen?.();
    const opened = open.reduce((a, r) => a + r.opened, 0);
    o.log(`fan-out: ${opened} watches open in ${openSeconds.toFixed(1)} s (${open.reduce((a, r) => a + r.failed, 0)} failed)`);

    // The changes: one every 1/rate s, each sent after the previous one returned (so the
    // create, patch and delete of one name arrive in order).
    const total = Math.max(1, Math.round(o.durationS * o.rateHz));
    const intervalMs = 1000 / o.rateHz;
    const expected: ExpectedEvent[] = [];
    const writeSamples = new SampleBuffer(total);
    const writeErrorKinds: Record<string, number> = {};
    let writeErrors = 0;
    let lagMax = 0;
    o.atStart?.();
    const start = msSinceBase() + 20;
    for (let i = 0; i < total; i++) {
      const due = start + i * intervalMs;
      const wait = due - msSinceBase();
      if (wait > 0.5) await new Promise((resolve) => setTimeout(resolve, wait));
      const k = Math.floor(i / 3);
      const step = i % 3;
      const name = changeName(k);
      const [method, path, body, type, contentType] =
        step === 0
          ? (['POST', col, configMapBody(o.namespace, name), 'ADDED', undefined] as const)
          : step === 1
            ? (['PATCH', `${col}/${name}`, mergePatchFor('ConfigMap', i), 'MODIFIED', MERGE_PATCH] as const)
            : (['DELETE', `${col}/${name}`, undefined, 'DELETED', undefined] as const);
      const sendMs = msSinceBase();
      lagMax = Math.max(lagMax, sendMs - due);
      let error: string | undefined;
      try {
        const r = await o.client.request(method, path, body, contentType);
        if (r.status !== (step === 0 ? 201 : 200)) error = `${method}: ${statusText(r)}`;
      } catch (err) {
        error = `${method}: ${errorText(err)}`;
      }
      const responseMs = msSinceBase();
      if (error === undefined) {
        expected.push({ key: eventKey(type, name), sendMs, responseMs });
        writeSamples.push(responseMs - sendMs);
      } else {
        writeErrors++;
        countKind(writeErrorKinds, error);
      }
    }

    // Drain: until every open watch has as many events as there were changes, or the deadline.
    const lastResponse = msSinceBase();
    const writeSeconds = (lastResponse - start) / 1000;
    const want = opened * expected.length;
    let drained = false;
    for (;;) {
      const p = await pool.progress();
      if (p.events >= want) {
        drained = true;
        break;
      }
      if (msSinceBase() - lastResponse > o.drainS * 1000) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const drainSeconds = (msSinceBase() - lastResponse) / 1000;
    o.atEnd?.();
    const collected = await pool.collect(expected);
    return {
      watchersRequested: o.watchers,
      open,
      openSeconds,
      changes: expected.length,
      writeErrors,
      writeErrorKinds,
      writeSamples: writeSamples.toArray(),
      writeLagMaxMs: lagMax,
      writeSeconds,
      drainSeconds,
      drained,
      collected,
    };
  } finally {
    o.onPool?.(undefined);
    await pool.close();
  }
}
