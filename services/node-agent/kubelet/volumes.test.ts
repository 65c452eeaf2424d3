import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import type { PodFacts } from './env.js';
import type { PodView } from './pod-spec.js';
import { parseContainer, podView } from './pod-spec.js';
import type { VolumeSources } from './volumes.js';
import { atomicWrite, containerMounts, etcHosts, podDir, podEtcFiles, removePodDir, setUpVolumes, VolumeSetupError } from './volumes.js';

type Json = Record<string, unknown>;

const b64 = (s: string): string => Buffer.from(s).toString('base64');

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'volumes-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let seq = 0;
const freshDir = (): string => path.join(root, `case-${String(++seq)}`);

function files(entries: Record<string, string | { data: string; mode: number }>): Map<string, { data: Buffer; mode: number }> {
  return new Map(Object.entries(entries).map(([k, v]) => [k, typeof v === 'string' ? { data: Buffer.from(v), mode: 0o644 } : { data: Buffer.from(v.data), mode: v.mode }]));
}

const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;
const exists = async (p: string): Promise<boolean> => lstat(p).then(
  () => true,
  () => false,
);

describe('atomicWrite', () => {
  it('writes a versioned directory behind ..data with top-level links through ..data', async () => {
    const dir = freshDir();
    await atomicWrite(dir, files({ a: 'A', 'sub/b': { data: 'B', mode: 0o600 } }));
    const version = await readlink(path.join(dir, '..data'));
    expect(version).toMatch(/^\.\.[0-9a-f]{16}$/);
    expect((await readdir(dir)).sort()).toEqual(['..data', version, 'a', 'sub'].sort());
    expect(await readlink(path.join(dir, 'a'))).toBe('..data/a');
    expect(await readlink(path.join(dir, 'sub'))).toBe('..data/sub');
    expect(await readFile(path.join(dir, 'a'), 'utf8')).toBe('A');
    expect(await readFile(path.join(dir, 'sub', 'b'), 'utf8')).toBe('B');
    expect(await mode(path.join(dir, 'a'))).toBe(0o644);
    expect(await mode(path.join(dir, 'sub', 'b'))).toBe(0o600);
  });

  it('leaves unchanged content alone', async () => {
    const dir = freshDir();
    await atomicWrite(dir, files({ a: 'A' }));
    const version = await readlink(path.join(dir, '..data'));
    const file = path.join(dir, version, 'a');
    const old = new Date('2020-01-01T00:00:00Z');
    await utimes(file, old, old);
    const before = await stat(file);
    await atomicWrite(dir, files({ a: 'A' }));
    expect(await readlink(path.join(dir, '..data'))).toBe(version);
    const after = await stat(file);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(old.getTime());
  });

  it('swaps in a new version on a change and removes the old one', async () => {
    const dir = freshDir();
    await atomicWrite(dir, files({ a: 'A' }));
    const v1 = await readlink(path.join(dir, '..data'));
    await atomicWrite(dir, files({ a: 'A2', c: 'C' }));
    const v2 = await readlink(path.join(dir, '..data'));
    expect(v2).not.toBe(v1);
    expect(await exists(path.join(dir, v1))).toBe(false);
    expect(await exists(path.join(dir, '..data_tmp'))).toBe(false);
    expect(await readFile(path.join(dir, 'a'), 'utf8')).toBe('A2');
    expect(await readFile(path.join(dir, 'c'), 'utf8')).toBe('C');
    expect((await readdir(dir)).sort()).toEqual(['..data', v2, 'a', 'c'].sort());
  });

  it('a mode change alone is a new version', async () => {
    const dir = freshDir();
    await atomicWrite(dir, files({ a: 'A' }));
    const v1 = await readlink(path.join(dir, '..data'));
    await atomicWrite(dir, files({ a: { data: 'A', mode: 0o400 } }));
    expect(await readlink(path.join(dir, '..data'))).not.toBe(v1);
    expect(await mode(path.join(dir, 'a'))).toBe(0o400);
  });

  // BUG: the kubelet's AtomicWriter removes the user-visible paths that are no longer in the
  // payload (a key deleted from a ConfigMap disappears from the volume); atomicWrite only adds
  // top-level links and leaves a dangling `b -> ..data/b` behind.
  it('removes the top-level link of a file that is no longer in the payload', async () => {
    const dir = freshDir();
    await atomicWrite(dir, files({ a: 'A', b: 'B' }));
    await atomicWrite(dir, files({ a: 'A' }));
    expect(await exists(path.join(dir, 'b'))).toBe(false);
  });

  it.each([['../evil'], ['a/../../evil'], ['..']])('refuses the path %j', async (rel) => {
    const dir = freshDir();
    const err = await atomicWrite(dir, files({ [rel]: 'x' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VolumeSetupError);
    expect((err as Error).message).toBe(`invalid path ${rel}`);
    expect(await exists(path.join(root, 'evil'))).toBe(false);
    expect(await exists(path.join(dir, '..data'))).toBe(false);
  });
});

class Sources implements VolumeSources {
  constructor(
    private readonly secrets: Record<string, KubeObject>,
    private readonly configMaps: Record<string, KubeObject>,
  ) {}
  getSecret(namespace: string, name: string): Promise<KubeObject | undefined> {
    return Promise.resolve(this.secrets[`${namespace}/${name}`]);
  }
  getConfigMap(namespace: string, name: string): Promise<KubeObject | undefined> {
    return Promise.resolve(this.configMaps[`${namespace}/${name}`]);
  }
}

const sources = new Sources(
  { 'shop/db': { apiVersion: 'v1', kind: 'Secret', metadata: { namespace: 'shop', name: 'db' }, data: { password: b64('hunter2'), user: b64('admin') } } },
  {
    'shop/cfg': {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'shop', name: 'cfg' },
      data: { 'app.conf': 'x=1', other: 'y' },
      binaryData: { 'logo.bin': b64('PNG') },
    },
  },
);

let uidSeq = 0;
function podWith(volumes: Json[], extra: Json = {}): { view: PodView; facts: PodFacts } {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'shop', uid: `uid-${String(++uidSeq)}`, labels: { tier: 'front', app: 'web' }, annotations: { 'a.b/c': 'd' } },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'x:1' }], volumes, ...extra },
  };
  return { view: podView(pod), facts: { pod, podIP: '10.244.1.5', hostIP: '10.10.0.21', nodeName: 'n1' } };
}

