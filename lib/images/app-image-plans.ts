// Adapter: the plans of every image built on mesh/base from this checkout (demo apps, and the
// proxy once it is built), and the images that cannot be planned yet with the reason.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_DIR } from './checkout-root.js';
import { proxyImageEntries } from './checkout-files.js';
import { demoPlans } from './demo-plans.js';
import type { ImagePlan } from './image-plan.js';
import { PROXY_IMAGE, PROXY_MAIN, proxyPlan } from './proxy-plan.js';

export interface SkippedImage {
  tag: string;
  /** Why it is not built, e.g. "services/proxy is not built yet". */
  reason: string;
}

export interface AppImagePlans {
  plans: ImagePlan[];
  skipped: SkippedImage[];
}

export const PROXY_NOT_BUILT = 'services/proxy is not built yet';

/** Plans for the demo images and mesh/proxy (skipped while `root`/dist/services/proxy/main.js is missing). */
export async function appImagePlans(opts: { root: string; baseImageId: string; withProxy?: boolean }): Promise<AppImagePlans> {
  const plans = demoPlans({ demoDir: join(opts.root, DEMO_DIR), baseImageId: opts.baseImageId });
  const skipped: SkippedImage[] = [];
  if (opts.withProxy !== false) {
    if (existsSync(join(opts.root, PROXY_MAIN))) plans.push(proxyPlan({ baseImageId: opts.baseImageId, entries: await proxyImageEntries(opts.root) }));
    else skipped.push({ tag: PROXY_IMAGE, reason: PROXY_NOT_BUILT });
  }
  return { plans, skipped };
}
