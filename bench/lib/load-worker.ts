// Worker-thread entry: owns some gRPC channels, runs the callers of one phase at a time and
// reports counts, errors and latency samples back to the main thread.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { createKvClient } from './kv-client.js';
import type { KvClient } from './kv-client.js';
import type { GoTimes, MainToWorker, PhaseSpec, WorkerPhaseResult, WorkerToMain } from './load-protocol.js';
import { keyFor } from './load-protocol.js';
import { SampleBuffer } from './stats.js';

const port = parentPort;
if (!port) throw new Error('load-worker must run as a worker thread');

const MAX_ERROR_KINDS = 8;

function send(msg: WorkerToMain, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(msg, transfer);
}

function sleepUntil(t: bigint): Promise<void> {
  const ms = Number(t - process.hrtime.bigint()) / 1e6;
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** grpc-js and the h2 client both put the status name in the message. */
function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class PhaseRun {
  private clients: KvClient[] = [];
  private readonly value: Buffer;

  constructor(readonly spec: PhaseSpec) {
    this.value = randomBytes(spec.keys.valueBytes);
  }

  async connect(): Promise<number> {
    // One client per channel, each with its own TCP connection.
    for (const ch of this.spec.channels) this.clients.push(createKvClient(this.spec.client.kind, ch.endpoint));
    await Promise.all(this.clients.map((c) => c.ready(10_000)));
    return this.clients.length;
  }

  close(): void {
    for (const c of this.clients) c.close();
    this.clients = [];
  }

  /** One request; resolves to an error message, or undefined on success. */
  private async one(c: KvClient, key: number): Promise<string | undefined> {
    const spec = this.spec;
    const timeout = spec.client.requestTimeoutMs;
    try {
      if (spec.kind === 'populate' || spec.op === 'put') {
        const revision = await c.put(keyFor(key), this.value, timeout);
        return revision > 0 ? undefined : 'put: reply without a revision';
      }
      const values = await c.range(keyFor(key), spec.op === 'get-serializable', timeout);
      if (values.length !== 1) return `range: ${values.length} keys for a populated key`;
      if (values[0] !== spec.keys.valueBytes) return `range: value of ${values[0]} bytes`;
      return undefined;
    } catch (err) {
      return errorText(err);
    }
  }

  async run(times: GoTimes): Promise<WorkerPhaseResult> {
    const spec = this.spec;
    const samples = new SampleBuffer();
    const result: Omit<WorkerPhaseResult, 'samples' | 'elu' | 'activeMs'> = {
      okInWindow: 0,
      okOutsideWindow: 0,
      errors: 0,
      errorsInWindow: 0,
      errorKinds: {},
    };
    const noteError = (msg: string, inWindow: boolean): void => {
      result.errors++;
      if (inWindow) result.errorsInWindow++;
      const kinds = result.errorKinds;
      if (kinds[msg] !== undefined) kinds[msg]++;
      else if (Object.keys(kinds).length < MAX_ERROR_KINDS) kinds[msg] = 1;
      else kinds['(other)'] = (kinds['(other)'] ?? 0) + 1;
    };

    await sleepUntil(times.startAt);
    const elu0: EventLoopUtilization = performance.eventLoopUtilization();
    const t0 = process.hrtime.bigint();
    // One closed-loop caller per (channel, caller slot) as the phase spreads them.
    const callers: Promise<void>[] = [];
    const spawnCallers = (loop: (c: NonNullable<(typeof this.clients)[number]>) => Promise<void>): void => {
      for (let ci = 0; ci < this.clients.length; ci++) {
        const c = this.clients[ci];
        const n = spec.channels[ci]?.callers ?? 0;
        if (!c) continue;
        for (let k = 0; k < n; k++) callers.push(loop(c));
      }
    };

    if (spec.kind === 'populate') {
      let next = spec.from;
      spawnCallers(async (c) => {
        while (next < spec.to) {
          const key = next++;
          const s = process.hrtime.bigint();
          const err = await this.one(c, key);
          if (err !== undefined) noteError(err, true);
          else {
            result.okInWindow++;
            samples.push(Number(process.hrtime.bigint() - s) / 1e6);
          }
        }
      });
    } else {
      const space = spec.op === 'put' ? spec.keys.space : spec.populated;
      spawnCallers(async (c) => {
        for (;;) {
          const s = process.hrtime.bigint();
          if (s >= times.endAt) return;
          const err = await this.one(c, Math.floor(Math.random() * space));
          const e = process.hrtime.bigint();
          const inWindow = e >= times.warmEnd && e <= times.endAt;
          if (err !== undefined) noteError(err, inWindow);
          else if (inWindow) {
            result.okInWindow++;
            samples.push(Number(e - s) / 1e6);
          } else result.okOutsideWindow++;
        }
      });
    }
    await Promise.all(callers);
    const activeMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const elu = performance.eventLoopUtilization(elu0).utilization;
    return { ...result, samples: samples.toArray(), elu, activeMs };
  }
}

let current: PhaseRun | undefined;

port.on('message', (msg: MainToWorker) => {
  void (async () => {
    try {
      if (msg.type === 'prepare') {
        current?.close();
        current = new PhaseRun(msg.phase);
        const channels = await current.connect();
        send({ type: 'ready', channels });
      } else if (msg.type === 'go') {
        const run = current;
        if (!run) throw new Error('go before prepare');
        const result = await run.run(msg.times);
        run.close();
        current = undefined;
        send({ type: 'done', result }, [result.samples.buffer as ArrayBuffer]);
      } else {
        current?.close();
        port.close();
      }
    } catch (err) {
      current?.close();
      current = undefined;
      send({ type: 'failed', error: errorText(err) });
    }
  })();
});