async function setUp(volumes: Json[]): Promise<{ out: Map<string, string>; view: PodView }> {
  const { view, facts } = podWith(volumes);
  return { out: await setUpVolumes(root, view, facts, sources), view };
}

async function failure(volumes: Json[]): Promise<unknown> {
  return setUp(volumes).then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('setUpVolumes', () => {
  it('makes an emptyDir world-writable under the kubelet plugin directory', async () => {
    const { out, view } = await setUp([{ name: 'cache', emptyDir: {} }]);
    const dir = path.join(root, 'pods', view.uid, 'volumes', 'kubernetes.io~empty-dir', 'cache');
    expect(out).toEqual(new Map([['cache', dir]]));
    expect(await mode(dir)).toBe(0o777);
    expect(podDir(root, view.uid)).toBe(path.join(root, 'pods', view.uid));
  });

  it('projects every ConfigMap key (binaryData decoded) with defaultMode', async () => {
    const { out, view } = await setUp([{ name: 'cfg', configMap: { name: 'cfg', defaultMode: 0o640 } }]);
    const dir = path.join(root, 'pods', view.uid, 'volumes', 'kubernetes.io~configmap', 'cfg');
    expect(out.get('cfg')).toBe(dir);
    expect(await readFile(path.join(dir, 'app.conf'), 'utf8')).toBe('x=1');
    expect(await readFile(path.join(dir, 'other'), 'utf8')).toBe('y');
    expect(await readFile(path.join(dir, 'logo.bin'), 'utf8')).toBe('PNG');
    expect(await mode(path.join(dir, 'app.conf'))).toBe(0o640);
  });

  it('projects only the listed ConfigMap items, at their paths and modes', async () => {
    const { out } = await setUp([{ name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o600 }, { key: 'other', path: 'o' }] } }]);
    const dir = out.get('cfg') ?? '';
    expect(await readFile(path.join(dir, 'conf', 'app.conf'), 'utf8')).toBe('x=1');
    expect(await mode(path.join(dir, 'conf', 'app.conf'))).toBe(0o600);
    expect(await mode(path.join(dir, 'o'))).toBe(0o644);
    expect(await exists(path.join(dir, 'app.conf'))).toBe(false);
    expect(await exists(path.join(dir, 'other'))).toBe(false);
  });

  it('decodes Secret data from base64', async () => {
    const { out, view } = await setUp([{ name: 'creds', secret: { secretName: 'db' } }]);
    const dir = path.join(root, 'pods', view.uid, 'volumes', 'kubernetes.io~secret', 'creds');
    expect(out.get('creds')).toBe(dir);
    expect(await readFile(path.join(dir, 'password'), 'utf8')).toBe('hunter2');
    expect(await readFile(path.join(dir, 'user'), 'utf8')).toBe('admin');
  });

  it('writes downward API files: labels and annotations as sorted key="value" lines, fields as text', async () => {
    const { out, view } = await setUp([
      {
        name: 'info',
        downwardAPI: {
          items: [
            { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
            { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
            { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
            { path: 'meta/ns', fieldRef: { fieldPath: 'metadata.namespace' }, mode: 0o400 },
          ],
        },
      },
    ]);
    const dir = path.join(root, 'pods', view.uid, 'volumes', 'kubernetes.io~downward-api', 'info');
    expect(out.get('info')).toBe(dir);
    expect(await readFile(path.join(dir, 'labels'), 'utf8')).toBe('app="web"\ntier="front"');
    expect(await readFile(path.join(dir, 'annotations'), 'utf8')).toBe('a.b/c="d"');
    expect(await readFile(path.join(dir, 'name'), 'utf8')).toBe('web-0');
    expect(await readFile(path.join(dir, 'meta', 'ns'), 'utf8')).toBe('shop');
    expect(await mode(path.join(dir, 'meta', 'ns'))).toBe(0o400);
  });

  it('combines ConfigMap, Secret and downward API sources in a projected volume', async () => {
    const { out, view } = await setUp([
      {
        name: 'all',
        projected: {
          defaultMode: 0o440,
          sources: [
            { configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'app.conf' }] } },
            { secret: { name: 'db', items: [{ key: 'password', path: 'pw' }] } },
            { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
    ]);
    const dir = path.join(root, 'pods', view.uid, 'volumes', 'kubernetes.io~projected', 'all');
    expect(out.get('all')).toBe(dir);
    expect((await readdir(dir)).filter((n) => !n.startsWith('..')).sort()).toEqual(['app.conf', 'ns', 'pw']);
    expect(await readFile(path.join(dir, 'pw'), 'utf8')).toBe('hunter2');
    expect(await readFile(path.join(dir, 'ns'), 'utf8')).toBe('shop');
    expect(await mode(path.join(dir, 'app.conf'))).toBe(0o440);
  });

  it('an optional missing ConfigMap or Secret gives an empty volume', async () => {
    const { out } = await setUp([
      { name: 'c', configMap: { name: 'gone', optional: true } },
      { name: 's', secret: { secretName: 'gone', optional: true } },
    ]);
    for (const dir of out.values()) expect((await readdir(dir)).filter((n) => !n.startsWith('..'))).toEqual([]);
    expect(out.size).toBe(2);
  });

  it.each([
    ['a missing ConfigMap', [{ name: 'cfg', configMap: { name: 'gone' } }], 'MountVolume.SetUp failed for volume "cfg" : configmap "gone" not found'],
    ['a missing Secret', [{ name: 'creds', secret: { secretName: 'gone' } }], 'MountVolume.SetUp failed for volume "creds" : secret "gone" not found'],
    ['a projected serviceAccountToken', [{ name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }], 'MountVolume.SetUp failed for volume "tok" : projected source not supported by this node agent (only configMap, secret and downwardAPI)'],
    ['an unknown volume type', [{ name: 'pvc', persistentVolumeClaim: { claimName: 'x' } }], 'volume "pvc": unsupported volume type'],
  ])('fails for %s', async (_what, volumes, message) => {
    const err = await failure(volumes);
    expect(err).toBeInstanceOf(VolumeSetupError);
    expect((err as Error).message).toBe(message);
  });

  // BUG: the kubelet's texts are "configmap references non-existent config key: <key>" and
  // "references non-existent secret key: <key>"; projectKeys appends " (<ns>/<name>)" and says
  // "secret references non-existent config key" for a Secret.
  it('a missing item key fails with the kubelet texts', async () => {
    const cm = await failure([{ name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'nope', path: 'n' }] } }]);
    expect((cm as Error).message).toBe('MountVolume.SetUp failed for volume "cfg" : configmap references non-existent config key: nope');
    const sec = await failure([{ name: 'creds', secret: { secretName: 'db', items: [{ key: 'nope', path: 'n' }] } }]);
    expect((sec as Error).message).toBe('MountVolume.SetUp failed for volume "creds" : references non-existent secret key: nope');
  });

  it('a missing item key is an error unless the volume is optional', async () => {
    expect(await failure([{ name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'nope', path: 'n' }] } }])).toBeInstanceOf(VolumeSetupError);
    const { out } = await setUp([{ name: 'cfg', configMap: { name: 'cfg', optional: true, items: [{ key: 'nope', path: 'n' }, { key: 'other', path: 'o' }] } }]);
    const dir = out.get('cfg') ?? '';
    expect((await readdir(dir)).filter((n) => !n.startsWith('..'))).toEqual(['o']);
  });

  describe('hostPath', () => {
    it('DirectoryOrCreate creates the directory (0755) and returns the path itself', async () => {
      const p = path.join(freshDir(), 'a', 'b');
      const { out } = await setUp([{ name: 'h', hostPath: { path: p, type: 'DirectoryOrCreate' } }]);
      expect(out.get('h')).toBe(p);
      expect((await stat(p)).isDirectory()).toBe(true);
      expect((await stat(p)).mode & 0o777 & ~process.umask()).toBe(0o755 & ~process.umask());
    });

    it('FileOrCreate creates an empty file and keeps an existing one', async () => {
      const p = path.join(freshDir(), 'f', 'data.txt');
      await setUp([{ name: 'h', hostPath: { path: p, type: 'FileOrCreate' } }]);
      expect(await readFile(p, 'utf8')).toBe('');
      await writeFile(p, 'keep');
      await setUp([{ name: 'h', hostPath: { path: p, type: 'FileOrCreate' } }]);
      expect(await readFile(p, 'utf8')).toBe('keep');
    });

    it('Directory and File check what is there', async () => {
      const d = freshDir();
      await mkdir(d, { recursive: true });
      await writeFile(path.join(d, 'f'), 'x');
      expect((await setUp([{ name: 'h', hostPath: { path: d, type: 'Directory' } }])).out.get('h')).toBe(d);
      expect((await setUp([{ name: 'h', hostPath: { path: path.join(d, 'f'), type: 'File' } }])).out.get('h')).toBe(path.join(d, 'f'));
      const missing = path.join(d, 'missing');
      const e1 = await failure([{ name: 'h', hostPath: { path: missing, type: 'Directory' } }]);
      expect(e1).toBeInstanceOf(VolumeSetupError);
      expect((e1 as Error).message).toBe(`hostPath type check failed: ${missing} is not a directory`);
      const e2 = await failure([{ name: 'h', hostPath: { path: d, type: 'File' } }]);
      expect((e2 as Error).message).toBe(`hostPath type check failed: ${d} is not a file`);
      expect(await exists(missing)).toBe(false);
    });

    it('no type: the path as it is, not created', async () => {
      const p = path.join(freshDir(), 'untouched');
      expect((await setUp([{ name: 'h', hostPath: { path: p } }])).out.get('h')).toBe(p);
      expect(await exists(p)).toBe(false);
    });
  });

  it('removePodDir removes everything of the pod', async () => {
    const { view } = await setUp([{ name: 'cache', emptyDir: {} }]);
    await removePodDir(root, view.uid);
    expect(await exists(podDir(root, view.uid))).toBe(false);
  });
});

