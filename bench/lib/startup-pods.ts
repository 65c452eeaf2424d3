// The bench's pods against the cluster's API: the pod object, a watch of the bench namespace that
// stamps every event with the time it arrived, the burst of concurrent creates, and deleting a
// round's pods and waiting until they are gone from the API and from Docker.
import { performance } from 'node:perf_hooks';
import type Dockerode from 'dockerode';
import type { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import { isApiError } from '../../lib/api/kube-client/api-error.js';
import type { KubeObject } from '../../lib/api/object.js';
import { Resources } from '../../lib/controller/resources.js';
import { BASE_IMAGE } from '../../lib/images/index.js';

export const BENCH_NAMESPACE = 'startup-bench';
const APP_LABEL = 'startup-bench';

/** Epoch milliseconds with sub-millisecond fractions (one clock for the watch, the creates and Docker's events). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A pause-like pod: mesh/base running `sleep 3600`, never pulled, no probes (Ready as soon as
 * its container runs), no volumes (a stateless pod in the SLI's sense), no resource requests.
 * A 1 s grace period: sleep as PID 1 ignores SIGTERM, so deletion ends with the kill.
 */
export function benchPod(name: string, round: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: BENCH_NAMESPACE, labels: { app: APP_LABEL, round: String(round) } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'sleep', image: BASE_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
    },
  };
}

export async function ensureNamespace(client: KubeClient): Promise<void> {
  try {
    await client.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: BENCH_NAMESPACE } });
  } catch (err) {
    if (!isApiError(err, 409)) throw err;
  }
}

export type PodEventHandler = (type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: KubeObject, at: number) => void;

/** A watch of the bench namespace's pods from now on, resumed from the last resourceVersion if it ends. */
export class PodWatch {
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();
  /** Names currently present, as the watch last saw them. */
  readonly present = new Set<string>();

  private constructor(private readonly client: KubeClient) {}

  static async start(client: KubeClient, onEvent: PodEventHandler, log: (m: string) => void): Promise<PodWatch> {
    const w = new PodWatch(client);
    const list = await client.list(Resources.pods, { namespace: BENCH_NAMESPACE });
    for (const p of list.items) w.present.add(p.metadata.name ?? '');
    w.done = w.run(list.metadata.resourceVersion, onEvent, log);
    return w;
  }

  private async run(from: string | undefined, onEvent: PodEventHandler, log: (m: string) => void): Promise<void> {
    let rv = from;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        for await (const ev of this.client.watch(Resources.pods, { namespace: BENCH_NAMESPACE, resourceVersion: rv, allowWatchBookmarks: true, signal })) {
          const at = nowMs();
          const obj = ev.object as KubeObject;
          if (ev.type === 'ERROR') throw new Error(`watch error: ${JSON.stringify(obj)}`);
          rv = obj.metadata.resourceVersion ?? rv;
          if (ev.type === 'BOOKMARK') continue;
          const name = obj.metadata.name ?? '';
          if (ev.type === 'DELETED') this.present.delete(name);
          else this.present.add(name);
          onEvent(ev.type, obj, at);
        }
      } catch (err) {
        if (signal.aborted) return;
        log(`pod watch ended (${err instanceof Error ? err.message : String(err)}); resuming from ${rv ?? 'now'}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

/**
 * Opens `n` keep-alive connections to the API server (n concurrent GETs) so that the burst's
 * creates do not each start with a TLS handshake. The server closes idle connections after a
 * few seconds, so this runs right before the burst.
 */
export async function warmConnections(client: KubeClient, n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => client.get(Resources.namespaces, BENCH_NAMESPACE)));
}

export interface CreateOutcome {
  name: string;
  sent: number;
  answered?: number;
  uid?: string;
  error?: string;
}

/** Creates every pod at once; each outcome has the client-side time its request was sent and answered. */
export async function createBurst(client: KubeClient, pods: readonly KubeObject[]): Promise<CreateOutcome[]> {
  return Promise.all(
    pods.map(async (pod): Promise<CreateOutcome> => {
      const name = pod.metadata.name ?? '';
      const sent = nowMs();
      try {
        const created = await client.create(Resources.pods, pod);
        return { name, sent, answered: nowMs(), ...(created.metadata.uid !== undefined ? { uid: created.metadata.uid } : {}) };
      } catch (err) {
        return { name, sent, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Deletes the pods (all at once) and waits until the API and Docker have none of them left. */
export async function deleteAndWaitGone(client: KubeClient, docker: Dockerode, watch: PodWatch, names: readonly string[], timeoutMs: number): Promise<{ seconds: number }> {
  const start = Date.now();
  await Promise.all(
    names.map(async (name) => {
      try {
        await client.delete(Resources.pods, name, { namespace: BENCH_NAMESPACE });
      } catch (err) {
        if (!isApiError(err, 404)) throw err;
      }
    }),
  );
  for (;;) {
    const inApi = names.filter((n) => watch.present.has(n));
    const containers = inApi.length === 0 ? await docker.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.namespace=${BENCH_NAMESPACE}`] } }) : [];
    if (inApi.length === 0 && containers.length === 0) return { seconds: (Date.now() - start) / 1000 };
    if (Date.now() - start > timeoutMs) {
      throw new Error(`pods not gone ${Math.round(timeoutMs / 1000)} s after deletion: ${inApi.length} still in the API (${inApi.slice(0, 5).join(', ')}), ${containers.length} containers in Docker`);
    }
    await sleep(250);
  }
}

/** Waits until every name has reached `done` (checked every 100 ms) or the deadline passes. */
export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) return false;
    await sleep(100);
  }
  return true;
}
