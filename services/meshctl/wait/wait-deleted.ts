// Waiting for an object to be gone (or replaced by a new one of the same name), as kubectl
// delete --wait and kubectl wait --for=delete do.
import type { KubeClient } from '../../../lib/api/kube-client/index.js';
import { isApiError } from '../../../lib/api/kube-client/index.js';
import { CliError } from '../errors.js';
import type { ResourceInfo } from '../resources/resource-info.js';
import { sleep } from './sleep.js';

const POLL_MS = 200;

/** Timed out: kubectl's message names the resource plural and the object. */
export function timeoutError(info: ResourceInfo): CliError {
  return new CliError(`timed out waiting for the condition on ${info.resource.resource}/${info.name}`);
}

/** Resolves once the object is gone; `timeoutMs` 0 waits until done or interrupted. */
export async function waitForDeletion(client: KubeClient, info: ResourceInfo, uid: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Number.POSITIVE_INFINITY;
  for (;;) {
    try {
      const obj = await client.get(info.resource, info.name, { namespace: info.namespace, signal });
      if (uid !== undefined && obj.metadata.uid !== uid) return;
    } catch (err) {
      if (isApiError(err, 404)) return;
      if (signal?.aborted === true) return;
      throw err;
    }
    if (signal?.aborted === true) return;
    if (Date.now() >= deadline) throw timeoutError(info);
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())), signal);
  }
}
