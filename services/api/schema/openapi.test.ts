import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isRecord } from '../../../lib/api/object.js';
import { RESOURCES } from '../registry/resources.js';
import { openApiV2, openApiV3ForGroupVersion, openApiV3Index } from './openapi.js';

type Json = Record<string, unknown>;

function rec(v: unknown): Json {
  if (!isRecord(v)) throw new Error(`not an object: ${JSON.stringify(v)?.slice(0, 80)}`);
  return v;
}

/** Every value of a key anywhere in a JSON tree. */
function valuesOf(key: string, v: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(v)) for (const x of v) valuesOf(key, x, out);
  else if (isRecord(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === key) out.push(x);
      valuesOf(key, x, out);
    }
  }
  return out;
}

const prefixOf = (group: string, version: string): string => (group === '' ? `/api/${version}` : `/apis/${group}/${version}`);

/** What kubectl's explain template does to find a resource's GVK: the first operation on its list/item paths carrying one. */
function explainGvk(doc: Json, group: string, version: string, resource: string): unknown {
  const p = prefixOf(group, version);
  const paths = rec(doc.paths);
  for (const path of [`${p}/${resource}`, `${p}/${resource}/{name}`, `${p}/namespaces/{namespace}/${resource}`, `${p}/namespaces/{namespace}/${resource}/{name}`]) {
    const item = paths[path];
    if (!isRecord(item)) continue;
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (isRecord(op) && op['x-kubernetes-group-version-kind'] !== undefined) return op['x-kubernetes-group-version-kind'];
    }
  }
  return undefined;
}

/** What explain does next: the component schema whose x-kubernetes-group-version-kind list contains the GVK. */
function explainSchema(doc: Json, gvk: unknown): Json | undefined {
  for (const s of Object.values(rec(rec(doc.components).schemas))) {
    const list = rec(s)['x-kubernetes-group-version-kind'];
    if (Array.isArray(list) && list.some((x) => JSON.stringify(x) === JSON.stringify(gvk))) return rec(s);
  }
  return undefined;
}

function resolve(doc: Json, s: Json): Json {
  const ref = s.$ref;
  if (typeof ref !== 'string') return s;
  return rec(rec(rec(doc.components).schemas)[ref.replace('#/components/schemas/', '')]);
}

/** explain's field walk: properties, then array items, then map values. */
function explainField(doc: Json, root: Json, path: string[]): Json {
  let s = root;
  for (const name of path) {
    let r = resolve(doc, s);
    while (!isRecord(r.properties) || r.properties[name] === undefined) {
      if (isRecord(r.items)) r = resolve(doc, r.items);
      else if (isRecord(r.additionalProperties)) r = resolve(doc, r.additionalProperties);
      else throw new Error(`field "${name}" does not exist`);
    }
    s = rec(r.properties[name]);
  }
  return s;
}

/** kubectl's supportsQueryParamV3: some PATCH operation tagged with the GVK lists the parameter. */
function supportsQueryParam(doc: Json, gvk: { group: string; version: string; kind: string }, param: string): boolean {
  for (const item of Object.values(rec(doc.paths))) {
    const op = rec(item).patch;
    if (!isRecord(op)) continue;
    const g = op['x-kubernetes-group-version-kind'];
    if (!isRecord(g) || g.group !== gvk.group || g.version !== gvk.version || g.kind !== gvk.kind) continue;
    return Array.isArray(op.parameters) && op.parameters.some((p) => isRecord(p) && p.name === param);
  }
  return false;
}

describe('openApiV3Index', () => {
  it('lists every served group-version with a hash-pinned URL', () => {
    const index = openApiV3Index();
    const expected = new Set(RESOURCES.flatMap((r) => r.versions.map((v) => prefixOf(r.group, v).slice(1))));
    expect(new Set(Object.keys(index.paths))).toEqual(expected);
    for (const [key, { serverRelativeURL }] of Object.entries(index.paths)) {
      expect(serverRelativeURL).toMatch(new RegExp(`^/openapi/v3/${key.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`));
    }
  });

  it('hashes the document it points to, stably', () => {
    const url = openApiV3Index().paths['apis/apps/v1']?.serverRelativeURL ?? '';
    const doc = openApiV3ForGroupVersion('apps', 'v1');
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
    expect(url).toBe(`/openapi/v3/apis/apps/v1?hash=${hash}`);
    expect(openApiV3Index()).toEqual(openApiV3Index());
  });
});

