// What goes into each of our base images, as data: a Dockerfile plus the files of the `rootfs/`
// folder it copies to `/`. Pure: the caller finds the host paths (busybox, node, its libraries) and
// the stager (build-context.ts) turns a plan into a tar build context.

import { createHash } from 'node:crypto';
import { posix } from 'node:path';

/** The image label carrying the hash of an image's inputs; a build is skipped when it matches. */
export const SOURCE_HASH_LABEL = 'meshkube.image.source-hash';

export const BASE_IMAGE = 'mesh/base:latest';
export const PAUSE_IMAGE = 'mesh/pause:latest';

export const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** One entry of the image's root filesystem, by its absolute path inside the image. */
export type RootfsEntry =
  | { kind: 'file'; path: string; source: string }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'text'; path: string; content: string; mode: number };

export interface ImagePlan {
  tag: string;
  /** The Dockerfile without the source-hash label (see dockerfileWithHash). */
  dockerfile: string;
  rootfs: RootfsEntry[];
}

/** Size and modification time of a host file, the part of it that goes into the source hash. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export const PASSWD = ['root:x:0:0:root:/root:/bin/sh', 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false', 'user:x:1000:1000:user:/tmp:/bin/sh', ''].join('\n');
export const GROUP = ['root:x:0:', 'nobody:x:65534:', 'user:x:1000:', ''].join('\n');

function dockerfile(lines: string[]): string {
  return ['FROM scratch', 'COPY rootfs/ /', ...lines, ''].join('\n');
}

/** Busybox applet names that can be symlinks in /bin (never `busybox` itself or names with a slash). */
export function appletNames(busyboxList: string): string[] {
  const names = busyboxList
    .split('\n')
    .map((l) => l.trim())
    .filter((n) => n !== '' && n !== 'busybox' && !n.includes('/') && n !== '.' && n !== '..');
  return [...new Set(names)].sort();
}

export interface BasePlanInput {
  /** Host path of a static busybox. */
  busybox: string;
  /** `busybox --list` output. */
  busyboxList: string;
  /** Host path of the Node.js binary (process.execPath); it lands at the same path in the image. */
  node: string;
  /** Shared libraries and loader from `ldd node` (parseLddOutput); same paths in the image. */
  libraries: string[];
}

/**
 * mesh/base: busybox with one /bin symlink per applet, Node.js with its libraries at their host
 * paths (and `node` on PATH: a /usr/local/bin/node symlink when its folder is not), root/nobody/user 1000 in /etc/passwd and /etc/group, /tmp 1777, PATH, CMD /bin/sh.
 */
export function basePlan(input: BasePlanInput): ImagePlan {
  const rootfs: RootfsEntry[] = [
    { kind: 'dir', path: '/bin', mode: 0o755 },
    { kind: 'file', path: '/bin/busybox', source: input.busybox },
    ...appletNames(input.busyboxList).map((name): RootfsEntry => ({ kind: 'symlink', path: `/bin/${name}`, target: 'busybox' })),
    { kind: 'file', path: input.node, source: input.node },
    ...nodeOnPath(input.node),
    ...input.libraries.map((lib): RootfsEntry => ({ kind: 'file', path: lib, source: lib })),
    { kind: 'dir', path: '/etc', mode: 0o755 },
    { kind: 'text', path: '/etc/passwd', content: PASSWD, mode: 0o644 },
    { kind: 'text', path: '/etc/group', content: GROUP, mode: 0o644 },
    { kind: 'dir', path: '/root', mode: 0o700 },
    { kind: 'dir', path: '/tmp', mode: 0o1777 },
  ];
  return {
    tag: BASE_IMAGE,
    dockerfile: dockerfile([`ENV PATH=${IMAGE_PATH}`, 'CMD ["/bin/sh"]']),
    rootfs: dedupe(rootfs),
  };
}

/** Where `node` is found on PATH in images whose Node.js binary lands outside PATH. */
export const NODE_ON_PATH = '/usr/local/bin/node';

/** A /usr/local/bin/node symlink when the host's node sits in a folder that is not on IMAGE_PATH. */
function nodeOnPath(node: string): RootfsEntry[] {
  return IMAGE_PATH.split(':').includes(posix.dirname(node)) ? [] : [{ kind: 'symlink', path: NODE_ON_PATH, target: node }];
}

/**
 * mesh/pause: only a static busybox; its entrypoint sleeps forever. The sandbox runs with
 * Init: true, so tini is PID 1 and forwards SIGTERM to the sleep, which then exits.
 */
export function pausePlan(input: { busybox: string }): ImagePlan {
  return {
    tag: PAUSE_IMAGE,
    dockerfile: dockerfile(['ENTRYPOINT ["/bin/busybox", "sleep", "infinity"]']),
    rootfs: [
      { kind: 'dir', path: '/bin', mode: 0o755 },
      { kind: 'file', path: '/bin/busybox', source: input.busybox },
    ],
  };
}

/** Later entries for a path replace earlier ones (e.g. node also listed among the libraries). */
function dedupe(entries: RootfsEntry[]): RootfsEntry[] {
  const byPath = new Map<string, RootfsEntry>();
  for (const e of entries) byPath.set(posix.normalize(e.path), { ...e, path: posix.normalize(e.path) });
  return [...byPath.values()];
}

/** The host files a plan copies (whose stamps go into the hash). */
export function planSources(plan: ImagePlan): string[] {
  return plan.rootfs.flatMap((e) => (e.kind === 'file' ? [e.source] : []));
}

/**
 * Hash of everything that makes up an image: the Dockerfile text, every rootfs entry (path, kind,
 * mode, symlink target, text content) and each copied host file's path, size and mtime.
 * `stamps` must hold every source of the plan.
 */
export function sourceHash(plan: ImagePlan, stamps: ReadonlyMap<string, FileStamp>): string {
  const h = createHash('sha256');
  h.update(`tag\0${plan.tag}\0dockerfile\0${plan.dockerfile}\0`);
  for (const e of [...plan.rootfs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    switch (e.kind) {
      case 'file': {
        const s = stamps.get(e.source);
        if (s === undefined) throw new Error(`no file stamp for ${e.source}`);
        h.update(`file\0${e.path}\0${e.source}\0${s.size}\0${Math.trunc(s.mtimeMs)}\0`);
        break;
      }
      case 'symlink':
        h.update(`symlink\0${e.path}\0${e.target}\0`);
        break;
      case 'dir':
        h.update(`dir\0${e.path}\0${e.mode.toString(8)}\0`);
        break;
      case 'text':
        h.update(`text\0${e.path}\0${e.mode.toString(8)}\0${e.content}\0`);
        break;
    }
  }
  return h.digest('hex');
}

/** The Dockerfile actually built: the plan's text plus the source-hash label. */
export function dockerfileWithHash(plan: ImagePlan, hash: string): string {
  return `${plan.dockerfile}LABEL ${SOURCE_HASH_LABEL}="${hash}"\n`;
}
