// Pod volumes on the node's disk, bind-mounted into containers as the kubelet's volume plugins
// lay them out: <root>/pods/<uid>/volumes/kubernetes.io~<plugin>/<name>. ConfigMap, Secret,
// downward API and projected volumes are written with the kubelet's atomic writer layout
// (files behind a `..data` symlink that is swapped in one rename), so a reader never sees a
// half-written update.
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { podResolvConf } from '../dns/resolv-conf.js';
import type { EnvSources, PodFacts } from './env.js';
import { fieldRefValue } from './env.js';
import type { ContainerSpec, PodView } from './pod-spec.js';

type Json = Record<string, unknown>;

/** Where Secrets and ConfigMaps come from: the same lookups the environment uses. */
export type VolumeSources = EnvSources;

export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

/** A volume that cannot be set up (the FailedMount event's message). */
export class VolumeSetupError extends Error {
  override readonly name = 'VolumeSetupError';
}

export function podDir(root: string, uid: string): string {
  return path.join(root, 'pods', uid);
}

const PLUGIN_DIR: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

function pluginOf(v: Json): string | undefined {
  for (const p of ['emptyDir', 'configMap', 'secret', 'downwardAPI', 'projected', 'hostPath']) if (v[p] !== undefined) return p;
  return undefined;
}

function decodeData(obj: KubeObject, binary: boolean): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const data = isRecord(obj.data) ? obj.data : {};
  for (const [k, v] of Object.entries(data)) out.set(k, binary ? Buffer.from(String(v), 'base64') : Buffer.from(String(v)));
  if (!binary && isRecord(obj.binaryData)) for (const [k, v] of Object.entries(obj.binaryData)) out.set(k, Buffer.from(String(v), 'base64'));
  return out;
}

interface FileEntry {
  data: Buffer;
  mode: number;
}

/** Keys (or the listed items) of a ConfigMap/Secret as files. */
function projectKeys(obj: KubeObject | undefined, src: Json, kind: 'configmap' | 'secret', defaultMode: number, files: Map<string, FileEntry>): void {
  const name = String(src.name ?? src.secretName ?? '');
  if (!obj) {
    if (src.optional === true) return;
    throw new VolumeSetupError(`${kind} "${name}" not found`);
  }
  const data = decodeData(obj, kind === 'secret');
  const items = Array.isArray(src.items) ? src.items.filter(isRecord) : undefined;
  if (!items) {
    for (const [k, v] of data) files.set(k, { data: v, mode: defaultMode });
    return;
  }
  for (const it of items) {
    const key = String(it.key ?? '');
    const v = data.get(key);
    if (v === undefined) {
      if (src.optional === true) continue;
      throw new VolumeSetupError(kind === 'secret' ? `references non-existent secret key: ${key}` : `configmap references non-existent config key: ${key}`);
    }
    files.set(String(it.path ?? key), { data: v, mode: typeof it.mode === 'number' ? it.mode : defaultMode });
  }
}

function downwardFiles(src: Json, facts: PodFacts, defaultMode: number, files: Map<string, FileEntry>): void {
  const items = Array.isArray(src.items) ? src.items.filter(isRecord) : [];
  for (const it of items) {
    if (!isRecord(it.fieldRef)) continue;
    const fieldPath = String(it.fieldRef.fieldPath ?? '');
    let text: string;
    if (fieldPath === 'metadata.labels' || fieldPath === 'metadata.annotations') {
      const map = (fieldPath === 'metadata.labels' ? facts.pod.metadata.labels : facts.pod.metadata.annotations) ?? {};
      text = Object.keys(map)
        .sort()
        .map((k) => `${k}=${JSON.stringify(map[k])}`)
        .join('\n');
    } else {
      text = fieldRefValue(fieldPath, facts);
    }
    files.set(String(it.path ?? ''), { data: Buffer.from(text), mode: typeof it.mode === 'number' ? it.mode : defaultMode });
  }
}

