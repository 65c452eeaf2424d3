// What Docker alone needs for pods: sandboxes and their containers created and started straight
// through the Docker API, with the same create options the node agent uses
// (services/node-agent/runtime/docker-config.ts) but no API server, scheduler, agent or pod
// network: `n` pods at once (the burst the cluster gets), and a few one after the other (what one
// pod costs when nothing else competes). It bounds from below what the cluster can do with the
// same daemon on the same machine. Its containers carry meshkube.node=startup-baseline, a node no
// agent runs as, and are removed afterwards.
import { randomUUID } from 'node:crypto';
import type Dockerode from 'dockerode';
import { removeContainers } from '../../lib/docker/dockerd.js';
import { BASE_IMAGE, PAUSE_IMAGE } from '../../lib/images/index.js';
import { containerCreateOptions, sandboxCreateOptions } from '../../services/node-agent/runtime/docker-config.js';
import type { LatencySummary } from './stats.js';
import { summarize } from './stats.js';
import { nowMs } from './startup-pods.js';

const NODE = 'startup-baseline';

type Step = 'sandboxCreate' | 'sandboxStart' | 'containerCreate' | 'containerStart';

export interface BaselineResult {
  pods: number;
  /** From the burst's start to each pod's container started. */
  total: LatencySummary;
  /** Each call's own time (sandboxStart includes the inspect the agent does after it). */
  steps: Record<Step, LatencySummary>;
  /** Pods started one after the other: sandbox create to container started, per pod. */
  sequential: LatencySummary;
  errors: string[];
}

/** One pod the agent's way: sandbox create, start, inspect; container create, start. Returns each step's time. */
async function startPod(docker: Dockerode, i: number): Promise<Record<Step, number>> {
  const meta = { name: `baseline-${i}`, namespace: NODE, uid: randomUUID(), attempt: 0 };
  let t = nowMs();
  const sandbox = await docker.createContainer(sandboxCreateOptions(NODE, PAUSE_IMAGE, { ...meta, hostname: meta.name }));
  const sandboxCreate = nowMs() - t;
  t = nowMs();
  await sandbox.start();
  await sandbox.inspect();
  const sandboxStart = nowMs() - t;
  t = nowMs();
  const c = await docker.createContainer(containerCreateOptions(NODE, sandbox.id, meta, { name: 'sleep', attempt: 0, image: BASE_IMAGE, command: ['sleep', '3600'], env: [], mounts: [] }));
  const containerCreate = nowMs() - t;
  t = nowMs();
  await c.start();
  return { sandboxCreate, sandboxStart, containerCreate, containerStart: nowMs() - t };
}

const summary = (v: number[]): LatencySummary => summarize([Float64Array.from(v)]);

/**
 * The burst of `n` pods, then `sequential` pods one by one. `beforeCleanup` runs while the burst's
 * containers still exist (their shims' CPU is still countable).
 */
export async function dockerBaseline(docker: Dockerode, n: number, sequential = 5, beforeCleanup: () => void = () => undefined): Promise<BaselineResult> {
  await removeContainers(docker, `meshkube.node=${NODE}`);
  const steps: Record<Step, number[]> = { sandboxCreate: [], sandboxStart: [], containerCreate: [], containerStart: [] };
  const totals: number[] = [];
  const one: number[] = [];
  const errors: string[] = [];
  try {
    const t0 = nowMs();
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        try {
          const s = await startPod(docker, i);
          totals.push(nowMs() - t0);
          for (const k of Object.keys(steps) as Step[]) steps[k].push(s[k]);
        } catch (err) {
          errors.push(err instanceof Error ? err.message : String(err));
        }
      }),
    );
    beforeCleanup();
    await removeContainers(docker, `meshkube.node=${NODE}`);
    for (let i = 0; i < sequential; i++) {
      const s = await startPod(docker, n + i);
      one.push(s.sandboxCreate + s.sandboxStart + s.containerCreate + s.containerStart);
    }
  } finally {
    await removeContainers(docker, `meshkube.node=${NODE}`);
  }
  return {
    pods: n,
    total: summary(totals),
    steps: { sandboxCreate: summary(steps.sandboxCreate), sandboxStart: summary(steps.sandboxStart), containerCreate: summary(steps.containerCreate), containerStart: summary(steps.containerStart) },
    sequential: summary(one),
    errors,
  };
}
