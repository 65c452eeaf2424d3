// Defaults of a PodSpec and its containers and volumes (SetDefaults_PodSpec, _Container,
// _Probe, _HTTPGetAction, the volume source defaulters), shared by Pods and pod templates.
// The Pod-only defaults (SetDefaults_Pod) are applied only when `pod` is set: Kubernetes keeps
// them out of templates so that adding one does not roll every Deployment.
import { canonicalQuantity } from '../../../lib/api/quantity.js';
import {
  absent,
  ensureRecord,
  indexedRecords,
  rec,
  setDefault,
  setDefaultNonZero,
  setDefaultString,
  str,
} from '../validation/json-access.js';
import type { JsonRecord } from '../validation/json-access.js';

/** Every volume source field of core/v1 VolumeSource, in the order validation checks them. */
export const VOLUME_SOURCES = [
  'emptyDir',
  'hostPath',
  'gitRepo',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'flocker',
  'persistentVolumeClaim',
  'rbd',
  'cinder',
  'cephfs',
  'quobyte',
  'downwardAPI',
  'fc',
  'flexVolume',
  'configMap',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'storageos',
  'projected',
  'scaleIO',
  'csi',
  'ephemeral',
  'image',
] as const;

/** 0644, the default file mode of secret, configMap, downwardAPI and projected volumes. */
const DEFAULT_FILE_MODE = 0o644;

const dockerPathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const dockerTag = /^[\w][\w.-]{0,127}$/;

/**
 * The tag of an image reference as parsers.ParseImageName sees it: "latest" when neither a tag
 * nor a digest is given, "" with only a digest, undefined when the reference does not parse.
 */
export function imageTag(image: string): string | undefined {
  if (image === '') return undefined;
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const hasDigest = at >= 0;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  let repo = name;
  let tag = '';
  if (colon > slash) {
    repo = name.slice(0, colon);
    tag = name.slice(colon + 1);
    if (!dockerTag.test(tag)) return undefined;
  }
  const parts = repo.split('/');
  // The first component is a registry host when it looks like one (a dot, a port, localhost).
  const first = parts[0] ?? '';
  const pathParts = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost') ? parts.slice(1) : parts;
  if (pathParts.length === 0 || !pathParts.every((p) => dockerPathComponent.test(p))) return undefined;
  if (tag === '' && !hasDigest) return 'latest';
  return tag;
}

/** Always for ":latest" (or no tag), IfNotPresent otherwise, as SetDefaults_Container decides. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

/** Rewrites every quantity of a resource list into its canonical, milli-rounded form. */
export function canonicalizeResourceList(v: unknown): void {
  const r = rec(v);
  if (!r) return;
  for (const [k, q] of Object.entries(r)) {
    const c = canonicalQuantity(q);
    if (c !== undefined) r[k] = c;
  }
}

function defaultObjectFieldSelector(fieldRef: unknown): void {
  const r = rec(fieldRef);
  if (r) setDefaultString(r, 'apiVersion', 'v1');
}

function defaultHTTPGet(v: unknown): void {
  const h = rec(v);
  if (!h) return;
  setDefaultString(h, 'path', '/');
  setDefaultString(h, 'scheme', 'HTTP');
}

function defaultProbe(v: unknown): void {
  const p = rec(v);
  if (!p) return;
  setDefaultNonZero(p, 'timeoutSeconds', 1);
  setDefaultNonZero(p, 'periodSeconds', 10);
  setDefaultNonZero(p, 'successThreshold', 1);
  setDefaultNonZero(p, 'failureThreshold', 3);
  defaultHTTPGet(p.httpGet);
  const grpc = rec(p.grpc);
  if (grpc) setDefault(grpc, 'service', '');
}

function defaultLifecycle(v: unknown): void {
  const l = rec(v);
  if (!l) return;
  for (const handler of ['postStart', 'preStop']) {
    const h = rec(l[handler]);
    if (h) defaultHTTPGet(h.httpGet);
  }
}

