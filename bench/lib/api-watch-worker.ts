// Worker-thread entry of the fan-out phase: holds a share of the watches (one HTTPS
// connection each), stamps every event with the time its bytes arrived, and matches them
// against the changes the main thread made.
import https from 'node:https';
import type { ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { errorText } from './api-client.js';
import { countKind } from './api-load.js';
import type { ExpectedEvent, MainToWatchWorker, WatchCollectResult, WatchOpenResult, WatchOpenSpec, WatchWorkerToMain } from './api-watch-protocol.js';
import { eventKey } from './api-watch-protocol.js';
import { SampleBuffer } from './stats.js';

const port = parentPort;
if (!port) throw new Error('api-watch-worker must run as a worker thread');

const MAX_ERROR_KINDS = 8;
const MAX_LINE_BYTES = 16 * 1024 * 1024;

function send(msg: WatchWorkerToMain, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(msg, transfer);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One watch stream and what it received. */
class WatchStream {
  /** First receipt time (ms since baseNs) per event key. */
  readonly got = new Map<string, number>();
  events = 0;
  duplicates = 0;
  errorEvents = 0;
  badLines = 0;
  closed = false;
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(readonly req: ClientRequest) {}

  /** A chunk of the stream arrived at `t`: every line it completes was received at `t`. */
  onData(chunk: Buffer, t: number): void {
    const text = this.pending + this.decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl);
      start = nl + 1;
      if (line.trim() !== '') this.onLine(line, t);
    }
    this.pending = text.slice(start);
    if (this.pending.length > MAX_LINE_BYTES) {
      this.badLines++;
      this.pending = '';
    }
  }

  private onLine(line: string, t: number): void {
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      this.badLines++;
      return;
    }
    if (!isRecord(ev) || typeof ev.type !== 'string' || !isRecord(ev.object)) {
      this.badLines++;
      return;
    }
    if (ev.type === 'BOOKMARK') return;
    if (ev.type === 'ERROR') {
      this.errorEvents++;
      return;
    }
    const meta = ev.object.metadata;
    const name = isRecord(meta) && typeof meta.name === 'string' ? meta.name : '';
    this.events++;
    const key = eventKey(ev.type, name);
    if (this.got.has(key)) this.duplicates++;
    else this.got.set(key, t);
  }
}

let streams: WatchStream[] = [];
let agent: https.Agent | undefined;
let baseNs = 0n;
let elu0: EventLoopUtilization | undefined;

const msSinceBase = (): number => Number(process.hrtime.bigint() - baseNs) / 1e6;

function openOne(spec: WatchOpenSpec, a: https.Agent): Promise<WatchStream> {
  const u = new URL(spec.baseUrl);
  return new Promise<WatchStream>((resolve, reject) => {
    const req = https.request({ host: u.hostname, port: Number(u.port || 443), method: 'GET', path: spec.path, agent: a, headers: { Accept: 'application/json' } });
    const stream = new WatchStream(req);
    // Only the headers have a deadline: the stream itself stays open until closed.
    const timer = setTimeout(() => req.destroy(new Error('watch: no response headers before the deadline')), spec.timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(new Error(`watch: HTTP ${res.statusCode ?? 0}: ${Buffer.concat(chunks).subarray(0, 200).toString('utf8')}`)));
        res.on('error', reject);
        return;
      }
      res.on('data', (chunk: Buffer) => stream.onData(chunk, msSinceBase()));
      res.on('end', () => (stream.closed = true));
      res.on('error', () => (stream.closed = true));
      res.on('close', () => (stream.closed = true));
      resolve(stream);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      stream.closed = true;
      reject(err);
    });
    req.end();
  });
}

async function open(spec: WatchOpenSpec): Promise<WatchOpenResult> {
  baseNs = spec.baseNs;
  const tls = { ca: spec.tls.ca, cert: spec.tls.cert, key: spec.tls.key };
  // No keep-alive pool limits: every watch is its own connection.
  agent = new https.Agent({ keepAlive: false, maxSockets: Infinity, ...tls });
  const a = agent;
  const t0 = performance.now();
  const result: WatchOpenResult = { opened: 0, failed: 0, errorKinds: {}, openMs: 0 };
  let next = 0;
  const opener = async (): Promise<void> => {
    while (next < spec.count) {
      next++;
      try {
        streams.push(await openOne(spec, a));
        result.opened++;
      } catch (err) {
        result.failed++;
        countKind(result.errorKinds, errorText(err), MAX_ERROR_KINDS);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(spec.openParallel, spec.count)) }, opener));
  result.openMs = performance.now() - t0;
  elu0 = performance.eventLoopUtilization();
  return result;
}

function collect(expected: ExpectedEvent[]): WatchCollectResult {
  const elu = elu0 ? performance.eventLoopUtilization(elu0).utilization : 0;
  const fromResponse = new SampleBuffer(Math.max(16, streams.length * expected.length));
  const fromSend = new SampleBuffer(Math.max(16, streams.length * expected.length));
  const r: Omit<WatchCollectResult, 'delaysFromResponse' | 'delaysFromSend'> = {
    watchers: streams.length,
    missing: 0,
    duplicates: 0,
    unexpected: 0,
    errorEvents: 0,
    watchersMissingEvents: 0,
    closedEarly: 0,
    badLines: 0,
    elu,
  };
  for (const s of streams) {
    let matched = 0;
    let missed = 0;
    for (const e of expected) {
      const t = s.got.get(e.key);
      if (t === undefined) {
        missed++;
        continue;
      }
      matched++;
      fromResponse.push(t - e.responseMs);
      fromSend.push(t - e.sendMs);
    }
    r.missing += missed;
    if (missed > 0) r.watchersMissingEvents++;
    r.unexpected += s.got.size - matched;
    r.duplicates += s.duplicates;
    r.errorEvents += s.errorEvents;
    r.badLines += s.badLines;
    if (s.closed) r.closedEarly++;
  }
  return { ...r, delaysFromResponse: fromResponse.toArray(), delaysFromSend: fromSend.toArray() };
}

function closeAll(): void {
  for (const s of streams) s.req.destroy();
  streams = [];
  agent?.destroy();
  agent = undefined;
}

port.on('message', (msg: MainToWatchWorker) => {
  void (async () => {
    try {
      if (msg.type === 'open') {
        closeAll();
        send({ type: 'opened', result: await open(msg.spec) });
      } else if (msg.type === 'progress') {
        send({ type: 'progress', progress: { events: streams.reduce((a, s) => a + s.events, 0), closed: streams.filter((s) => s.closed).length } });
      } else if (msg.type === 'collect') {
        const result = collect(msg.expected);
        send({ type: 'collected', result }, [result.delaysFromResponse.buffer as ArrayBuffer, result.delaysFromSend.buffer as ArrayBuffer]);
      } else {
        closeAll();
        send({ type: 'closed' });
      }
    } catch (err) {
      send({ type: 'failed', error: errorText(err) });
    }
  })();
});