/** Writes `files` under `dir` in the atomic writer's layout; unchanged content is left alone. */
export async function atomicWrite(dir: string, files: Map<string, FileEntry>): Promise<void> {
  const h = createHash('sha256');
  for (const [p, f] of [...files].sort(([a], [b]) => a.localeCompare(b))) h.update(p).update('\0').update(String(f.mode)).update('\0').update(f.data).update('\0');
  const version = `..${h.digest('hex').slice(0, 16)}`;
  await mkdir(dir, { recursive: true });
  const dataLink = path.join(dir, '..data');
  const current = await readlink(dataLink).catch(() => undefined);
  if (current === version) return;
  const vdir = path.join(dir, version);
  await rm(vdir, { recursive: true, force: true });
  for (const [rel, f] of files) {
    const target = path.join(vdir, rel);
    if (!target.startsWith(vdir + path.sep)) throw new VolumeSetupError(`invalid path ${rel}`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, f.data);
    await chmod(target, f.mode);
  }
  const tmpLink = path.join(dir, '..data_tmp');
  await rm(tmpLink, { force: true });
  await symlink(version, tmpLink);
  await rename(tmpLink, dataLink);
  // Top-level names point through ..data, so they follow every later swap.
  const tops = new Set([...files.keys()].map((rel) => rel.split('/')[0] ?? rel));
  // Names the payload no longer has (a key removed from the ConfigMap) go with it.
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('..') || tops.has(entry)) continue;
    const target = await readlink(path.join(dir, entry)).catch(() => undefined);
    if (target !== undefined && target.startsWith(`..data${path.sep}`)) await rm(path.join(dir, entry), { force: true });
  }
  for (const top of tops) {
    const link = path.join(dir, top);
    const existing = await readlink(link).catch(() => undefined);
    if (existing !== path.join('..data', top)) {
      await rm(link, { recursive: true, force: true });
      await symlink(path.join('..data', top), link);
    }
  }
  if (current !== undefined && current !== version) await rm(path.join(dir, current), { recursive: true, force: true });
}

async function hostPathVolume(v: Json): Promise<string> {
  const hp = isRecord(v.hostPath) ? v.hostPath : {};
  const p = String(hp.path ?? '');
  const type = typeof hp.type === 'string' ? hp.type : '';
  const st = await stat(p).catch(() => undefined);
  switch (type) {
    case 'DirectoryOrCreate':
      if (!st) await mkdir(p, { recursive: true, mode: 0o755 });
      break;
    case 'FileOrCreate':
      if (!st) {
        await mkdir(path.dirname(p), { recursive: true });
        await writeFile(p, '', { mode: 0o644 });
      }
      break;
    case 'Directory':
      if (!st?.isDirectory()) throw new VolumeSetupError(`hostPath type check failed: ${p} is not a directory`);
      break;
    case 'File':
      if (!st?.isFile()) throw new VolumeSetupError(`hostPath type check failed: ${p} is not a file`);
      break;
    default:
      break;
  }
  return p;
}