/** SetDefaults_Container plus the nested defaulters the generated code calls for a container. */
export function defaultContainer(c: JsonRecord): void {
  if (str(c.imagePullPolicy) === '') c.imagePullPolicy = defaultPullPolicy(str(c.image));
  setDefaultString(c, 'terminationMessagePath', '/dev/termination-log');
  setDefaultString(c, 'terminationMessagePolicy', 'File');
  for (const [, port] of indexedRecords(c.ports)) setDefaultString(port, 'protocol', 'TCP');
  for (const [, env] of indexedRecords(c.env)) {
    const from = rec(env.valueFrom);
    if (from) defaultObjectFieldSelector(from.fieldRef);
  }
  const resources = rec(c.resources);
  if (resources) {
    canonicalizeResourceList(resources.limits);
    canonicalizeResourceList(resources.requests);
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultLifecycle(c.lifecycle);
}

function defaultDownwardAPIItems(items: unknown): void {
  for (const [, item] of indexedRecords(items)) defaultObjectFieldSelector(item.fieldRef);
}

/** SetDefaults_Volume and the defaulters of each volume source. */
export function defaultVolume(vol: JsonRecord): void {
  if (VOLUME_SOURCES.every((s) => absent(vol[s]))) vol.emptyDir = {};
  const hostPath = rec(vol.hostPath);
  if (hostPath) setDefault(hostPath, 'type', '');
  const secret = rec(vol.secret);
  if (secret) setDefault(secret, 'defaultMode', DEFAULT_FILE_MODE);
  const configMap = rec(vol.configMap);
  if (configMap) setDefault(configMap, 'defaultMode', DEFAULT_FILE_MODE);
  const downwardAPI = rec(vol.downwardAPI);
  if (downwardAPI) {
    setDefault(downwardAPI, 'defaultMode', DEFAULT_FILE_MODE);
    defaultDownwardAPIItems(downwardAPI.items);
  }
  const projected = rec(vol.projected);
  if (projected) {
    setDefault(projected, 'defaultMode', DEFAULT_FILE_MODE);
    for (const [, source] of indexedRecords(projected.sources)) {
      const dapi = rec(source.downwardAPI);
      if (dapi) defaultDownwardAPIItems(dapi.items);
      const token = rec(source.serviceAccountToken);
      if (token) setDefault(token, 'expirationSeconds', 3600);
    }
  }
  const iscsi = rec(vol.iscsi);
  if (iscsi) setDefaultString(iscsi, 'iscsiInterface', 'default');
  const rbd = rec(vol.rbd);
  if (rbd) {
    setDefaultString(rbd, 'pool', 'rbd');
    setDefaultString(rbd, 'user', 'admin');
    setDefaultString(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const emptyDir = rec(vol.emptyDir);
  if (emptyDir && !absent(emptyDir.sizeLimit)) {
    const c = canonicalQuantity(emptyDir.sizeLimit);
    if (c !== undefined) emptyDir.sizeLimit = c;
  }
  const ephemeral = rec(vol.ephemeral);
  const claimSpec = rec(rec(ephemeral?.volumeClaimTemplate)?.spec);
  if (claimSpec) {
    setDefault(claimSpec, 'volumeMode', 'Filesystem');
    const res = rec(claimSpec.resources);
    if (res) {
      canonicalizeResourceList(res.limits);
      canonicalizeResourceList(res.requests);
    }
  }
}

/** Requests default to limits for each resource that has a limit and no request (Pods only). */
function defaultRequestsFromLimits(c: JsonRecord): void {
  const resources = rec(c.resources);
  const limits = rec(resources?.limits);
  if (!resources || !limits) return;
  const requests = ensureRecord(resources, 'requests');
  if (!requests) return;
  for (const [k, q] of Object.entries(limits)) if (absent(requests[k])) requests[k] = q;
}

/** With host networking every container port is also a host port (Pods only). */
function defaultHostNetworkPorts(containers: unknown): void {
  for (const [, c] of indexedRecords(containers)) {
    for (const [, port] of indexedRecords(c.ports)) {
      if (absent(port.hostPort) || port.hostPort === 0) {
        if (!absent(port.containerPort)) port.hostPort = port.containerPort;
      }
    }
  }
}

export interface PodSpecDefaultsOptions {
  /** Apply SetDefaults_Pod too (a Pod rather than a pod template). */
  pod: boolean;
}

export function defaultPodSpec(spec: JsonRecord, opts: PodSpecDefaultsOptions): void {
  setDefaultString(spec, 'dnsPolicy', 'ClusterFirst');
  setDefaultString(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefaultString(spec, 'schedulerName', 'default-scheduler');
  for (const [, vol] of indexedRecords(spec.volumes)) defaultVolume(vol);
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const [, c] of indexedRecords(spec[field])) defaultContainer(c);
  }
  canonicalizeResourceList(spec.overhead);

  if (!opts.pod) return;
  for (const field of ['containers', 'initContainers']) {
    for (const [, c] of indexedRecords(spec[field])) defaultRequestsFromLimits(c);
  }
  setDefault(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    defaultHostNetworkPorts(spec.containers);
    defaultHostNetworkPorts(spec.initContainers);
  }
  // The Priority admission plugin's part: with no PriorityClass the priority is 0.
  if (absent(spec.priority) && str(spec.priorityClassName) === '') spec.priority = 0;
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
}
