import { describe, expect, it } from 'vitest';
import { BASE_IMAGE, NODE_ON_PATH, PAUSE_IMAGE, SOURCE_HASH_LABEL, appletNames, basePlan, dockerfileWithHash, pausePlan, planSources, sourceHash } from './image-plan.js';
import type { FileStamp, ImagePlan } from './image-plan.js';

const INPUT = {
  busybox: '/bin/busybox',
  busyboxList: '[\n[[\nsh\nhttpd\nwget\nbusybox\nsh\n',
  node: '/usr/local/bin/node',
  libraries: ['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2'],
};

function stampsFor(plan: ImagePlan, over: Record<string, FileStamp> = {}): Map<string, FileStamp> {
  return new Map(planSources(plan).map((s) => [s, over[s] ?? { size: 100, mtimeMs: 1_700_000_000_000 }]));
}

describe('base image plan', () => {
  const plan = basePlan(INPUT);

  it('is FROM scratch, copies rootfs to /, sets PATH and runs /bin/sh', () => {
    expect(plan.tag).toBe(BASE_IMAGE);
    expect(plan.dockerfile).toBe(
      ['FROM scratch', 'COPY rootfs/ /', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["/bin/sh"]', ''].join('\n'),
    );
  });

  it('has busybox with one symlink per applet (deduplicated, never busybox itself)', () => {
    expect(appletNames(INPUT.busyboxList)).toEqual(['[', '[[', 'httpd', 'sh', 'wget']);
    expect(plan.rootfs).toContainEqual({ kind: 'file', path: '/bin/busybox', source: '/bin/busybox' });
    expect(plan.rootfs).toContainEqual({ kind: 'symlink', path: '/bin/sh', target: 'busybox' });
    expect(plan.rootfs.filter((e) => e.kind === 'symlink')).toHaveLength(5);
  });

  it('puts node and its libraries at their host paths', () => {
    expect(planSources(plan)).toEqual(['/bin/busybox', '/usr/local/bin/node', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
    expect(plan.rootfs).toContainEqual({ kind: 'file', path: '/lib64/ld-linux-x86-64.so.2', source: '/lib64/ld-linux-x86-64.so.2' });
  });

  it('puts node on PATH with a /usr/local/bin/node symlink only when its folder is not on PATH', () => {
    expect(plan.rootfs.filter((e) => e.kind === 'symlink' && e.path === NODE_ON_PATH)).toEqual([]);
    const elsewhere = basePlan({ ...INPUT, node: '/opt/node-v20/bin/node' });
    expect(elsewhere.rootfs).toContainEqual({ kind: 'file', path: '/opt/node-v20/bin/node', source: '/opt/node-v20/bin/node' });
    expect(elsewhere.rootfs).toContainEqual({ kind: 'symlink', path: NODE_ON_PATH, target: '/opt/node-v20/bin/node' });
  });

  it('has root, nobody and user 1000, and a world-writable sticky /tmp', () => {
    const passwd = plan.rootfs.find((e) => e.path === '/etc/passwd');
    const group = plan.rootfs.find((e) => e.path === '/etc/group');
    expect(passwd?.kind === 'text' ? passwd.content : '').toMatch(/^root:x:0:0:[\s\S]*^nobody:x:65534:65534:[\s\S]*^user:x:1000:1000:/m);
    expect(group?.kind === 'text' ? group.content : '').toMatch(/^root:x:0:\n[\s\S]*^nobody:x:65534:\n[\s\S]*^user:x:1000:/m);
    expect(plan.rootfs).toContainEqual({ kind: 'dir', path: '/tmp', mode: 0o1777 });
  });
});

describe('pause image plan', () => {
  it('is busybox alone with an entrypoint that sleeps forever', () => {
    const plan = pausePlan({ busybox: '/bin/busybox' });
    expect(plan.tag).toBe(PAUSE_IMAGE);
    expect(plan.dockerfile).toBe('FROM scratch\nCOPY rootfs/ /\nENTRYPOINT ["/bin/busybox", "sleep", "infinity"]\n');
    expect(planSources(plan)).toEqual(['/bin/busybox']);
  });
});

describe('sourceHash', () => {
  const plan = basePlan(INPUT);
  const hash = sourceHash(plan, stampsFor(plan));

  it('is stable for the same inputs', () => {
    expect(sourceHash(basePlan(INPUT), stampsFor(plan))).toBe(hash);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with a source file size or mtime', () => {
    expect(sourceHash(plan, stampsFor(plan, { '/usr/local/bin/node': { size: 101, mtimeMs: 1_700_000_000_000 } }))).not.toBe(hash);
    expect(sourceHash(plan, stampsFor(plan, { '/bin/busybox': { size: 100, mtimeMs: 1_700_000_001_000 } }))).not.toBe(hash);
  });

  it('changes with the Dockerfile, the applets or a library path', () => {
    expect(sourceHash({ ...plan, dockerfile: `${plan.dockerfile}USER 1000\n` }, stampsFor(plan))).not.toBe(hash);
    const fewer = basePlan({ ...INPUT, busyboxList: 'sh\n' });
    expect(sourceHash(fewer, stampsFor(fewer))).not.toBe(hash);
    const moved = basePlan({ ...INPUT, libraries: ['/usr/lib/libc.so.6', '/lib64/ld-linux-x86-64.so.2'] });
    expect(sourceHash(moved, stampsFor(moved))).not.toBe(hash);
  });

  it('refuses to hash without a stamp for every source', () => {
    expect(() => sourceHash(plan, new Map())).toThrow(/no file stamp/);
  });

  it('ends up as a label in the built Dockerfile', () => {
    expect(dockerfileWithHash(plan, hash)).toBe(`${plan.dockerfile}LABEL ${SOURCE_HASH_LABEL}="${hash}"\n`);
  });
});