/** Sets up every volume of the pod and returns where each is on the host. */
export async function setUpVolumes(root: string, pod: PodView, facts: PodFacts, sources: VolumeSources): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const base = path.join(podDir(root, pod.uid), 'volumes');
  for (const v of pod.volumes) {
    const name = String(v.name ?? '');
    const plugin = pluginOf(v);
    if (plugin === undefined) throw new VolumeSetupError(`volume "${name}": unsupported volume type`);
    if (plugin === 'hostPath') {
      out.set(name, await hostPathVolume(v));
      continue;
    }
    const dir = path.join(base, PLUGIN_DIR[plugin] ?? plugin, name);
    const src = isRecord(v[plugin]) ? (v[plugin] as Json) : {};
    const defaultMode = typeof src.defaultMode === 'number' ? src.defaultMode : 0o644;
    const files = new Map<string, FileEntry>();
    try {
      switch (plugin) {
        case 'emptyDir':
          await mkdir(dir, { recursive: true, mode: 0o777 });
          await chmod(dir, 0o777);
          out.set(name, dir);
          continue;
        case 'configMap':
          projectKeys(await sources.getConfigMap(pod.namespace, String(src.name ?? '')), src, 'configmap', defaultMode, files);
          break;
        case 'secret':
          projectKeys(await sources.getSecret(pod.namespace, String(src.secretName ?? '')), src, 'secret', defaultMode, files);
          break;
        case 'downwardAPI':
          downwardFiles(src, facts, defaultMode, files);
          break;
        case 'projected':
          for (const s of Array.isArray(src.sources) ? src.sources.filter(isRecord) : []) {
            if (isRecord(s.configMap)) projectKeys(await sources.getConfigMap(pod.namespace, String(s.configMap.name ?? '')), s.configMap, 'configmap', defaultMode, files);
            else if (isRecord(s.secret)) projectKeys(await sources.getSecret(pod.namespace, String(s.secret.name ?? '')), s.secret, 'secret', defaultMode, files);
            else if (isRecord(s.downwardAPI)) downwardFiles(s.downwardAPI, facts, defaultMode, files);
            else throw new VolumeSetupError('projected source not supported by this node agent (only configMap, secret and downwardAPI)');
          }
          break;
        default:
          break;
      }
    } catch (err) {
      if (err instanceof VolumeSetupError) throw new VolumeSetupError(`MountVolume.SetUp failed for volume "${name}" : ${err.message}`);
      throw err;
    }
    await atomicWrite(dir, files);
    out.set(name, dir);
  }
  return out;
}

/** Bind mounts for a container's volumeMounts. */
export function containerMounts(c: ContainerSpec, volumes: ReadonlyMap<string, string>): Mount[] {
  const out: Mount[] = [];
  for (const m of c.volumeMounts) {
    const host = volumes.get(m.name);
    if (host === undefined) throw new VolumeSetupError(`volume "${m.name}" not found in the pod's volumes`);
    out.push({ hostPath: m.subPath ? path.join(host, m.subPath) : host, containerPath: m.mountPath, readOnly: m.readOnly });
  }
  return out;
}

/** The kubelet-managed /etc/hosts of a pod. */
export function etcHosts(pod: PodView, podIP: string, clusterDomain: string): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  if (podIP !== '') {
    lines.push(pod.subdomain ? `${podIP}\t${pod.hostname}.${pod.subdomain}.${pod.namespace}.svc.${clusterDomain}\t${pod.hostname}` : `${podIP}\t${pod.hostname}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the pod's hosts and resolv.conf files and returns their mounts. */
export async function podEtcFiles(root: string, pod: PodView, podIP: string, dns: { nameserver: string; clusterDomain: string }): Promise<Mount[]> {
  const dir = podDir(root, pod.uid);
  await mkdir(dir, { recursive: true });
  const hostsPath = path.join(dir, 'etc-hosts');
  const resolvPath = path.join(dir, 'resolv.conf');
  const write = async (p: string, text: string): Promise<void> => {
    const cur = await readFile(p, 'utf8').catch(() => undefined);
    if (cur !== text) await writeFile(p, text, { mode: 0o644 });
  };
  await write(hostsPath, etcHosts(pod, podIP, dns.clusterDomain));
  // dnsPolicy Default and None fall back to the cluster resolver here: the hosts are namespaces
  // without a resolver of their own, and no name outside the cluster may be looked up in tests.
  await write(resolvPath, podResolvConf(pod.namespace, dns));
  return [
    { hostPath: hostsPath, containerPath: '/etc/hosts', readOnly: false },
    { hostPath: resolvPath, containerPath: '/etc/resolv.conf', readOnly: false },
  ];
}

export async function removePodDir(root: string, uid: string): Promise<void> {
  await rm(podDir(root, uid), { recursive: true, force: true });
}
