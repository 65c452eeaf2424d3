// The REST operations kube-apiserver publishes for a resource (list, create, read, replace,
// patch, delete, deletecollection and the subresources), described once and rendered into both
// OpenAPI v2 and v3 documents. Names and parameters follow kube-apiserver's published specs.
import { apiVersionOf } from '../registry/resources.js';
import type { ResourceInfo } from '../registry/resources.js';
import type { GroupVersionKind } from './dsl.js';
import { EVICTION, SCALE, TOKEN_REQUEST } from './definitions/subresources-v1.js';
import { schemaFor } from './kind-schemas.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type KubeAction = 'list' | 'post' | 'get' | 'put' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export interface ParameterSpec {
  name: string;
  in: 'query' | 'path';
  type: 'string' | 'boolean' | 'integer';
  description: string;
  required?: boolean;
}

export interface OperationSpec {
  method: HttpMethod;
  operationId: string;
  description: string;
  action: KubeAction;
  gvk: GroupVersionKind;
  parameters: ParameterSpec[];
  /** Definition name of the request body, if any. */
  body?: string;
  /** Body content types for PATCH. */
  patchTypes?: readonly string[];
  /** Definition name of the response, or "string" for text responses (logs). */
  response: string;
  /** Success codes besides 200. */
  extraCodes: readonly ('201' | '202')[];
  tag: string;
}

export interface PathSpec {
  path: string;
  /** Parameters shared by every operation of the path (name, namespace, pretty). */
  parameters: ParameterSpec[];
  operations: OperationSpec[];
}

const q = (name: string, type: ParameterSpec['type'], description: string): ParameterSpec => ({ name, in: 'query', type, description });

