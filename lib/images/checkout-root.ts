// Adapter: where this checkout is (the folder holding package.json and demo/), found by walking up
// from this module so it works from the sources (vitest) and from dist/.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The demo apps' sources, relative to the checkout. */
export const DEMO_DIR = 'demo';
/** The demo's manifests (Deployments backend-v1, backend-v2, frontend; Services backend, frontend). */
export const DEMO_MANIFEST = 'deploy/demo/demo.yaml';
/** The NodePort of Service frontend in DEMO_MANIFEST. */
export const DEMO_NODE_PORT = 30080;

/** The first folder at or above `start` with package.json and demo/backend/server.mjs. */
export function checkoutRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; ) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, DEMO_DIR, 'backend', 'server.mjs'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`checkout not found: no folder at or above ${start} has package.json and ${DEMO_DIR}/backend/server.mjs`);
    dir = parent;
  }
}
