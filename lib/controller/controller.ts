// The worker loop every controller shares: take a key, sync it, forget its failures on
// success, retry it with backoff on error. A key is never synced by two workers at once.
import type { Logger } from './informer.js';
import type { WorkQueue } from './work-queue.js';

export interface Controller {
  readonly name: string;
  /** Runs `workers` sync loops until the signal aborts. */
  run(workers: number, signal: AbortSignal): Promise<void>;
}

/** After this many retries a key is dropped until its next event (client-go's maxRetries is 15 for most controllers). */
export const MAX_RETRIES = 15;

export async function runWorkers(
  name: string,
  queue: WorkQueue,
  sync: (key: string) => Promise<void>,
  workers: number,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  const stop = (): void => queue.shutDown();
  if (signal.aborted) stop();
  signal.addEventListener('abort', stop, { once: true });
  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        if (queue.retries(key) < MAX_RETRIES) {
          log('sync failed; will retry', { controller: name, key, error: err instanceof Error ? err.message : String(err) });
          queue.addRateLimited(key);
        } else {
          log('sync failed too often; dropping the key until it changes', { controller: name, key, error: String(err) });
          queue.forget(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, () => worker()));
}
