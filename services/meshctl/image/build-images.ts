// `meshctl image build` as a function (also called by `meshctl cluster up`): makes sure each of our
// local images is present and current, in order: mesh/base, mesh/pause, then the images built on
// mesh/base (the demo apps, mesh/proxy once services/proxy is built). Nothing is ever pulled.

import { performance } from 'node:perf_hooks';
import type Dockerode from 'dockerode';
import { BASE_IMAGE, PAUSE_IMAGE, PROXY_IMAGE, appImagePlans, checkoutRoot, ensureImage, hostImagePlans } from '../../../lib/images/index.js';
import type { ImageLog, ImagePlan } from '../../../lib/images/index.js';
import { reportLine, selectImages } from './image-selection.js';
import type { ImageBuildReport } from './image-selection.js';

export interface BuildImagesOptions {
  /** Gets one line per image as it is done (reportLine): "mesh/base:latest: built (1.2s)". */
  log?: (line: string) => void;
  /** Only these images (name or name:tag; mesh/base is built too when an image on it needs it). */
  only?: readonly string[];
  /** The checkout holding demo/ and dist/ (default: the one this module belongs to). */
  root?: string;
  /** Structured progress of each build (ensureImage's log). */
  imageLog?: ImageLog;
}

/** Builds what is absent or stale; resolves to one report per image in build order. */
export async function buildImages(docker: Dockerode, opts: BuildImagesOptions = {}): Promise<ImageBuildReport[]> {
  const { wanted, needsBase, onBase } = selectImages(opts.only);
  const reports: ImageBuildReport[] = [];
  const report = (r: ImageBuildReport): void => {
    reports.push(r);
    opts.log?.(reportLine(r));
  };
  const ensure = async (plan: ImagePlan): Promise<void> => {
    const start = performance.now();
    const built = await ensureImage(docker, plan, opts.imageLog);
    report({ tag: plan.tag, built, durationMs: Math.round(performance.now() - start) });
  };

  const oldBaseId = await imageId(docker, BASE_IMAGE);
  if (needsBase || wanted.has(PAUSE_IMAGE)) {
    for (const plan of await hostImagePlans()) {
      if (wanted.has(plan.tag) || (plan.tag === BASE_IMAGE && needsBase)) await ensure(plan);
    }
  }
  if (!onBase) return reports;

  const baseImageId = await imageId(docker, BASE_IMAGE);
  if (baseImageId === undefined) throw new Error(`${BASE_IMAGE} is missing after it was built`);
  const { plans, skipped } = await appImagePlans({ root: opts.root ?? checkoutRoot(), baseImageId, withProxy: wanted.has(PROXY_IMAGE) });
  for (const plan of plans) if (wanted.has(plan.tag)) await ensure(plan);
  for (const s of skipped) report({ tag: s.tag, built: false, skipped: s.reason });
  if (oldBaseId !== undefined && oldBaseId !== baseImageId) {
    // ensureImage could not remove the replaced mesh/base while images built on it existed; those
    // are rebuilt now. It stays (untagged) if an image not selected by --only still uses it.
    await docker
      .getImage(oldBaseId)
      .remove()
      .catch(() => undefined);
  }
  return reports;
}

async function imageId(docker: Dockerode, tag: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(tag).inspect()).Id;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}
