// slowStartBatch: call fn `count` times in batches of 1, 2, 4, ... running each batch
// concurrently, and stop after the first batch with a failure. A ReplicaSet with a quota it has
// exhausted thus sends one failing create instead of hundreds.

export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export type SlowStartResult = { successes: number; error?: undefined } | { successes: number; error: unknown };

export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason };
    remaining -= batch;
  }
  return { successes };
}