describe('openApiV3ForGroupVersion', () => {
  it('is undefined for group-versions not served', () => {
    expect(openApiV3ForGroupVersion('apps', 'v2')).toBeUndefined();
    expect(openApiV3ForGroupVersion('batch', 'v1')).toBeUndefined();
  });

  it.each(RESOURCES.flatMap((r) => r.versions.map((v) => [r.group, v, r.kind, r.resource] as const)))('serves %s/%s %s so kubectl can use it', (group, version, kind, resource) => {
    const doc = rec(JSON.parse(JSON.stringify(openApiV3ForGroupVersion(group, version))));
    expect(doc.openapi).toBe('3.0.0');
    const gvk = explainGvk(doc, group, version, resource);
    expect(gvk).toEqual({ group, kind, version });
    const root = explainSchema(doc, gvk);
    expect(root?.properties).toHaveProperty('metadata');
    expect(supportsQueryParam(doc, { group, version, kind }, 'fieldValidation')).toBe(true);
  });

  it('lets explain walk deployment.spec.template.spec.containers', () => {
    const doc = rec(JSON.parse(JSON.stringify(openApiV3ForGroupVersion('apps', 'v1'))));
    const root = explainSchema(doc, { group: 'apps', kind: 'Deployment', version: 'v1' });
    if (!root) throw new Error('no Deployment schema');
    const containers = explainField(doc, root, ['spec', 'template', 'spec', 'containers']);
    expect(containers).toMatchObject({ type: 'array', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
    const container = resolve(doc, rec(containers.items));
    expect(container.required).toEqual(['name']);
    expect(Object.keys(rec(container.properties))).toEqual(expect.arrayContaining(['name', 'image', 'ports', 'env', 'resources', 'livenessProbe']));
    expect(explainField(doc, root, ['spec', 'template', 'spec', 'containers', 'resources', 'limits'])).toMatchObject({
      type: 'object',
      additionalProperties: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' },
    });
    expect(explainField(doc, root, ['spec', 'replicas'])).toMatchObject({ type: 'integer', format: 'int32' });
  });

  it('publishes Istio kinds with inline spec schemas under each served version', () => {
    for (const version of ['v1', 'v1beta1', 'v1alpha3']) {
      const doc = rec(openApiV3ForGroupVersion('networking.istio.io', version));
      const schemas = rec(rec(doc.components).schemas);
      const vs = rec(schemas[`io.istio.networking.${version}.VirtualService`]);
      expect(vs['x-kubernetes-group-version-kind']).toEqual([{ group: 'networking.istio.io', kind: 'VirtualService', version }]);
      expect(rec(rec(vs.properties).spec).properties).toHaveProperty('http');
      expect(schemas).toHaveProperty(`io.istio.networking.${version}.VirtualServiceList`);
    }
  });

  it.each(RESOURCES.flatMap((r) => r.versions.map((v) => [r.group, v] as const)))('%s/%s: every $ref resolves, write operations take fieldValidation, no internal keys leak', (group, version) => {
    const doc = rec(openApiV3ForGroupVersion(group, version));
    const schemas = rec(rec(doc.components).schemas);
    for (const ref of valuesOf('$ref', doc)) {
      expect(typeof ref).toBe('string');
      const name = String(ref).replace('#/components/schemas/', '');
      expect(schemas, String(ref)).toHaveProperty([name]);
    }
    expect(valuesOf('go', doc)).toEqual([]);
    for (const item of Object.values(rec(doc.paths))) {
      for (const method of ['post', 'put', 'patch']) {
        const op = rec(item)[method];
        if (!isRecord(op)) continue;
        expect(valuesOf('name', op.parameters)).toContain('fieldValidation');
        expect(op['x-kubernetes-group-version-kind']).toBeDefined();
      }
    }
  });

  it('offers strategic merge patch only for built-in kinds', () => {
    const patchTypes = (group: string, version: string, path: string): string[] =>
      Object.keys(rec(rec(rec(rec(rec(openApiV3ForGroupVersion(group, version)).paths)[path]).patch).requestBody).content as Json);
    expect(patchTypes('apps', 'v1', '/apis/apps/v1/namespaces/{namespace}/deployments/{name}')).toContain('application/strategic-merge-patch+json');
    expect(patchTypes('networking.istio.io', 'v1', '/apis/networking.istio.io/v1/namespaces/{namespace}/virtualservices/{name}')).not.toContain('application/strategic-merge-patch+json');
  });

  it('publishes subresources with the kinds they speak', () => {
    const apps = rec(rec(openApiV3ForGroupVersion('apps', 'v1')).paths);
    expect(rec(rec(apps['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']).patch)['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', kind: 'Scale', version: 'v1' });
    const core = rec(rec(openApiV3ForGroupVersion('', 'v1')).paths);
    expect(rec(rec(core['/api/v1/namespaces/{namespace}/pods/{name}/eviction']).post)['x-kubernetes-group-version-kind']).toEqual({ group: 'policy', kind: 'Eviction', version: 'v1' });
    expect(rec(rec(core['/api/v1/namespaces/{namespace}/pods/{name}/binding']).post).operationId).toBe('createCoreV1NamespacedPodBinding');
    expect(rec(core['/api/v1/namespaces/{namespace}/pods/{name}/log']).get).toMatchObject({ operationId: 'readCoreV1NamespacedPodLog' });
    expect(rec(core['/api/v1/pods']).get).toMatchObject({ operationId: 'listCoreV1PodForAllNamespaces', 'x-kubernetes-action': 'list' });
    expect(rec(core['/api/v1/nodes/{name}']).patch).toMatchObject({ operationId: 'patchCoreV1Node', 'x-kubernetes-action': 'patch' });
  });

  it('publishes Quantity and IntOrString as oneOf types', () => {
    const schemas = rec(rec(rec(openApiV3ForGroupVersion('', 'v1')).components).schemas);
    expect(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ oneOf: [{ type: 'string' }, { type: 'number' }] });
    expect(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] });
  });
});

