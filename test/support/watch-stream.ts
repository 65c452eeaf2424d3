// Reads a Kubernetes watch response (GET ...?watch=true): newline-delimited JSON, one
// {"type","object"} event per line. Events queue up to a bound, after which the socket is
// paused until the reader catches up, so a slow test never buffers without limit. A stream
// is read as an async iterator or collected until a predicate holds, it ends or time is up.
import type { ClientRequest, IncomingMessage } from 'node:http';
import https from 'node:https';
import { isRecord } from '../../lib/api/object.js';
import { readResponse } from './kube-https.js';
import type { KubeResponse, KubeTls } from './kube-https.js';

export interface WatchEvent {
  type: string;
  object: Record<string, unknown>;
}

/**
 * Why a stream ended: the server finished the response, the connection broke mid-response,
 * the client aborted it (close() or the AbortSignal), or a line was not a watch event.
 */
export type WatchEnd =
  | { kind: 'closed' }
  | { kind: 'broken'; error: Error }
  | { kind: 'aborted' }
  | { kind: 'malformed'; line: string };

export type WatchNext = { kind: 'event'; event: WatchEvent } | { kind: 'end'; end: WatchEnd } | { kind: 'timeout' };

export interface CollectResult {
  events: WatchEvent[];
  /** matched: the predicate held for the last event; ended: the stream ended first. */
  outcome: 'matched' | 'ended' | 'timeout';
  /** Set when outcome is 'ended'. */
  end?: WatchEnd;
}

/** A watch request answers 200 with a stream, or another status with a body (a Status). */
export type WatchOpenResult = { ok: true; stream: WatchStream } | { ok: false; response: KubeResponse };

export interface OpenWatchOptions {
  /** Aborting ends the stream (or fails the request before the response). */
  signal?: AbortSignal;
  /** Events held before the socket is paused (default 10,000). */
  maxBufferedEvents?: number;
  /** A single line longer than this ends the stream as malformed (default 16 MiB). */
  maxLineBytes?: number;
  /** Time allowed for the response headers (default 15 s). */
  headersTimeoutMs?: number;
}

const MAX_ERROR_BODY = 1024 * 1024;

export class WatchStream implements AsyncIterable<WatchEvent> {
  private readonly queue: WatchEvent[] = [];
  private partial = '';
  private endState: WatchEnd | undefined;
  private wake: (() => void) | undefined;
  private paused = false;
  private abortedByClient = false;