describe('containerMounts', () => {
  const volumes = new Map([
    ['data', '/var/lib/kubelet/pods/u/volumes/kubernetes.io~empty-dir/data'],
    ['cfg', '/var/lib/kubelet/pods/u/volumes/kubernetes.io~configmap/cfg'],
  ]);

  it('maps volumeMounts to bind mounts, with subPath and readOnly', () => {
    const c = parseContainer({
      name: 'app',
      image: 'x:1',
      volumeMounts: [
        { name: 'data', mountPath: '/data' },
        { name: 'cfg', mountPath: '/etc/app/app.conf', subPath: 'app.conf', readOnly: true },
      ],
    });
    expect(containerMounts(c, volumes)).toEqual([
      { hostPath: '/var/lib/kubelet/pods/u/volumes/kubernetes.io~empty-dir/data', containerPath: '/data', readOnly: false },
      { hostPath: '/var/lib/kubelet/pods/u/volumes/kubernetes.io~configmap/cfg/app.conf', containerPath: '/etc/app/app.conf', readOnly: true },
    ]);
  });

  it('refuses a mount of a volume the pod does not have', () => {
    const c = parseContainer({ name: 'app', image: 'x:1', volumeMounts: [{ name: 'nope', mountPath: '/x' }] });
    expect(() => containerMounts(c, volumes)).toThrow(new VolumeSetupError(`volume "nope" not found in the pod's volumes`));
    expect(() => containerMounts(c, volumes)).toThrow(VolumeSetupError);
  });
});

