// Events as client-go's recorder writes them: core/v1 Events naming the involved object,
// repeated ones folded into one Event whose count and lastTimestamp grow. Recording never
// blocks or fails the caller; writes go out in the background, in order, and as in client-go's
// broadcaster at most 1000 wait: past that, events are dropped rather than held.
import { isApiError } from '../api/kube-client/api-error.js';
import type { KubeObject } from '../api/object.js';
import { formatTime as rfc3339 } from '../api/time.js';
import type { ControllerClient } from './client.js';
import type { Clock } from './clock.js';
import { realClock } from './clock.js';
import type { Logger } from './informer.js';
import { Resources } from './resources.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
}

export interface ApiEventRecorderOptions {
  /** source.component and reportingComponent, e.g. "deployment-controller", "default-scheduler". */
  component: string;
  /** source.host / reportingInstance. */
  host?: string;
  clock?: Clock;
  log?: Logger;
}

interface Folded {
  namespace: string;
  name: string;
  count: number;
  firstTimestamp: string;
  at: number;
  /** The Event as first created, to create again if it is gone when a repeat is folded in. */
  event: Record<string, unknown>;
}

/** client-go folds identical events seen within this window. */
const FOLD_WINDOW_MS = 10 * 60 * 1000;
const MAX_FOLDED = 4096;
/** client-go's broadcaster queue (maxQueuedEvents); it drops events when the queue is full. */
export const MAX_QUEUED_EVENTS = 1000;


export class ApiEventRecorder implements EventRecorder {
  private readonly folded = new Map<string, Folded>();
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private readonly clock: Clock;
  private readonly log: Logger;
  private seq = 0;
  private droppedCount = 0;

  constructor(
    private readonly client: ControllerClient,
    private readonly o: ApiEventRecorderOptions,
  ) {
    this.clock = o.clock ?? realClock;
    this.log = o.log ?? (() => undefined);
  }

  /** Events queued but not yet written. */
  get backlog(): number {
    return this.pending;
  }

  /** Events dropped because MAX_QUEUED_EVENTS were already waiting. */
  get dropped(): number {
    return this.droppedCount;
  }

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    if (this.pending >= MAX_QUEUED_EVENTS) {
      // client-go logs each drop; one line per thousand keeps a burst from flooding the log.
      if (this.droppedCount++ % MAX_QUEUED_EVENTS === 0) {
        this.log('unable to record event: too many queued events, dropped event', { reason, object: `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`, dropped: this.droppedCount });
      }
      return;
    }
    const now = this.clock.now();
    const involved = {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
    };
    const foldKey = JSON.stringify([involved.kind, involved.namespace, involved.name, involved.uid, type, reason, message]);
    const prev = this.folded.get(foldKey);
    const namespace = obj.metadata.namespace !== undefined && obj.metadata.namespace !== '' ? obj.metadata.namespace : 'default';
    if (prev && now - prev.at < FOLD_WINDOW_MS) {
      prev.count++;
      prev.at = now;
      const count = prev.count;
      const recreate = { ...prev.event, count, lastTimestamp: rfc3339(now) };
      this.enqueue(async () => {
        try {
          await this.client.patch(Resources.events, prev.name, { count, lastTimestamp: rfc3339(now) }, 'merge', { namespace: prev.namespace });
        } catch (err) {
          // Events expire (or get deleted); client-go then creates the folded event anew.
          if (!isApiError(err, 404)) throw err;
          await this.client.create(Resources.events, recreate, { namespace: prev.namespace });
        }
      });
      return;
    }
    // client-go names events <object>.<unix nanoseconds in hex>; a sequence keeps ours unique.
    const name = `${obj.metadata.name ?? 'unknown'}.${(BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000)).toString(16)}`;
    const stamp = rfc3339(now);
    if (this.folded.size >= MAX_FOLDED) this.folded.delete(this.folded.keys().next().value as string);
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message,
      source: { component: this.o.component, ...(this.o.host !== undefined ? { host: this.o.host } : {}) },
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.o.component,
      reportingInstance: this.o.host ?? '',
    };
    this.folded.set(foldKey, { namespace, name, count: 1, firstTimestamp: stamp, at: now, event: ev });
    this.enqueue(async () => {
      await this.client.create(Resources.events, ev, { namespace });
    });
  }

  /** Resolves when every event recorded so far has been written (or failed). */
  flush(): Promise<void> {
    return this.chain;
  }

  private enqueue(write: () => Promise<void>): void {
    this.pending++;
    this.chain = this.chain.then(async () => {
      try {
        await write();
      } catch (err) {
        this.log('could not write event', { error: String(err) });
      } finally {
        this.pending--;
      }
    });
  }
}

/** For tests: keeps "<type> <reason> <message>" strings, as client-go's FakeRecorder does. */
export class FakeRecorder implements EventRecorder {
  readonly events: string[] = [];
  readonly records: Array<{ obj: KubeObject; type: EventType; reason: string; message: string }> = [];

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    this.events.push(`${type} ${reason} ${message}`);
    this.records.push({ obj, type, reason, message });
  }
}