describe('openApiV2', () => {
  const doc = openApiV2();

  it('is a Swagger 2.0 document whose $refs all resolve', () => {
    expect(doc).toMatchObject({ swagger: '2.0', info: { title: 'Kubernetes' } });
    const definitions = rec(doc.definitions);
    for (const ref of valuesOf('$ref', doc)) {
      expect(String(ref)).toMatch(/^#\/definitions\//);
      expect(definitions).toHaveProperty([String(ref).replace('#/definitions/', '')]);
    }
    expect(definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ type: 'string' });
    expect(definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ type: 'string', format: 'int-or-string' });
  });

  it('has every resource, its list kind and its operations with their query parameters', () => {
    const paths = rec(doc.paths);
    const definitions = rec(doc.definitions);
    for (const r of RESOURCES) {
      for (const v of r.versions) {
        const base = `${prefixOf(r.group, v)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
        const list = rec(rec(paths[base]).get);
        expect(list['x-kubernetes-group-version-kind']).toEqual({ group: r.group, kind: r.kind, version: v });
        expect(valuesOf('name', list.parameters)).toEqual(expect.arrayContaining(['labelSelector', 'fieldSelector', 'watch', 'resourceVersion', 'limit', 'continue']));
        const patch = rec(rec(paths[`${base}/{name}`]).patch);
        expect(valuesOf('name', patch.parameters)).toEqual(expect.arrayContaining(['body', 'fieldValidation', 'fieldManager', 'dryRun', 'force']));
        const def = Object.entries(definitions).find(([, s]) => JSON.stringify(rec(s)['x-kubernetes-group-version-kind']) === JSON.stringify([{ group: r.group, kind: r.kind, version: v }]));
        expect(def, `${r.kind} ${v}`).toBeDefined();
        expect(definitions).toHaveProperty([`${def?.[0] ?? ''}List`]);
      }
    }
  });
});
