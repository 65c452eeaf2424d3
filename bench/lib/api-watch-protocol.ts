// Messages between the API bench's main thread and the worker threads that hold the watches.

export interface WatchOpenSpec {
  /** https://host:port of the API server. */
  baseUrl: string;
  /** PEM texts of the CA and the admin client certificate and key. */
  tls: { ca: string; cert: string; key: string };
  /** The watch request, e.g. /api/v1/namespaces/x/configmaps?watch=1&resourceVersion=12. */
  path: string;
  /** Watches this worker opens. */
  count: number;
  /** Watches being opened at once (TLS handshakes in flight). */
  openParallel: number;
  /** Deadline for each watch to answer with its headers. */
  timeoutMs: number;
  /** process.hrtime.bigint() origin of the millisecond times exchanged (same clock in every thread). */
  baseNs: bigint;
}

/** One change the main thread made, as the watchers must see it. */
export interface ExpectedEvent {
  /** `${type} ${name}`, e.g. "MODIFIED fan-12". */
  key: string;
  /** When the write's request was sent, ms since baseNs. */
  sendMs: number;
  /** When the write's response arrived, ms since baseNs. */
  responseMs: number;
}

export interface WatchOpenResult {
  opened: number;
  failed: number;
  errorKinds: Record<string, number>;
  /** Wall time to open this worker's share. */
  openMs: number;
}

export interface WatchProgress {
  /** Events received (bookmarks excluded) over all of the worker's watches. */
  events: number;
  /** Watches whose stream ended. */
  closed: number;
}

export interface WatchCollectResult {
  watchers: number;
  /** Receipt time minus the write's response time, ms, one per (watcher, expected event) received. */
  delaysFromResponse: Float64Array;
  /** Receipt time minus the write's send time, ms, same pairs. */
  delaysFromSend: Float64Array;
  /** (watcher, expected event) pairs never received. */
  missing: number;
  /** Events received more than once by the same watcher. */
  duplicates: number;
  /** Events received that match no expected change. */
  unexpected: number;
  /** ERROR events in the streams. */
  errorEvents: number;
  /** Watchers that missed at least one expected event. */
  watchersMissingEvents: number;
  /** Watchers whose stream ended before the collection. */
  closedEarly: number;
  /** Lines that were not JSON watch events. */
  badLines: number;
  /** Event-loop utilization of the worker from the end of opening to the collection. */
  elu: number;
}

export type MainToWatchWorker =
  | { type: 'open'; spec: WatchOpenSpec }
  | { type: 'progress' }
  | { type: 'collect'; expected: ExpectedEvent[] }
  | { type: 'close' };

export type WatchWorkerToMain =
  | { type: 'opened'; result: WatchOpenResult }
  | { type: 'progress'; progress: WatchProgress }
  | { type: 'collected'; result: WatchCollectResult }
  | { type: 'closed' }
  | { type: 'failed'; error: string };

/** The key a watch event is matched by: its type and the object's name. */
export function eventKey(type: string, name: string): string {
  return `${type} ${name}`;
}
