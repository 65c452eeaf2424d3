// Builds our two local base images (mesh/base, mesh/pause) when absent or stale. Nothing is pulled:
// both are FROM scratch and made of this machine's busybox and Node.js.

import { stat } from 'node:fs/promises';
import type Dockerode from 'dockerode';
import { execa } from 'execa';
import { createBuildContext } from './build-context.js';
import { ImageBuildError, parseBuildOutput } from './build-output.js';
import { SOURCE_HASH_LABEL, basePlan, dockerfileWithHash, pausePlan, planSources, sourceHash } from './image-plan.js';
import type { FileStamp, ImagePlan } from './image-plan.js';
import { parseLddOutput } from './ldd.js';

export type ImageLog = (msg: string, fields?: Record<string, unknown>) => void;

/** Where the static busybox is on Debian (busybox-static); /bin is /usr/bin on merged-/usr systems. */
export const HOST_BUSYBOX = '/bin/busybox';

/** The plans for mesh/base and mesh/pause from this machine's busybox and Node.js. */
export async function hostImagePlans(): Promise<ImagePlan[]> {
  const busyboxList = (await execa(HOST_BUSYBOX, ['--list'], { timeout: 10_000 })).stdout;
  const ldd = await execa('ldd', [process.execPath], { timeout: 10_000, reject: false });
  const libraries = ldd.exitCode === 0 ? parseLddOutput(ldd.stdout) : parseLddOutput(`${ldd.stdout}\n${ldd.stderr}`);
  return [basePlan({ busybox: HOST_BUSYBOX, busyboxList, node: process.execPath, libraries }), pausePlan({ busybox: HOST_BUSYBOX })];
}

/** Stamps (size, mtime; following symlinks) of every host file a plan copies. */
export async function stampSources(plan: ImagePlan): Promise<Map<string, FileStamp>> {
  const stamps = new Map<string, FileStamp>();
  for (const src of planSources(plan)) {
    const s = await stat(src);
    stamps.set(src, { size: s.size, mtimeMs: s.mtimeMs });
  }
  return stamps;
}

/** The source-hash label of a local image, or undefined when the image is absent. */
async function presentHash(docker: Dockerode, tag: string): Promise<string | undefined | null> {
  try {
    const info = await docker.getImage(tag).inspect();
    return info.Config?.Labels?.[SOURCE_HASH_LABEL] ?? null;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Builds `plan` unless the local image already carries its source hash. Returns whether it built. */
export async function ensureImage(docker: Dockerode, plan: ImagePlan, log: ImageLog = () => {}): Promise<boolean> {
  const hash = sourceHash(plan, await stampSources(plan));
  const present = await presentHash(docker, plan.tag);
  if (present === hash) return false;
  const oldId = present === undefined ? undefined : (await docker.getImage(plan.tag).inspect()).Id;
  log('building image', { image: plan.tag, reason: present === undefined ? 'absent' : 'stale', sourceHash: hash });

  const ctx = await createBuildContext(plan, dockerfileWithHash(plan, hash));
  try {
    // version '1' is the classic builder; pull: false so the daemon never contacts a registry.
    const out = await docker.buildImage(ctx.tar, { t: plan.tag, rm: true, forcerm: true, pull: false, version: '1' });
    const result = parseBuildOutput(await readAll(out));
    await ctx.done;
    if (result.error !== undefined) throw new ImageBuildError(plan.tag, result.error, result.log);
    const built = await presentHash(docker, plan.tag);
    if (built !== hash) throw new ImageBuildError(plan.tag, `built image does not carry ${SOURCE_HASH_LABEL}=${hash}`, result.log);
  } finally {
    await ctx.cleanup();
  }
  if (oldId !== undefined) {
    // The stale image is now untagged; remove it unless a container still uses it.
    await docker
      .getImage(oldId)
      .remove()
      .catch(() => undefined);
  }
  log('built image', { image: plan.tag, sourceHash: hash });
  return true;
}

/** Builds mesh/base:latest and mesh/pause:latest if absent or stale (source hash label differs). */
export async function ensureBaseImages(docker: Dockerode, log?: ImageLog): Promise<void> {
  for (const plan of await hostImagePlans()) await ensureImage(docker, plan, log);
}
