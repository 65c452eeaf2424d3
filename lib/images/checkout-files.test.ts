import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_NOT_BUILT, appImagePlans } from './app-image-plans.js';
import { proxyImageEntries, walkCheckout } from './checkout-files.js';
import { DEMO_MANIFEST, checkoutRoot } from './checkout-root.js';
import { DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND } from './demo-plans.js';
import { PROXY_IMAGE, PROXY_MAIN } from './proxy-plan.js';
import { existsSync } from 'node:fs';

const BASE_ID = `sha256:${'d'.repeat(64)}`;
let root: string;

async function put(rel: string, content = 'x'): Promise<void> {
  await mkdir(dirname(join(root, rel)), { recursive: true });
  await writeFile(join(root, rel), content);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'meshkube-checkout-'));
  await put('package.json', '{"type":"module"}');
  await put('demo/backend/server.mjs');
  await put('demo/frontend/server.mjs');
  await put('dist/lib/a.js');
  await put('dist/lib/a.js.map');
  await put('dist/lib/sub/b.js');
  await put('proto/x.proto');
  await put('node_modules/yaml/package.json');
  await put('node_modules/yaml/dist/index.js');
  await put('node_modules/yaml/node_modules/dev-only/index.js');
  await put('node_modules/vitest/index.js');
  await mkdir(join(root, 'node_modules/.bin'), { recursive: true });
  await symlink('../yaml/dist/index.js', join(root, 'node_modules/yaml/alias.js'));
  await put(
    'node_modules/.package-lock.json',
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        'node_modules/yaml': {},
        'node_modules/yaml/node_modules/dev-only': { dev: true },
        'node_modules/vitest': { dev: true },
        'node_modules/cpu-features': { optional: true },
      },
    }),
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('checkoutRoot', () => {
  it('finds the checkout this module is in, which has the demo manifest', () => {
    const found = checkoutRoot();
    expect(existsSync(join(found, 'package.json'))).toBe(true);
    expect(existsSync(join(found, DEMO_MANIFEST))).toBe(true);
  });

  it('walks up from a folder inside a checkout and fails outside of one', () => {
    expect(checkoutRoot(join(root, 'dist', 'lib', 'sub'))).toBe(root);
    expect(() => checkoutRoot('/proc/self')).toThrow(/checkout not found/);
  });
});

describe('walkCheckout', () => {
  it('lists files and symlinks sorted, filtered by name, nothing for a missing folder', async () => {
    expect(await walkCheckout(root, 'dist/lib', { file: (n) => n.endsWith('.js') })).toEqual([
      { rel: 'dist/lib/a.js', source: join(root, 'dist/lib/a.js') },
      { rel: 'dist/lib/sub/b.js', source: join(root, 'dist/lib/sub/b.js') },
    ]);
    expect(await walkCheckout(root, 'node_modules/yaml', { skipNodeModules: true })).toEqual([
      { rel: 'node_modules/yaml/alias.js', target: '../yaml/dist/index.js' },
      { rel: 'node_modules/yaml/dist/index.js', source: join(root, 'node_modules/yaml/dist/index.js') },
      { rel: 'node_modules/yaml/package.json', source: join(root, 'node_modules/yaml/package.json') },
    ]);
    expect(await walkCheckout(root, 'no/such/dir')).toEqual([]);
  });
});

describe('appImagePlans', () => {
  it('skips mesh/proxy while the proxy is not built', async () => {
    const r = await appImagePlans({ root, baseImageId: BASE_ID });
    expect(r.plans.map((p) => p.tag)).toEqual([DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND]);
    expect(r.skipped).toEqual([{ tag: PROXY_IMAGE, reason: PROXY_NOT_BUILT }]);
    expect(PROXY_NOT_BUILT).toBe('services/proxy is not built yet');
    expect(await appImagePlans({ root, baseImageId: BASE_ID, withProxy: false })).toMatchObject({ skipped: [] });
  });

  it('plans mesh/proxy with the runtime part of the checkout once dist/services/proxy/main.js exists', async () => {
    await expect(proxyImageEntries(root)).rejects.toThrow(/does not exist/);
    await put(PROXY_MAIN);
    await put('dist/services/proxy/main.js.map');
    try {
      const entries = await proxyImageEntries(root);
      expect(entries.map((e) => e.rel)).toEqual([
        'package.json',
        'dist/services/proxy/main.js',
        'dist/lib/a.js',
        'dist/lib/sub/b.js',
        'proto/x.proto',
        'node_modules/yaml/alias.js',
        'node_modules/yaml/dist/index.js',
        'node_modules/yaml/package.json',
      ]);
      const r = await appImagePlans({ root, baseImageId: BASE_ID });
      expect(r.skipped).toEqual([]);
      expect(r.plans.map((p) => p.tag)).toEqual([DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND, PROXY_IMAGE]);
    } finally {
      await rm(join(root, 'dist/services'), { recursive: true, force: true });
    }
  });
});
