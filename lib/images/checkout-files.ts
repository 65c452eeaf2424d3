// Adapter: lists the checkout files an image of one of our services needs (proxy-plan.ts says
// which and why).

import { existsSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { PROXY_MAIN, productionPackageDirs } from './proxy-plan.js';
import type { CheckoutEntry } from './proxy-plan.js';

interface WalkOptions {
  /** Keep only files whose name passes (symlinks are kept as they are). */
  file?: (name: string) => boolean;
  /** Skip nested node_modules folders (a nested package is listed in the lock file on its own). */
  skipNodeModules?: boolean;
}

/** Files and symlinks under `rel` (relative to `root`), sorted by path; nothing when it is absent. */
export async function walkCheckout(root: string, rel: string, opts: WalkOptions = {}): Promise<CheckoutEntry[]> {
  const out: CheckoutEntry[] = [];
  const visit = async (relDir: string): Promise<void> => {
    const entries = await readdir(join(root, relDir), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const relPath = posix.join(relDir, e.name);
      if (e.isSymbolicLink()) out.push({ rel: relPath, target: await readlink(join(root, relPath)) });
      else if (e.isDirectory()) {
        if (!(opts.skipNodeModules === true && e.name === 'node_modules')) await visit(relPath);
      } else if (e.isFile() && (opts.file?.(e.name) ?? true)) out.push({ rel: relPath, source: join(root, relPath) });
    }
  };
  if (existsSync(join(root, rel))) await visit(rel);
  return out;
}

const isJs = (name: string): boolean => /\.(js|mjs|cjs|json)$/.test(name);

/**
 * What mesh/proxy holds: package.json, dist/services/proxy/ and dist/lib/ (JavaScript only),
 * proto/, and each production package under node_modules/ (from node_modules/.package-lock.json,
 * else package-lock.json). Throws when the proxy is not built.
 */
export async function proxyImageEntries(root: string): Promise<CheckoutEntry[]> {
  if (!existsSync(join(root, PROXY_MAIN))) throw new Error(`${PROXY_MAIN} does not exist in ${root}`);
  const hidden = join(root, 'node_modules', '.package-lock.json');
  const lockText = await readFile(existsSync(hidden) ? hidden : join(root, 'package-lock.json'), 'utf8');
  const entries: CheckoutEntry[] = [{ rel: 'package.json', source: join(root, 'package.json') }];
  entries.push(...(await walkCheckout(root, 'dist/services/proxy', { file: isJs })));
  entries.push(...(await walkCheckout(root, 'dist/lib', { file: isJs })));
  entries.push(...(await walkCheckout(root, 'proto')));
  for (const dir of productionPackageDirs(lockText)) entries.push(...(await walkCheckout(root, dir, { skipNodeModules: true })));
  return entries;
}
