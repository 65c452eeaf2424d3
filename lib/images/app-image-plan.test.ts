import { describe, expect, it } from 'vitest';
import { BASE_ID_LABEL, appImagePlan } from './app-image-plan.js';
import { planSources, sourceHash } from './image-plan.js';
import type { FileStamp, ImagePlan } from './image-plan.js';

const BASE_ID = `sha256:${'a'.repeat(64)}`;
const OTHER_BASE_ID = `sha256:${'b'.repeat(64)}`;

function stamps(plan: ImagePlan): Map<string, FileStamp> {
  return new Map(planSources(plan).map((s) => [s, { size: 10, mtimeMs: 1_700_000_000_000 }]));
}

describe('appImagePlan', () => {
  const plan = appImagePlan({
    tag: 'mesh/thing:v1',
    baseImageId: BASE_ID,
    rootfs: [{ kind: 'file', path: '/opt/app/bin/thing.mjs', source: '/src/thing.mjs' }],
    env: [
      ['VERSION', 'v1'],
      ['GREETING', 'hello world'],
    ],
    expose: [8080, 9090],
    workdir: '/opt/app',
    cmd: ['node', '/opt/app/bin/thing.mjs', '--a,b'],
  });

  it('is FROM mesh/base with the base ID as a label, then COPY, ENV, EXPOSE, WORKDIR and CMD', () => {
    expect(plan.dockerfile).toBe(
      [
        'FROM mesh/base:latest',
        `LABEL ${BASE_ID_LABEL}="${BASE_ID}"`,
        'COPY rootfs/ /',
        'ENV VERSION="v1"',
        'ENV GREETING="hello world"',
        'EXPOSE 8080',
        'EXPOSE 9090',
        'WORKDIR /opt/app',
        'CMD ["node", "/opt/app/bin/thing.mjs", "--a,b"]',
        '',
      ].join('\n'),
    );
  });

  it('lists every parent folder with mode 0755 before the files', () => {
    expect(plan.rootfs).toEqual([
      { kind: 'dir', path: '/opt', mode: 0o755 },
      { kind: 'dir', path: '/opt/app', mode: 0o755 },
      { kind: 'dir', path: '/opt/app/bin', mode: 0o755 },
      { kind: 'file', path: '/opt/app/bin/thing.mjs', source: '/src/thing.mjs' },
    ]);
  });

  it('keeps a folder the caller lists with its own mode', () => {
    const p = appImagePlan({ tag: 't:1', baseImageId: BASE_ID, rootfs: [{ kind: 'dir', path: '/app', mode: 0o700 }, { kind: 'file', path: '/app/x', source: '/x' }], cmd: ['x'] });
    expect(p.rootfs).toEqual([
      { kind: 'dir', path: '/app', mode: 0o700 },
      { kind: 'file', path: '/app/x', source: '/x' },
    ]);
  });

  it('has a different source hash on a different base image', () => {
    const other = appImagePlan({ tag: 'mesh/thing:v1', baseImageId: OTHER_BASE_ID, rootfs: [{ kind: 'file', path: '/opt/app/bin/thing.mjs', source: '/src/thing.mjs' }], cmd: ['node'] });
    const same = appImagePlan({ tag: 'mesh/thing:v1', baseImageId: BASE_ID, rootfs: [{ kind: 'file', path: '/opt/app/bin/thing.mjs', source: '/src/thing.mjs' }], cmd: ['node'] });
    expect(sourceHash(other, stamps(other))).not.toBe(sourceHash(same, stamps(same)));
  });

  it('refuses a base ID that is not a sha256 digest, bad env names and $ in values', () => {
    expect(() => appImagePlan({ tag: 't:1', baseImageId: 'mesh/base:latest', rootfs: [], cmd: ['x'] })).toThrow(/not sha256/);
    expect(() => appImagePlan({ tag: 't:1', baseImageId: BASE_ID, rootfs: [], env: [['A-B', '1']], cmd: ['x'] })).toThrow(/bad environment variable name/);
    expect(() => appImagePlan({ tag: 't:1', baseImageId: BASE_ID, rootfs: [], env: [['A', '$HOME']], cmd: ['x'] })).toThrow(/must not contain/);
  });
});
