// mesh/proxy: the compiled proxy from this checkout on top of mesh/base. Pure; the caller lists the
// files (checkout-files.ts). The image holds the part of the checkout a service needs at run time,
// at the same relative paths under /opt/meshkube: package.json (for "type": "module"), the
// compiled dist/services/proxy/ and dist/lib/, proto/, and the production packages of node_modules.

import { posix } from 'node:path';
import { appImagePlan } from './app-image-plan.js';
import type { ImagePlan, RootfsEntry } from './image-plan.js';

export const PROXY_IMAGE = 'mesh/proxy:latest';
/** The proxy's entry point, relative to the checkout; the image is planned only when it is built. */
export const PROXY_MAIN = 'dist/services/proxy/main.js';
/** Where the checkout's files land in images that run our own services. */
export const IMAGE_HOME = '/opt/meshkube';

/** A checkout file (or symlink) by its path relative to the checkout root. */
export type CheckoutEntry = { rel: string; source: string } | { rel: string; target: string };

/**
 * The node_modules folders of production packages, from a package-lock.json (v2/v3) or
 * node_modules/.package-lock.json text: every `packages` entry under node_modules/ that is not
 * dev-only and not a workspace link. Optional packages are listed; the caller skips absent ones.
 */
export function productionPackageDirs(lockText: string): string[] {
  const lock = JSON.parse(lockText) as { packages?: Record<string, { dev?: boolean; devOptional?: boolean; link?: boolean }> };
  if (typeof lock.packages !== 'object' || lock.packages === null) throw new Error('lock file has no "packages" (lockfileVersion 2 or 3 is needed)');
  return Object.entries(lock.packages)
    .filter(([key, p]) => key.startsWith('node_modules/') && p.dev !== true && p.devOptional !== true && p.link !== true)
    .map(([key]) => key)
    .sort();
}

export interface ProxyPlanInput {
  baseImageId: string;
  /** Everything the image holds, relative to the checkout (see checkout-files.ts proxyImageEntries). */
  entries: readonly CheckoutEntry[];
}

/** mesh/proxy:latest: the entries under /opt/meshkube, CMD node /opt/meshkube/dist/services/proxy/main.js. */
export function proxyPlan(input: ProxyPlanInput): ImagePlan {
  if (!input.entries.some((e) => e.rel === PROXY_MAIN)) throw new Error(`the proxy image needs ${PROXY_MAIN}`);
  const rootfs = input.entries.map((e): RootfsEntry => {
    const path = posix.join(IMAGE_HOME, e.rel);
    return 'source' in e ? { kind: 'file', path, source: e.source } : { kind: 'symlink', path, target: e.target };
  });
  return appImagePlan({
    tag: PROXY_IMAGE,
    baseImageId: input.baseImageId,
    rootfs: [{ kind: 'dir', path: IMAGE_HOME, mode: 0o755 }, ...rootfs],
    workdir: IMAGE_HOME,
    cmd: ['node', posix.join(IMAGE_HOME, PROXY_MAIN)],
  });
}