const HEADER = [
  '# Kubernetes-managed hosts file.',
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'fe00::0\tip6-mcastprefix',
  'fe00::1\tip6-allnodes',
  'fe00::2\tip6-allrouters',
].join('\n');

describe('etcHosts', () => {
  it('names the pod by its hostname', () => {
    expect(etcHosts(podWith([]).view, '10.244.1.5', 'cluster.local')).toBe(`${HEADER}\n10.244.1.5\tweb-0\n`);
  });

  it('adds the FQDN with a subdomain', () => {
    const { view } = podWith([], { hostname: 'db-1', subdomain: 'db' });
    expect(etcHosts(view, '10.244.1.6', 'example.org')).toBe(`${HEADER}\n10.244.1.6\tdb-1.db.shop.svc.example.org\tdb-1\n`);
  });

  it('has no pod line without a pod IP', () => {
    expect(etcHosts(podWith([]).view, '', 'cluster.local')).toBe(`${HEADER}\n`);
  });
});

describe('podEtcFiles', () => {
  it('writes hosts and resolv.conf in the pod directory and mounts them over /etc, rewriting only on change', async () => {
    const { view } = podWith([]);
    const dns = { nameserver: '10.96.0.10', clusterDomain: 'cluster.local' };
    const mounts = await podEtcFiles(root, view, '10.244.1.5', dns);
    const dir = podDir(root, view.uid);
    expect(mounts).toEqual([
      { hostPath: path.join(dir, 'etc-hosts'), containerPath: '/etc/hosts', readOnly: false },
      { hostPath: path.join(dir, 'resolv.conf'), containerPath: '/etc/resolv.conf', readOnly: false },
    ]);
    expect(await readFile(path.join(dir, 'etc-hosts'), 'utf8')).toBe(`${HEADER}\n10.244.1.5\tweb-0\n`);
    expect(await readFile(path.join(dir, 'resolv.conf'), 'utf8')).toBe('nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');

    const old = new Date('2020-01-01T00:00:00Z');
    await utimes(path.join(dir, 'etc-hosts'), old, old);
    await utimes(path.join(dir, 'resolv.conf'), old, old);
    await podEtcFiles(root, view, '10.244.1.5', dns);
    expect((await stat(path.join(dir, 'etc-hosts'))).mtimeMs).toBe(old.getTime());
    expect((await stat(path.join(dir, 'resolv.conf'))).mtimeMs).toBe(old.getTime());
    await podEtcFiles(root, view, '10.244.1.9', dns);
    expect(await readFile(path.join(dir, 'etc-hosts'), 'utf8')).toBe(`${HEADER}\n10.244.1.9\tweb-0\n`);
    expect((await stat(path.join(dir, 'resolv.conf'))).mtimeMs).toBe(old.getTime());
  });
});