  constructor(
    private readonly req: ClientRequest,
    private readonly res: IncomingMessage,
    private readonly maxBuffered: number,
    private readonly maxLineBytes: number,
    signal?: AbortSignal,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.onData(chunk));
    res.on('end', () => this.finish(this.partial.trim() === '' ? { kind: 'closed' } : { kind: 'malformed', line: this.partial }));
    res.on('error', (error: Error) => this.finish(this.abortedByClient ? { kind: 'aborted' } : { kind: 'broken', error }));
    res.on('close', () => this.finish(this.abortedByClient ? { kind: 'aborted' } : { kind: 'broken', error: new Error('connection closed before the response ended') }));
    if (signal) {
      if (signal.aborted) this.close();
      else signal.addEventListener('abort', () => this.close(), { once: true });
    }
  }

  /** How the stream ended, once it has (events may still be queued). */
  get end(): WatchEnd | undefined {
    return this.endState;
  }

  get buffered(): number {
    return this.queue.length;
  }

  /** Ends the stream from the client side; queued events stay readable. */
  close(): void {
    this.abortedByClient = true;
    this.req.destroy();
    this.finish({ kind: 'aborted' });
  }

  private onData(chunk: string): void {
    if (this.endState) return;
    this.partial += chunk;
    let nl = this.partial.indexOf('\n');
    while (nl >= 0) {
      const line = this.partial.slice(0, nl).trim();
      this.partial = this.partial.slice(nl + 1);
      if (line !== '' && !this.push(line)) return;
      nl = this.partial.indexOf('\n');
    }
    if (this.partial.length > this.maxLineBytes) {
      this.fail(this.partial.slice(0, 200));
      return;
    }
    if (this.queue.length >= this.maxBuffered && !this.paused) {
      this.paused = true;
      this.res.pause();
    }
    this.notify();
  }

  private push(line: string): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.fail(line);
      return false;
    }
    if (!isRecord(parsed) || typeof parsed.type !== 'string' || !isRecord(parsed.object)) {
      this.fail(line);
      return false;
    }
    this.queue.push({ type: parsed.type, object: parsed.object });
    return true;
  }

  private fail(line: string): void {
    this.finish({ kind: 'malformed', line });
    this.req.destroy();
  }

  private finish(end: WatchEnd): void {
    if (this.endState) return;
    this.endState = end;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** The next event, the end of the stream, or a timeout (one reader at a time). */
  async next(timeoutMs: number): Promise<WatchNext> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = this.queue.shift();
      if (event) {
        if (this.paused && this.queue.length <= this.maxBuffered / 2) {
          this.paused = false;
          this.res.resume();
        }
        return { kind: 'event', event };
      }
      if (this.endState) return { kind: 'end', end: this.endState };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'timeout' };
      if (this.wake) throw new Error('WatchStream.next: only one reader at a time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wake = undefined;
          resolve();
        }, Math.min(left, 2_147_000_000));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /**
   * Reads events until `until` holds for one (included), the stream ends, or timeoutMs
   * passes; returns every event read.
   */
  async collect(until: (event: WatchEvent, seen: readonly WatchEvent[]) => boolean, timeoutMs: number): Promise<CollectResult> {
    const deadline = Date.now() + timeoutMs;
    const events: WatchEvent[] = [];
    for (;;) {
      const n = await this.next(Math.max(0, deadline - Date.now()));
      if (n.kind === 'timeout') return { events, outcome: 'timeout' };
      if (n.kind === 'end') return { events, outcome: 'ended', end: n.end };
      events.push(n.event);
      if (until(n.event, events)) return { events, outcome: 'matched' };
    }
  }

  /** Iterates until the stream ends; bound it with the AbortSignal given to openWatch. Breaking out closes the stream. */
  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: async (): Promise<IteratorResult<WatchEvent>> => {
        const n = await this.next(Number.POSITIVE_INFINITY);
        if (n.kind === 'event') return { done: false, value: n.event };
        return { done: true, value: undefined };
      },
      return: async (): Promise<IteratorResult<WatchEvent>> => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }
}

/**
 * Starts a watch (pathAndQuery includes watch=true) on its own connection. Resolves with the
 * stream on 200, or with the whole response of any other answer.
 */
export function openWatch(baseUrl: string, tls: KubeTls, pathAndQuery: string, opts: OpenWatchOptions = {}): Promise<WatchOpenResult> {
  const url = new URL(pathAndQuery, baseUrl);
  return new Promise<WatchOpenResult>((resolve, reject) => {
    const req = https.request(url, {
      method: 'GET',
      ...tls,
      agent: false,
      headers: { Accept: 'application/json' },
    });
    const timer = setTimeout(() => req.destroy(new Error(`no response to GET ${pathAndQuery} within ${opts.headersTimeoutMs ?? 15_000} ms`)), opts.headersTimeoutMs ?? 15_000);
    const onAbort = (): void => {
      req.destroy(new Error(`GET ${pathAndQuery} aborted`));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (res.statusCode === 200) {
        resolve({ ok: true, stream: new WatchStream(req, res, opts.maxBufferedEvents ?? 10_000, opts.maxLineBytes ?? 16 * 1024 * 1024, opts.signal) });
        return;
      }
      readResponse(req, res, MAX_ERROR_BODY).then((response) => resolve({ ok: false, response }), reject);
    });
    if (opts.signal?.aborted) onAbort();
    req.end();
  });
}
