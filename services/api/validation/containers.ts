// Containers of a pod spec: names, images, ports, env, mounts, probes, lifecycle hooks,
// resources and security context (validateContainers, validateInitContainers and their helpers
// in pkg/apis/core/validation).
import { isConfigMapKey, isHTTPHeaderName, isQualifiedName, isRelaxedEnvVarName, isValidPortName, isValidPortNum } from '../../../lib/api/name-validation.js';
import { fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/api/field-errors.js';
import { IS_NEGATIVE_ERROR, MAX_INT32, PORT_PROTOCOLS, validateDNS1123Label, validateNonnegative, validatePortNumOrName } from './common.js';
import { absent, emptyString, indexedRecords, list, num, rec, str } from './json-access.js';
import type { JsonRecord } from './json-access.js';
import { nameIsDNSSubdomain } from './object-meta.js';
import { parseQuantity, quantityString } from '../../../lib/api/quantity.js';
import type { Quantity } from '../../../lib/api/quantity.js';
import { validateLocalDescendingPath, validateObjectFieldSelector } from './volumes.js';

const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
const CONTAINER_RESOURCE_FIELD_PATHS = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];
const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];
const STANDARD_RESOURCES = [
  ...STANDARD_CONTAINER_RESOURCES,
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'requests.storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'services.nodeports',
  'services.loadbalancers',
];
const INIT_ONLY_FORBIDDEN = 'may not be set for init containers without restartPolicy=Always';
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const MOUNT_PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];
const RECURSIVE_READ_ONLY = ['Disabled', 'Enabled', 'IfPossible'];
const HTTP_SCHEMES = ['HTTP', 'HTTPS'];
const USER_ID_RANGE_ERROR = `must be between 0 and ${MAX_INT32}, inclusive`;

/** What the container checks need to know about the pod around them. */
export interface ContainerContext {
  /** Names of the pod's valid volumes. */
  volumes: ReadonlySet<string>;
}

export function validateContainerPorts(ports: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, port] of indexedRecords(ports)) {
    const p = path.index(i);
    const name = port.name;
    if (typeof name === 'string' && name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const msg of msgs) errs.push(fieldErrors.invalid(p.child('name'), name, msg));
      else if (names.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
      else names.add(name);
    }
    const containerPort = port.containerPort;
    if (absent(containerPort) || containerPort === 0) errs.push(fieldErrors.required(p.child('containerPort'), ''));
    else if (typeof containerPort === 'number') {
      for (const msg of isValidPortNum(containerPort)) errs.push(fieldErrors.invalid(p.child('containerPort'), containerPort, msg));
    }
    const hostPort = num(port.hostPort);
    if (hostPort !== undefined && hostPort !== 0) {
      for (const msg of isValidPortNum(hostPort)) errs.push(fieldErrors.invalid(p.child('hostPort'), hostPort, msg));
    }
    if (emptyString(port.protocol)) errs.push(fieldErrors.required(p.child('protocol'), ''));
    else if (typeof port.protocol === 'string' && !(PORT_PROTOCOLS as readonly string[]).includes(port.protocol)) {
      errs.push(fieldErrors.notSupported(p.child('protocol'), port.protocol, PORT_PROTOCOLS));
    }
  }
  return errs;
}

