// Pod volumes (ValidateVolumes and the volume source checks). The common sources are checked
// field by field; the rarer cloud and storage-vendor sources only count as "a source".
import { VOLUME_SOURCES } from '../defaults/pod-spec.js';
import { fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/api/field-errors.js';
import { validateDNS1123Label, validateFileMode } from './common.js';
import { absent, emptyString, indexedRecords, rec, str } from './json-access.js';
import type { JsonRecord } from './json-access.js';
import { parseQuantity } from '../../../lib/api/quantity.js';

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

/** validatePathNoBacksteps: no ".." element. */
export function validatePathNoBacksteps(target: string, path: FieldPath): FieldError[] {
  return target.split('/').includes('..') ? [fieldErrors.invalid(path, target, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative and without "..". */
export function validateLocalDescendingPath(target: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(fieldErrors.invalid(path, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

/** ValidateLocalNonReservedPath: also may not start with "..". */
export function validateLocalNonReservedPath(target: string, path: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(fieldErrors.invalid(path, target, "must not start with '..'"));
  return errs;
}

function validateKeyToPath(kp: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (emptyString(kp.key)) errs.push(fieldErrors.required(path.child('key'), ''));
  if (emptyString(kp.path)) errs.push(fieldErrors.required(path.child('path'), ''));
  errs.push(...validateLocalNonReservedPath(str(kp.path), path.child('path')));
  errs.push(...validateFileMode(kp.mode, path.child('mode')));
  return errs;
}

function validateItems(items: unknown, path: FieldPath): FieldError[] {
  return indexedRecords(items).flatMap(([i, kp]) => validateKeyToPath(kp, path.index(i)));
}

function validateDownwardAPIFile(file: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (emptyString(file.path)) errs.push(fieldErrors.required(path.child('path'), ''));
  errs.push(...validateLocalNonReservedPath(str(file.path), path.child('path')));
  const fieldRef = rec(file.fieldRef);
  if (fieldRef) {
    errs.push(...validateObjectFieldSelector(fieldRef, VOLUME_FIELD_PATHS, path.child('fieldRef')));
    if (!absent(file.resourceFieldRef)) {
      errs.push(fieldErrors.invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    }
  } else if (absent(file.resourceFieldRef)) {
    errs.push(fieldErrors.required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateFileMode(file.mode, path.child('mode')));
  return errs;
}

/** validateObjectFieldSelector (without the subscripted forms' conversion details). */
export function validateObjectFieldSelector(fs: JsonRecord, expressions: readonly string[], path: FieldPath): FieldError[] {
  if (emptyString(fs.apiVersion)) return [fieldErrors.required(path.child('apiVersion'), '')];
  if (emptyString(fs.fieldPath)) return [fieldErrors.required(path.child('fieldPath'), '')];
  const fieldPath = str(fs.fieldPath);
  const sub = /^(metadata\.(?:annotations|labels))\['([^']*)'\]$/.exec(fieldPath);
  if (sub) return [];
  if (!expressions.includes(fieldPath)) return [fieldErrors.notSupported(path.child('fieldPath'), fieldPath, expressions)];
  return [];
}

function validateSource(name: string, source: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  switch (name) {
    case 'emptyDir': {
      if (!absent(source.sizeLimit)) {
        const q = parseQuantity(source.sizeLimit);
        if (q.ok && q.quantity.milli < 0n) {
          errs.push(fieldErrors.forbidden(path.child('sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
        }
      }
      break;
    }
    case 'hostPath': {
      if (emptyString(source.path)) return [fieldErrors.required(path.child('path'), '')];
      errs.push(...validatePathNoBacksteps(str(source.path), path.child('path')));
      if (typeof source.type === 'string' && !HOST_PATH_TYPES.includes(source.type)) {
        errs.push(fieldErrors.notSupported(path.child('type'), source.type, HOST_PATH_TYPES));
      }
      break;
    }
    case 'secret':
      if (emptyString(source.secretName)) errs.push(fieldErrors.required(path.child('secretName'), ''));
      errs.push(...validateFileMode(source.defaultMode, path.child('defaultMode')));
      errs.push(...validateItems(source.items, path.child('items')));
      break;
    case 'configMap':
      if (emptyString(source.name)) errs.push(fieldErrors.required(path.child('name'), ''));
      errs.push(...validateFileMode(source.defaultMode, path.child('defaultMode')));
      errs.push(...validateItems(source.items, path.child('items')));
      break;
    case 'persistentVolumeClaim':
      if (emptyString(source.claimName)) errs.push(fieldErrors.required(path.child('claimName'), ''));
      break;
    case 'nfs':
      if (emptyString(source.server)) errs.push(fieldErrors.required(path.child('server'), ''));
      if (emptyString(source.path)) errs.push(fieldErrors.required(path.child('path'), ''));
      if (!str(source.path).startsWith('/')) errs.push(fieldErrors.invalid(path.child('path'), str(source.path), 'must be an absolute path'));
      break;
    case 'downwardAPI':
      errs.push(...validateFileMode(source.defaultMode, path.child('defaultMode')));
      for (const [, file] of indexedRecords(source.items)) errs.push(...validateDownwardAPIFile(file, path));
      break;
    case 'projected':
      errs.push(...validateFileMode(source.defaultMode, path.child('defaultMode')));
      errs.push(...validateProjectionSources(source, path));
      break;
    case 'csi':
      if (emptyString(source.driver)) errs.push(fieldErrors.required(path.child('driver'), ''));
      break;
    case 'gitRepo':
      if (emptyString(source.repository)) errs.push(fieldErrors.required(path.child('repository'), ''));
      errs.push(...validateLocalDescendingPath(str(source.directory), path.child('directory')));
      break;
    default:
      break;
  }
  return errs;
}

function validateProjectionSources(projected: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const allPaths = new Set<string>();
  const notePath = (p: string, what: string): void => {
    if (p === '') return;
    if (allPaths.has(p)) errs.push(fieldErrors.invalid(path, what, 'conflicting duplicate paths'));
    else allPaths.add(p);
  };
  for (const [i, source] of indexedRecords(projected.sources)) {
    const srcPath = path.child('sources').index(i);
    let numSources = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      const s = rec(source[kind]);
      if (!s) continue;
      numSources++;
      const projPath = srcPath.child(kind);
      if (emptyString(s.name)) errs.push(fieldErrors.required(projPath.child('name'), ''));
      for (const [j, kp] of indexedRecords(s.items)) {
        errs.push(...validateKeyToPath(kp, projPath.child('items').index(j)));
        notePath(str(kp.path), str(s.name));
      }
    }
    const dapi = rec(source.downwardAPI);
    if (dapi) {
      numSources++;
      for (const [, file] of indexedRecords(dapi.items)) {
        errs.push(...validateDownwardAPIFile(file, srcPath.child('downwardAPI')));
        notePath(str(file.path), str(file.path));
      }
    }
    const token = rec(source.serviceAccountToken);
    if (token) {
      numSources++;
      const tokPath = srcPath.child('serviceAccountToken');
      const seconds = typeof token.expirationSeconds === 'number' ? token.expirationSeconds : 0;
      if (seconds < 600) errs.push(fieldErrors.invalid(tokPath.child('expirationSeconds'), seconds, 'may not specify a duration less than 10 minutes'));
      if (seconds > 2 ** 32) errs.push(fieldErrors.invalid(tokPath.child('expirationSeconds'), seconds, 'may not specify a duration larger than 2^32 seconds'));
      if (emptyString(token.path)) errs.push(fieldErrors.required(path.child('path'), ''));
      else errs.push(...validateLocalNonReservedPath(str(token.path), path.child('path')));
    }
    if (!absent(source.clusterTrustBundle)) numSources++;
    if (numSources > 1) errs.push(fieldErrors.forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  }
  return errs;
}

/** The valid volumes by name (for volume mounts), and the errors. */
export interface VolumesResult {
  names: Set<string>;
  claims: Set<string>;
  errs: FieldError[];
}

export function validateVolumes(volumes: unknown, path: FieldPath): VolumesResult {
  const names = new Set<string>();
  const claims = new Set<string>();
  const errs: FieldError[] = [];
  for (const [i, vol] of indexedRecords(volumes)) {
    const idxPath = path.index(i);
    const el: FieldError[] = [];
    let numVolumes = 0;
    for (const source of VOLUME_SOURCES) {
      const value = vol[source];
      if (absent(value)) continue;
      if (numVolumes > 0) {
        el.push(fieldErrors.forbidden(idxPath.child(source), 'may not specify more than 1 volume type'));
        continue;
      }
      numVolumes++;
      const r = rec(value);
      if (r) el.push(...validateSource(source, r, idxPath.child(source)));
    }
    if (numVolumes === 0) el.push(fieldErrors.required(idxPath, 'must specify a volume type'));
    const name = vol.name;
    if (emptyString(name)) el.push(fieldErrors.required(idxPath.child('name'), ''));
    else if (typeof name === 'string') el.push(...validateDNS1123Label(name, idxPath.child('name')));
    if (typeof name === 'string' && names.has(name)) el.push(fieldErrors.duplicate(idxPath.child('name'), name));
    if (el.length === 0 && typeof name === 'string') {
      names.add(name);
      if (!absent(vol.persistentVolumeClaim) || !absent(vol.ephemeral)) claims.add(name);
    } else {
      errs.push(...el);
    }
  }
  return { names, claims, errs };
}
