import { describe, expect, it } from 'vitest';
import { IMAGE_HOME, PROXY_IMAGE, PROXY_MAIN, productionPackageDirs, proxyPlan } from './proxy-plan.js';

const LOCK = JSON.stringify({
  lockfileVersion: 3,
  packages: {
    '': { name: 'meshkube', dependencies: { yaml: '^2' } },
    'node_modules/yaml': { version: '2.9.1' },
    'node_modules/vitest': { version: '4.1.0', dev: true },
    'node_modules/fsevents': { version: '2.3.3', dev: true, optional: true },
    'node_modules/cpu-features': { version: '0.0.10', optional: true },
    'node_modules/typescript': { version: '5.9.3', devOptional: true },
    'node_modules/dockerode/node_modules/tar-fs': { version: '2.1.4' },
    'node_modules/local-pkg': { resolved: 'packages/local', link: true },
    'packages/local': { version: '1.0.0' },
  },
});

describe('productionPackageDirs', () => {
  it('lists non-dev packages under node_modules, nested ones too, optional ones included, links not', () => {
    expect(productionPackageDirs(LOCK)).toEqual(['node_modules/cpu-features', 'node_modules/dockerode/node_modules/tar-fs', 'node_modules/yaml']);
  });

  it('needs a v2/v3 lock file', () => {
    expect(() => productionPackageDirs(JSON.stringify({ lockfileVersion: 1, dependencies: {} }))).toThrow(/lockfileVersion 2 or 3/);
  });
});

describe('proxyPlan', () => {
  const base = `sha256:${'c'.repeat(64)}`;

  it('puts the checkout entries under /opt/meshkube and runs the compiled main with node', () => {
    const plan = proxyPlan({
      baseImageId: base,
      entries: [
        { rel: 'package.json', source: '/co/package.json' },
        { rel: PROXY_MAIN, source: `/co/${PROXY_MAIN}` },
        { rel: 'node_modules/yaml/dist/index.js', source: '/co/node_modules/yaml/dist/index.js' },
        { rel: 'node_modules/pkg/link.js', target: 'real.js' },
      ],
    });
    expect(plan.tag).toBe(PROXY_IMAGE);
    expect(plan.dockerfile).toMatch(/^FROM mesh\/base:latest\n/);
    expect(plan.dockerfile).toContain(`WORKDIR ${IMAGE_HOME}\nCMD ["node", "/opt/meshkube/dist/services/proxy/main.js"]\n`);
    expect(plan.rootfs).toContainEqual({ kind: 'file', path: '/opt/meshkube/package.json', source: '/co/package.json' });
    expect(plan.rootfs).toContainEqual({ kind: 'file', path: '/opt/meshkube/dist/services/proxy/main.js', source: `/co/${PROXY_MAIN}` });
    expect(plan.rootfs).toContainEqual({ kind: 'symlink', path: '/opt/meshkube/node_modules/pkg/link.js', target: 'real.js' });
    expect(plan.rootfs).toContainEqual({ kind: 'dir', path: '/opt/meshkube/node_modules/yaml/dist', mode: 0o755 });
  });

  it('needs the compiled main', () => {
    expect(() => proxyPlan({ baseImageId: base, entries: [{ rel: 'package.json', source: '/co/package.json' }] })).toThrow(/needs dist\/services\/proxy\/main.js/);
  });
});