const P = {
  pretty: q('pretty', 'string', "If 'true', then the output is pretty printed."),
  dryRun: q('dryRun', 'string', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed'),
  fieldManager: q('fieldManager', 'string', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  fieldValidation: q(
    'fieldValidation',
    'string',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present.',
  ),
  force: q('force', 'boolean', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted.'),
  ignoreStoreReadError: q('ignoreStoreReadErrorWithClusterBreakingPotential', 'boolean', 'if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error.'),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: please use the PropagationPolicy.'),
  propagationPolicy: q('propagationPolicy', 'string', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
  allowWatchBookmarks: q('allowWatchBookmarks', 'boolean', 'allowWatchBookmarks requests watch events with type "BOOKMARK".'),
  continue: q('continue', 'string', 'The continue option should be set when retrieving more results from the server.'),
  fieldSelector: q('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  labelSelector: q('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  limit: q('limit', 'integer', 'limit is a maximum number of responses to return for a list call.'),
  resourceVersion: q('resourceVersion', 'string', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  resourceVersionMatch: q('resourceVersionMatch', 'string', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  sendInitialEvents: q('sendInitialEvents', 'boolean', '`sendInitialEvents=true` may be set together with `watch=true`: the stream begins with synthetic events for the current state.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'Timeout for the list/watch call.'),
  watch: q('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.'),
};

const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const PATCH_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation, P.force];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy];
const DELETE_COLLECTION_PARAMS = [P.continue, P.dryRun, P.fieldSelector, P.gracePeriodSeconds, P.ignoreStoreReadError, P.labelSelector, P.limit, P.orphanDependents, P.propagationPolicy, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds];
const LOG_PARAMS = [
  q('container', 'string', 'The container for which to stream logs. Defaults to only container if there is one container in the pod.'),
  q('follow', 'boolean', 'Follow the log stream of the pod. Defaults to false.'),
  q('insecureSkipTLSVerifyBackend', 'boolean', 'insecureSkipTLSVerifyBackend indicates that the apiserver should not confirm the validity of the serving certificate of the backend it is connecting to.'),
  q('limitBytes', 'integer', 'If set, the number of bytes to read from the server before terminating the log output.'),
  q('previous', 'boolean', 'Return previous terminated container logs. Defaults to false.'),
  q('sinceSeconds', 'integer', 'A relative time in seconds before the current time from which to show logs.'),
  q('sinceTime', 'string', 'An RFC3339 timestamp from which to show logs.'),
  q('stream', 'string', 'Specify which container log stream to return to the client: All, Stdout or Stderr.'),
  q('tailLines', 'integer', 'If set, the number of lines from the end of the logs to show.'),
  q('timestamps', 'boolean', 'If true, add an RFC3339 or RFC3339Nano timestamp at the beginning of every line of log output. Defaults to false.'),
];

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
export const STATUS_DEFINITION = `${META}Status`;
export const DELETE_OPTIONS_DEFINITION = `${META}DeleteOptions`;
export const PATCH_DEFINITION = `${META}Patch`;

const BUILT_IN_PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const CUSTOM_PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "core" for the core group, "rbacAuthorization" for rbac.authorization.k8s.io, "networkingIstioIo" for networking.istio.io. */
function groupWord(group: string): string {
  if (group === '') return 'core';
  const trimmed = group.endsWith('.k8s.io') ? group.slice(0, -'.k8s.io'.length) : group;
  const parts = trimmed.split(/[.-]/).filter((x) => x !== '');
  return parts.map((p, i) => (i === 0 ? p : upperFirst(p))).join('');
}

/** The root URL of a group-version: /api/v1 or /apis/apps/v1. */
export function groupVersionRoot(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** The key of a group-version in /openapi/v3: api/v1 or apis/apps/v1. */
export function groupVersionKey(group: string, version: string): string {
  return groupVersionRoot(group, version).slice(1);
}

/** The paths and operations a served resource has in one version; empty when its kind has no schema. */
export function resourcePaths(r: ResourceInfo, version: string): PathSpec[] {
  const ks = schemaFor(r.group, version, r.kind);
  if (!ks) return [];
  const def = ks.name;
  const listDef = `${def}List`;
  const custom = ks.custom;
  const gvk: GroupVersionKind = { group: r.group, kind: r.kind, version };
  const word = `${upperFirst(groupWord(r.group))}${upperFirst(version)}`;
  const tag = `${groupWord(r.group)}_${version}`;
  const ns = r.namespaced ? 'Namespaced' : '';
  const root = groupVersionRoot(r.group, version);
  const collection = r.namespaced ? `${root}/namespaces/{namespace}/${r.resource}` : `${root}/${r.resource}`;
  const item = `${collection}/{name}`;
  const has = (verb: string): boolean => r.verbs.includes(verb);
  const nsParam: ParameterSpec = { name: 'namespace', in: 'path', type: 'string', description: 'object name and auth scope, such as for teams and projects', required: true };
  const nameParam = (what: string): ParameterSpec => ({ name: 'name', in: 'path', type: 'string', description: `name of the ${what}`, required: true });
  const scopeParams = r.namespaced ? [nsParam] : [];
  const op = (o: Omit<OperationSpec, 'tag' | 'extraCodes' | 'gvk'> & { gvk?: GroupVersionKind; extraCodes?: OperationSpec['extraCodes'] }): OperationSpec => ({
    ...o,
    gvk: o.gvk ?? gvk,
    extraCodes: o.extraCodes ?? [],
    tag,
  });
  const kindName = `${ns}${r.kind}`;
  const patchTypes = custom ? CUSTOM_PATCH_TYPES : BUILT_IN_PATCH_TYPES;
  const paths: PathSpec[] = [];

  const collectionOps: OperationSpec[] = [];
  if (has('list')) collectionOps.push(op({ method: 'get', operationId: `list${word}${kindName}`, description: `list or watch objects of kind ${r.kind}`, action: 'list', parameters: LIST_PARAMS, response: listDef }));
  if (has('create')) collectionOps.push(op({ method: 'post', operationId: `create${word}${kindName}`, description: `create a ${r.kind}`, action: 'post', parameters: WRITE_PARAMS, body: def, response: def, extraCodes: ['201', '202'] }));
  if (has('deletecollection')) {
    collectionOps.push(op({ method: 'delete', operationId: `delete${word}Collection${kindName}`, description: `delete collection of ${r.kind}`, action: 'deletecollection', parameters: DELETE_COLLECTION_PARAMS, body: DELETE_OPTIONS_DEFINITION, response: STATUS_DEFINITION }));
  }
  if (collectionOps.length > 0) paths.push({ path: collection, parameters: [...scopeParams, P.pretty], operations: collectionOps });

  const itemOps: OperationSpec[] = [];
  if (has('get')) itemOps.push(op({ method: 'get', operationId: `read${word}${kindName}`, description: `read the specified ${r.kind}`, action: 'get', parameters: [], response: def }));
  if (has('update')) itemOps.push(op({ method: 'put', operationId: `replace${word}${kindName}`, description: `replace the specified ${r.kind}`, action: 'put', parameters: WRITE_PARAMS, body: def, response: def, extraCodes: ['201'] }));
  if (has('patch')) itemOps.push(op({ method: 'patch', operationId: `patch${word}${kindName}`, description: `partially update the specified ${r.kind}`, action: 'patch', parameters: PATCH_PARAMS, body: PATCH_DEFINITION, patchTypes, response: def, extraCodes: ['201'] }));
  if (has('delete')) itemOps.push(op({ method: 'delete', operationId: `delete${word}${kindName}`, description: `delete a ${r.kind}`, action: 'delete', parameters: DELETE_PARAMS, body: DELETE_OPTIONS_DEFINITION, response: STATUS_DEFINITION, extraCodes: ['202'] }));
  if (itemOps.length > 0) paths.push({ path: item, parameters: [nameParam(r.kind), ...scopeParams, P.pretty], operations: itemOps });

  if (r.namespaced && has('list')) {
    paths.push({
      path: `${root}/${r.resource}`,
      parameters: [...LIST_PARAMS, P.pretty],
      operations: [op({ method: 'get', operationId: `list${word}${r.kind}ForAllNamespaces`, description: `list or watch objects of kind ${r.kind}`, action: 'list', parameters: [], response: listDef })],
    });
  }

  const subParams = (what: string): ParameterSpec[] => [nameParam(what), ...scopeParams, P.pretty];
  for (const sub of r.subresources) {
    const subPath = `${item}/${sub}`;
    switch (sub) {
      case 'status':
        paths.push({
          path: subPath,
          parameters: subParams(r.kind),
          operations: [
            op({ method: 'get', operationId: `read${word}${kindName}Status`, description: `read status of the specified ${r.kind}`, action: 'get', parameters: [], response: def }),
            op({ method: 'put', operationId: `replace${word}${kindName}Status`, description: `replace status of the specified ${r.kind}`, action: 'put', parameters: WRITE_PARAMS, body: def, response: def, extraCodes: ['201'] }),
            op({ method: 'patch', operationId: `patch${word}${kindName}Status`, description: `partially update status of the specified ${r.kind}`, action: 'patch', parameters: PATCH_PARAMS, body: PATCH_DEFINITION, patchTypes, response: def, extraCodes: ['201'] }),
          ],
        });
        break;
      case 'scale': {
        const scaleGvk = { group: 'autoscaling', kind: 'Scale', version: 'v1' };
        paths.push({
          path: subPath,
          parameters: subParams('Scale'),
          operations: [
            op({ method: 'get', operationId: `read${word}${kindName}Scale`, description: `read scale of the specified ${r.kind}`, action: 'get', gvk: scaleGvk, parameters: [], response: SCALE }),
            op({ method: 'put', operationId: `replace${word}${kindName}Scale`, description: `replace scale of the specified ${r.kind}`, action: 'put', gvk: scaleGvk, parameters: WRITE_PARAMS, body: SCALE, response: SCALE, extraCodes: ['201'] }),
            op({ method: 'patch', operationId: `patch${word}${kindName}Scale`, description: `partially update scale of the specified ${r.kind}`, action: 'patch', gvk: scaleGvk, parameters: PATCH_PARAMS, body: PATCH_DEFINITION, patchTypes, response: SCALE, extraCodes: ['201'] }),
          ],
        });
        break;
      }
      case 'binding':
        paths.push({
          path: subPath,
          parameters: subParams('Binding'),
          operations: [op({ method: 'post', operationId: `create${word}${kindName}Binding`, description: `create binding of a ${r.kind}`, action: 'post', gvk: { group: '', kind: 'Binding', version: 'v1' }, parameters: WRITE_PARAMS, body: 'io.k8s.api.core.v1.Binding', response: 'io.k8s.api.core.v1.Binding', extraCodes: ['201', '202'] })],
        });
        break;
      case 'eviction':
        paths.push({
          path: subPath,
          parameters: subParams('Eviction'),
          operations: [op({ method: 'post', operationId: `create${word}${kindName}Eviction`, description: `create eviction of a ${r.kind}`, action: 'post', gvk: { group: 'policy', kind: 'Eviction', version: 'v1' }, parameters: WRITE_PARAMS, body: EVICTION, response: EVICTION, extraCodes: ['201', '202'] })],
        });
        break;
      case 'token':
        paths.push({
          path: subPath,
          parameters: subParams('TokenRequest'),
          operations: [op({ method: 'post', operationId: `create${word}${kindName}Token`, description: `create token of a ${r.kind}`, action: 'post', gvk: { group: 'authentication.k8s.io', kind: 'TokenRequest', version: 'v1' }, parameters: WRITE_PARAMS, body: TOKEN_REQUEST, response: TOKEN_REQUEST, extraCodes: ['201', '202'] })],
        });
        break;
      case 'log':
        paths.push({
          path: subPath,
          parameters: subParams(r.kind),
          operations: [op({ method: 'get', operationId: `read${word}${kindName}Log`, description: `read log of the specified ${r.kind}`, action: 'get', parameters: LOG_PARAMS, response: 'string' })],
        });
        break;
    }
  }
  return paths;
}

/** Every group-version the resources are served in, in table order: [{ group, version }]. */
export function servedGroupVersions(resources: readonly ResourceInfo[]): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of resources) {
    for (const version of r.versions) {
      const key = apiVersionOf(r.group, version);
      if (!seen.has(key)) seen.set(key, { group: r.group, version });
    }
  }
  return [...seen.values()];
}