/** AccumulateUniqueHostPorts: a protocol/hostIP/hostPort may be claimed once. */
export function checkHostPortConflicts(containers: readonly [number, JsonRecord][], path: FieldPath): FieldError[] {
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  for (const [ci, c] of containers) {
    for (const [pi, port] of indexedRecords(c.ports)) {
      const hostPort = num(port.hostPort);
      if (hostPort === undefined || hostPort === 0) continue;
      const key = `${str(port.protocol)}/${str(port.hostIP)}/${hostPort}`;
      if (seen.has(key)) errs.push(fieldErrors.duplicate(path.index(ci).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    }
  }
  return errs;
}

function validateKeySelector(s: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const msg of nameIsDNSSubdomain(str(s.name), false)) errs.push(fieldErrors.invalid(path.child('name'), str(s.name), msg));
  if (emptyString(s.key)) errs.push(fieldErrors.required(path.child('key'), ''));
  else if (typeof s.key === 'string') for (const msg of isConfigMapKey(s.key)) errs.push(fieldErrors.invalid(path.child('key'), s.key, msg));
  return errs;
}

function validateEnvVarValueFrom(ev: JsonRecord, path: FieldPath): FieldError[] {
  const from = rec(ev.valueFrom);
  if (!from) return [];
  const errs: FieldError[] = [];
  let numSources = 0;
  const fieldRef = rec(from.fieldRef);
  if (fieldRef) {
    numSources++;
    errs.push(...validateObjectFieldSelector(fieldRef, ENV_FIELD_PATHS, path.child('fieldRef')));
  }
  const resourceFieldRef = rec(from.resourceFieldRef);
  if (resourceFieldRef) {
    numSources++;
    const p = path.child('resourceFieldRef');
    const resource = str(resourceFieldRef.resource);
    if (resource === '') errs.push(fieldErrors.required(p.child('resource'), ''));
    else if (!CONTAINER_RESOURCE_FIELD_PATHS.includes(resource) && !/^(requests|limits)\.hugepages-/.test(resource)) {
      errs.push(fieldErrors.notSupported(p.child('resource'), resource, CONTAINER_RESOURCE_FIELD_PATHS));
    }
  }
  for (const kind of ['configMapKeyRef', 'secretKeyRef'] as const) {
    const s = rec(from[kind]);
    if (!s) continue;
    numSources++;
    errs.push(...validateKeySelector(s, path.child(kind)));
  }
  if (numSources === 0) {
    errs.push(fieldErrors.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (!emptyString(ev.value)) {
    errs.push(fieldErrors.invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (numSources > 1) {
    errs.push(fieldErrors.invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

/** ValidateEnv, with the relaxed (printable ASCII) variable names Kubernetes 1.32 allows. */
export function validateEnv(env: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, ev] of indexedRecords(env)) {
    const p = path.index(i);
    if (emptyString(ev.name)) errs.push(fieldErrors.required(p.child('name'), ''));
    else if (typeof ev.name === 'string') for (const msg of isRelaxedEnvVarName(ev.name)) errs.push(fieldErrors.invalid(p.child('name'), ev.name, msg));
    errs.push(...validateEnvVarValueFrom(ev, p.child('valueFrom')));
  }
  return errs;
}

export function validateEnvFrom(envFrom: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, ev] of indexedRecords(envFrom)) {
    const p = path.index(i);
    if (typeof ev.prefix === 'string' && ev.prefix !== '') {
      for (const msg of isRelaxedEnvVarName(ev.prefix)) errs.push(fieldErrors.invalid(p.child('prefix'), ev.prefix, msg));
    }
    let numSources = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const s = rec(ev[kind]);
      if (!s) continue;
      numSources++;
      const np = p.child(kind).child('name');
      if (emptyString(s.name)) errs.push(fieldErrors.required(np, ''));
      else for (const msg of nameIsDNSSubdomain(str(s.name), true)) errs.push(fieldErrors.invalid(np, str(s.name), msg));
    }
    if (numSources === 0) errs.push(fieldErrors.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (numSources > 1) errs.push(fieldErrors.invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

function validateVolumeMounts(c: JsonRecord, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  const privileged = rec(c.securityContext)?.privileged === true;
  for (const [i, mnt] of indexedRecords(c.volumeMounts)) {
    const p = path.index(i);
    const name = str(mnt.name);
    if (name === '') errs.push(fieldErrors.required(p.child('name'), ''));
    if (!ctx.volumes.has(name)) errs.push(fieldErrors.notFound(p.child('name'), name));
    const mountPath = str(mnt.mountPath);
    if (mountPath === '') errs.push(fieldErrors.required(p.child('mountPath'), ''));
    if (mountPoints.has(mountPath)) errs.push(fieldErrors.invalid(p.child('mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    // Kubernetes reports subPath problems without the mount's index.
    const subPath = str(mnt.subPath);
    if (subPath !== '') errs.push(...validateLocalDescendingPath(subPath, path.child('subPath')));
    const subPathExpr = str(mnt.subPathExpr);
    if (subPathExpr !== '') {
      if (subPath !== '') errs.push(fieldErrors.invalid(p.child('subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, path.child('subPathExpr')));
    }
    if (typeof mnt.mountPropagation === 'string') {
      const mp = path.child('mountPropagation');
      if (!MOUNT_PROPAGATIONS.includes(mnt.mountPropagation)) errs.push(fieldErrors.notSupported(mp, mnt.mountPropagation, MOUNT_PROPAGATIONS));
      if (mnt.mountPropagation === 'Bidirectional' && !privileged) {
        errs.push(fieldErrors.forbidden(mp, 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
    if (typeof mnt.recursiveReadOnly === 'string') {
      const rp = path.child('recursiveReadOnly');
      if (!RECURSIVE_READ_ONLY.includes(mnt.recursiveReadOnly)) errs.push(fieldErrors.notSupported(rp, mnt.recursiveReadOnly, RECURSIVE_READ_ONLY));
      else if (mnt.recursiveReadOnly !== 'Disabled') {
        if (mnt.readOnly !== true) errs.push(fieldErrors.forbidden(rp, 'may only be specified when readOnly is true'));
        if (typeof mnt.mountPropagation === 'string' && mnt.mountPropagation !== 'None') {
          errs.push(fieldErrors.forbidden(rp, 'may only be specified when mountPropagation is None or not specified'));
        }
      }
    }
  }
  return errs;
}

function validateHTTPGetAction(h: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (emptyString(h.path)) errs.push(fieldErrors.required(path.child('path'), ''));
  errs.push(...validatePortNumOrName(h.port, path.child('port')));
  if (typeof h.scheme !== 'string' || !HTTP_SCHEMES.includes(h.scheme)) errs.push(fieldErrors.notSupported(path.child('scheme'), str(h.scheme), HTTP_SCHEMES));
  for (const [, header] of indexedRecords(h.httpHeaders)) {
    const name = str(header.name);
    for (const msg of isHTTPHeaderName(name)) errs.push(fieldErrors.invalid(path.child('httpHeaders'), name, msg));
  }
  return errs;
}

/** validateHandler: exactly one of the handler kinds the holder allows. */
function validateHandler(handler: JsonRecord, kinds: readonly string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let numHandlers = 0;
  for (const kind of kinds) {
    const h = rec(handler[kind]);
    if (!h) continue;
    const p = path.child(kind);
    if (numHandlers > 0) {
      errs.push(fieldErrors.forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    numHandlers++;
    switch (kind) {
      case 'exec':
        if (list(h.command).length === 0) errs.push(fieldErrors.required(p.child('command'), ''));
        break;
      case 'httpGet':
        errs.push(...validateHTTPGetAction(h, p));
        break;
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(h.port, p.child('port')));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(num(h.port) ?? 0, p.child('port')));
        break;
      case 'sleep': {
        const seconds = num(h.seconds) ?? 0;
        if (seconds < 0) errs.push(fieldErrors.invalid(p.child('seconds'), seconds, 'must be non-negative'));
        break;
      }
      default:
        break;
    }
  }
  if (numHandlers === 0) errs.push(fieldErrors.required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(v: unknown, path: FieldPath): FieldError[] {
  const probe = rec(v);
  if (!probe) return [];
  const errs = validateHandler(probe, ['exec', 'httpGet', 'tcpSocket', 'grpc'], path);
  for (const field of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...validateNonnegative(probe[field], path.child(field)));
  }
  const grace = num(probe.terminationGracePeriodSeconds);
  if (grace !== undefined && grace <= 0) errs.push(fieldErrors.invalid(path.child('terminationGracePeriodSeconds'), grace, 'must be greater than 0'));
  return errs;
}

function validateProbes(c: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const kind of ['livenessProbe', 'startupProbe'] as const) {
    const probe = rec(c[kind]);
    if (!probe) continue;
    errs.push(...validateProbe(probe, path.child(kind)));
    const success = num(probe.successThreshold) ?? 0;
    if (success !== 1) errs.push(fieldErrors.invalid(path.child(kind).child('successThreshold'), success, 'must be 1'));
  }
  const readiness = rec(c.readinessProbe);
  if (readiness) {
    errs.push(...validateProbe(readiness, path.child('readinessProbe')));
    if (!absent(readiness.terminationGracePeriodSeconds)) {
      errs.push(
        fieldErrors.invalid(path.child('readinessProbe').child('terminationGracePeriodSeconds'), readiness.terminationGracePeriodSeconds, 'must not be set for readinessProbes'),
      );
    }
  }
  return errs;
}

function validateLifecycle(v: unknown, path: FieldPath): FieldError[] {
  const lifecycle = rec(v);
  if (!lifecycle) return [];
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop'] as const) {
    const h = rec(lifecycle[hook]);
    if (h) errs.push(...validateHandler(h, ['exec', 'httpGet', 'tcpSocket', 'sleep'], path.child(hook)));
  }
  return errs;
}

function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** helper.IsOvercommitAllowed: native resources other than huge pages may request less than their limit. */
function overcommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePages(name);
}

function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const qualified = isQualifiedName(name).map((msg) => fieldErrors.invalid(path, name, msg));
  if (qualified.length > 0) return qualified;
  const errs: FieldError[] = [];
  if (!name.includes('/')) {
    if (!STANDARD_RESOURCES.includes(name) && !isHugePages(name) && !/^(requests|limits)\.hugepages-/.test(name)) {
      errs.push(fieldErrors.invalid(path, name, 'must be a standard resource type or fully qualified'));
    }
    if (!STANDARD_CONTAINER_RESOURCES.includes(name) && !isHugePages(name)) {
      errs.push(fieldErrors.invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && (name.startsWith('requests.') || isQualifiedName(`requests.${name}`).length > 0)) {
    errs.push(fieldErrors.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses and checks one quantity of a resource list; undefined when it is unusable. */
function resourceQuantity(name: string, value: unknown, path: FieldPath, errs: FieldError[]): Quantity | undefined {
  const parsed = parseQuantity(value);
  if (!parsed.ok) {
    errs.push(fieldErrors.invalid(path, value, parsed.error));
    return undefined;
  }
  const q = parsed.quantity;
  if (q.milli < 0n) errs.push(fieldErrors.invalid(path, quantityString(q), IS_NEGATIVE_ERROR));
  if (!isNativeResource(name) && q.milli % 1000n !== 0n) errs.push(fieldErrors.invalid(path, quantityString(q), 'must be an integer'));
  return q;
}

/** ValidateResourceRequirements of a container: names, quantities, and requests within limits. */
export function validateResourceRequirements(v: unknown, path: FieldPath): FieldError[] {
  const resources = rec(v);
  if (!resources) return [];
  const errs: FieldError[] = [];
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = new Map<string, Quantity>();
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, value] of Object.entries(rec(resources.limits) ?? {})) {
    const p = limPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = resourceQuantity(name, value, p, errs);
    if (q) limits.set(name, q);
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
    if (isHugePages(name)) hugePages = true;
  }
  for (const [name, value] of Object.entries(rec(resources.requests) ?? {})) {
    const p = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = resourceQuantity(name, value, p, errs);
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
    if (isHugePages(name)) hugePages = true;
    const limit = limits.get(name);
    if (q && limit) {
      if (q.milli !== limit.milli && !overcommitAllowed(name)) {
        errs.push(fieldErrors.invalid(reqPath, quantityString(q), `must be equal to ${name} limit of ${quantityString(limit)}`));
      } else if (q.milli > limit.milli) {
        errs.push(fieldErrors.invalid(reqPath, quantityString(q), `must be less than or equal to ${name} limit of ${quantityString(limit)}`));
      }
    } else if (q && !overcommitAllowed(name) && !Object.prototype.hasOwnProperty.call(rec(resources.limits) ?? {}, name)) {
      errs.push(fieldErrors.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  if (hugePages && !cpuOrMemory) errs.push(fieldErrors.forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}

/** The user and group ID checks of a (pod or container) security context. */
export function validateIDs(sc: JsonRecord, path: FieldPath, fields: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of fields) {
    const id = num(sc[field]);
    if (id !== undefined && (id < 0 || id > MAX_INT32)) errs.push(fieldErrors.invalid(path.child(field), id, USER_ID_RANGE_ERROR));
  }
  return errs;
}

function validateSecurityContext(v: unknown, path: FieldPath): FieldError[] {
  const sc = rec(v);
  if (!sc) return [];
  const errs = validateIDs(sc, path, ['runAsUser', 'runAsGroup']);
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(fieldErrors.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    if (list(rec(sc.capabilities)?.add).includes('CAP_SYS_ADMIN')) {
      errs.push(fieldErrors.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  return errs;
}

/** validateContainerCommon: what every kind of container must satisfy. */
function validateContainerCommon(c: JsonRecord, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (emptyString(c.name)) errs.push(fieldErrors.required(path.child('name'), ''));
  else if (typeof c.name === 'string') errs.push(...validateDNS1123Label(c.name, path.child('name')));
  if (emptyString(c.image)) errs.push(fieldErrors.required(path.child('image'), ''));
  const policy = c.terminationMessagePolicy;
  if (emptyString(policy)) errs.push(fieldErrors.required(path.child('terminationMessagePolicy'), "must be 'File' or 'FallbackToLogsOnError'"));
  else if (typeof policy === 'string' && policy !== 'File' && policy !== 'FallbackToLogsOnError') {
    errs.push(fieldErrors.notSupported(path.child('terminationMessagePolicy'), policy, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(c.ports, path.child('ports')));
  errs.push(...validateEnv(c.env, path.child('env')));
  errs.push(...validateEnvFrom(c.envFrom, path.child('envFrom')));
  errs.push(...validateVolumeMounts(c, ctx, path.child('volumeMounts')));
  if (emptyString(c.imagePullPolicy)) errs.push(fieldErrors.required(path.child('imagePullPolicy'), ''));
  else if (typeof c.imagePullPolicy === 'string' && !PULL_POLICIES.includes(c.imagePullPolicy)) {
    errs.push(fieldErrors.notSupported(path.child('imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES));
  }
  errs.push(...validateResourceRequirements(c.resources, path.child('resources')));
  errs.push(...validateSecurityContext(c.securityContext, path.child('securityContext')));
  return errs;
}

export function validateContainers(containers: unknown, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const items = indexedRecords(containers);
  if (items.length === 0) return Array.isArray(containers) || absent(containers) ? [fieldErrors.required(path, '')] : [];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, c] of items) {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, ctx, p));
    const name = str(c.name);
    if (names.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
    else names.add(name);
    errs.push(...validateLifecycle(c.lifecycle, p.child('lifecycle')));
    errs.push(...validateProbes(c, p));
    if (!absent(c.restartPolicy)) errs.push(fieldErrors.forbidden(p.child('restartPolicy'), 'may not be set for non-init containers'));
  }
  errs.push(...checkHostPortConflicts(items, path));
  return errs;
}

export function validateInitContainers(initContainers: unknown, containers: unknown, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(indexedRecords(containers).map(([, c]) => str(c.name)));
  for (const [i, c] of indexedRecords(initContainers)) {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, ctx, p));
    let restartAlways = false;
    if (!absent(c.restartPolicy)) {
      if (c.restartPolicy === 'Always') restartAlways = true;
      else errs.push(fieldErrors.notSupported(p.child('restartPolicy'), c.restartPolicy, ['Always']));
    }
    const name = str(c.name);
    if (names.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
    else if (name !== '') names.add(name);
    // Init containers run one at a time, so each one's host ports only need to be unique in itself.
    errs.push(...checkHostPortConflicts([[i, c]], path));
    if (restartAlways) {
      errs.push(...validateLifecycle(c.lifecycle, p.child('lifecycle')));
      errs.push(...validateProbes(c, p));
    } else {
      for (const field of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (!absent(c[field])) errs.push(fieldErrors.forbidden(p.child(field), INIT_ONLY_FORBIDDEN));
      }
    }
  }
  return errs;
}

/** Ephemeral containers: a name, the common checks, and no name shared with other containers. */
export function validateEphemeralContainers(ephemeral: unknown, others: readonly unknown[], ctx: ContainerContext, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(others.flatMap((o) => indexedRecords(o).map(([, c]) => str(c.name))));
  for (const [i, c] of indexedRecords(ephemeral)) {
    const p = path.index(i);
    const target = str(c.targetContainerName);
    if (target !== '' && !names.has(target)) errs.push(fieldErrors.notFound(p.child('targetContainerName'), target));
    if (emptyString(c.name)) {
      errs.push(fieldErrors.required(p, 'ephemeralContainer requires a name'));
      continue;
    }
    errs.push(...validateContainerCommon(c, ctx, p));
    const name = str(c.name);
    if (names.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
    else names.add(name);
    for (const field of ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resources']) {
      const v = c[field];
      if (!absent(v) && !(Array.isArray(v) && v.length === 0) && !(rec(v) && Object.keys(rec(v) ?? {}).length === 0)) {
        errs.push(fieldErrors.forbidden(p.child(field), 'cannot be set for an Ephemeral Container'));
      }
    }
  }
  return errs;
}

/** validateContainersOnlyForPod: a Pod's (not a template's) images may not have surrounding spaces. */
export function validateImagesOnlyForPod(containers: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, c] of indexedRecords(containers)) {
    const image = str(c.image);
    if (image.trim().length !== image.length) errs.push(fieldErrors.invalid(path.index(i).child('image'), image, 'must not have leading or trailing whitespace'));
  }
  return errs;
}
