// Docker container names and labels for sandboxes and containers, as dockershim wrote them, so that
// `docker ps` on a node reads like on a dockershim kubelet node.

import type { ContainerMetadata, Labels, PodSandboxMetadata } from './types.js';

export const KUBE_PREFIX = 'k8s';
export const SANDBOX_CONTAINER_NAME = 'POD';

export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';
export const CONTAINER_TYPE_LABEL = 'io.kubernetes.docker.type';
export const SANDBOX_ID_LABEL = 'io.kubernetes.sandbox.id';
/** The node whose agent owns the container; one dockerd may serve several simulated nodes. */
export const NODE_LABEL = 'meshkube.node';
/** Annotations are kept as labels with this prefix (dockershim's convention). */
export const ANNOTATION_PREFIX = 'annotation.';

export const CONTAINER_TYPE_SANDBOX = 'podsandbox';
export const CONTAINER_TYPE_CONTAINER = 'container';

const RUNTIME_LABELS = new Set([POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL, CONTAINER_NAME_LABEL, CONTAINER_TYPE_LABEL, SANDBOX_ID_LABEL, NODE_LABEL]);

/** `k8s_POD_<pod>_<namespace>_<uid>_<attempt>` */
export function sandboxName(m: PodSandboxMetadata): string {
  return [KUBE_PREFIX, SANDBOX_CONTAINER_NAME, m.name, m.namespace, m.uid, String(m.attempt)].join('_');
}

/** `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>` */
export function containerName(sandbox: PodSandboxMetadata, c: ContainerMetadata): string {
  return [KUBE_PREFIX, c.name, sandbox.name, sandbox.namespace, sandbox.uid, String(c.attempt)].join('_');
}

export interface ParsedName {
  containerName: string;
  podName: string;
  namespace: string;
  uid: string;
  attempt: number;
}

/**
 * Parses a name made by sandboxName/containerName, with or without Docker's leading slash and with
 * or without the random suffix added after a name conflict. Undefined for names that are not ours.
 */
export function parseName(name: string): ParsedName | undefined {
  const parts = name.replace(/^\//, '').split('_');
  if (parts.length < 6 || parts.length > 7 || parts[0] !== KUBE_PREFIX) return undefined;
  const [, containerName = '', podName = '', namespace = '', uid = '', attempt = ''] = parts;
  if (!/^\d+$/.test(attempt)) return undefined;
  return { containerName, podName, namespace, uid, attempt: Number(attempt) };
}

/** User labels, annotations as `annotation.<key>` labels, then the runtime's own labels (which win). */
export function toDockerLabels(user: Labels | undefined, annotations: Labels | undefined, own: Labels): Labels {
  const out: Labels = { ...user };
  for (const [k, v] of Object.entries(annotations ?? {})) out[`${ANNOTATION_PREFIX}${k}`] = v;
  return { ...out, ...own };
}

/**
 * Docker merges the image's labels into the container's; our images' own labels (the source hash)
 * are not the pod's, so they are dropped. Other image labels show through, as with dockershim.
 */
export const IMAGE_LABEL_PREFIX = 'meshkube.image.';

/** Splits Docker labels back into user labels and annotations (the runtime's own labels dropped). */
export function fromDockerLabels(labels: Labels | undefined | null): { labels: Labels; annotations: Labels } {
  const user: Labels = {};
  const annotations: Labels = {};
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith(ANNOTATION_PREFIX)) annotations[k.slice(ANNOTATION_PREFIX.length)] = v;
    else if (!RUNTIME_LABELS.has(k) && !k.startsWith(IMAGE_LABEL_PREFIX)) user[k] = v;
  }
  return { labels: user, annotations };
}

export function sandboxOwnLabels(nodeName: string, m: PodSandboxMetadata): Labels {
  return {
    [POD_NAME_LABEL]: m.name,
    [POD_NAMESPACE_LABEL]: m.namespace,
    [POD_UID_LABEL]: m.uid,
    [CONTAINER_NAME_LABEL]: SANDBOX_CONTAINER_NAME,
    [CONTAINER_TYPE_LABEL]: CONTAINER_TYPE_SANDBOX,
    [NODE_LABEL]: nodeName,
  };
}

export function containerOwnLabels(nodeName: string, sandboxId: string, sandbox: PodSandboxMetadata, containerName: string): Labels {
  return {
    [POD_NAME_LABEL]: sandbox.name,
    [POD_NAMESPACE_LABEL]: sandbox.namespace,
    [POD_UID_LABEL]: sandbox.uid,
    [CONTAINER_NAME_LABEL]: containerName,
    [CONTAINER_TYPE_LABEL]: CONTAINER_TYPE_CONTAINER,
    [SANDBOX_ID_LABEL]: sandboxId,
    [NODE_LABEL]: nodeName,
  };
}

/** Sandbox metadata from a sandbox's labels and name (labels first; the name for the attempt). */
export function sandboxMetadata(name: string, labels: Labels | undefined | null): PodSandboxMetadata {
  const parsed = parseName(name);
  return {
    name: labels?.[POD_NAME_LABEL] ?? parsed?.podName ?? '',
    namespace: labels?.[POD_NAMESPACE_LABEL] ?? parsed?.namespace ?? '',
    uid: labels?.[POD_UID_LABEL] ?? parsed?.uid ?? '',
    attempt: parsed?.attempt ?? 0,
  };
}

export function containerMetadata(name: string, labels: Labels | undefined | null): ContainerMetadata {
  const parsed = parseName(name);
  return { name: labels?.[CONTAINER_NAME_LABEL] ?? parsed?.containerName ?? '', attempt: parsed?.attempt ?? 0 };
}

/** Docker list filters (`label=`) for this node's sandboxes or containers. */
export function labelFilters(nodeName: string, type: typeof CONTAINER_TYPE_SANDBOX | typeof CONTAINER_TYPE_CONTAINER, extra: Labels = {}): string[] {
  return [`${NODE_LABEL}=${nodeName}`, `${CONTAINER_TYPE_LABEL}=${type}`, ...Object.entries(extra).map(([k, v]) => `${k}=${v}`)];
}
