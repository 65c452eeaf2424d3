// deploy/demo/demo.yaml: valid for the API server as written (after its defaulting), wired
// together (selectors, named ports), and using only images `meshctl image build` makes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isRecord } from '../../lib/api/object.js';
import type { KubeObject } from '../../lib/api/object.js';
import { DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND, DEMO_MANIFEST, DEMO_NODE_PORT, DEMO_PORT, checkoutRoot } from '../../lib/images/index.js';
import { applyDefaults } from '../../services/api/defaults/index.js';
import { kindKey } from '../../services/api/registry/resources.js';
import { validateCreate } from '../../services/api/validation/index.js';

const objects = parseAllDocuments(readFileSync(join(checkoutRoot(), DEMO_MANIFEST), 'utf8')).map((d) => d.toJSON() as KubeObject);

function find(kind: string, name: string): Record<string, unknown> {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (o === undefined) throw new Error(`no ${kind} ${name}`);
  return o as unknown as Record<string, unknown>;
}

/** Reads a path of keys and indexes out of untyped JSON. */
function at(v: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>((cur, k) => (Array.isArray(cur) ? cur[Number(k)] : isRecord(cur) ? cur[String(k)] : undefined), v);
}

describe('the demo manifest', () => {
  it('holds the three Deployments and two Services, all in namespace default', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name ?? ''}`)).toEqual(['Deployment/backend-v1', 'Deployment/backend-v2', 'Service/backend', 'Deployment/frontend', 'Service/frontend']);
    for (const o of objects) expect(o.metadata.namespace).toBe('default');
  });

  it('passes the API server validation after defaulting', () => {
    for (const o of objects) {
      const copy = structuredClone(o);
      const key = kindKey(copy.apiVersion.includes('/') ? (copy.apiVersion.split('/')[0] ?? '') : '', copy.kind);
      applyDefaults(key, copy);
      expect({ object: `${o.kind}/${o.metadata.name ?? ''}`, errors: validateCreate(key, copy) }).toEqual({ object: `${o.kind}/${o.metadata.name ?? ''}`, errors: [] });
    }
    // The same check finds a selector that does not match the pod template.
    const broken = structuredClone(find('Deployment', 'backend-v1')) as unknown as KubeObject;
    (at(broken, 'spec', 'selector', 'matchLabels') as Record<string, string>).version = 'v3';
    applyDefaults('apps/Deployment', broken);
    expect(validateCreate('apps/Deployment', broken).map((e) => e.field)).toContain('spec.template.metadata.labels');
  });

  it('runs the demo images, never pulled, with the pod name and IP from the downward API', () => {
    const images: Record<string, string> = { 'backend-v1': DEMO_BACKEND_V1, 'backend-v2': DEMO_BACKEND_V2, frontend: DEMO_FRONTEND };
    for (const [name, image] of Object.entries(images)) {
      const c = at(find('Deployment', name), 'spec', 'template', 'spec', 'containers', 0);
      expect(at(c, 'image')).toBe(image);
      expect(at(c, 'imagePullPolicy')).toBe('Never');
      expect(at(c, 'ports')).toEqual([{ name: 'http', containerPort: DEMO_PORT, protocol: 'TCP' }]);
      expect(at(c, 'readinessProbe', 'httpGet')).toEqual({ path: '/healthz', port: 'http' });
      const env = at(c, 'env') as unknown[];
      expect(env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
      expect(env).toContainEqual({ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
      expect(at(find('Deployment', name), 'spec', 'template', 'spec', 'terminationGracePeriodSeconds')).toBe(10);
    }
    expect(at(find('Deployment', 'backend-v1'), 'spec', 'replicas')).toBe(2);
    expect(at(find('Deployment', 'backend-v2'), 'spec', 'replicas')).toBe(1);
    expect(at(find('Deployment', 'frontend'), 'spec', 'replicas')).toBe(2);
    expect(at(find('Deployment', 'frontend'), 'spec', 'template', 'spec', 'containers', 0, 'env')).toContainEqual({ name: 'BACKEND_URL', value: 'http://backend:8080/' });
  });

  it('selects both backend versions behind Service backend and the frontends behind NodePort 30080', () => {
    const matches = (selector: unknown, labels: unknown): boolean => isRecord(selector) && isRecord(labels) && Object.entries(selector).every(([k, v]) => labels[k] === v);
    const podLabels = (name: string): unknown => at(find('Deployment', name), 'spec', 'template', 'metadata', 'labels');
    for (const name of ['backend-v1', 'backend-v2', 'frontend']) expect(matches(at(find('Deployment', name), 'spec', 'selector', 'matchLabels'), podLabels(name))).toBe(true);
    expect(podLabels('backend-v1')).toEqual({ app: 'backend', version: 'v1' });
    expect(podLabels('backend-v2')).toEqual({ app: 'backend', version: 'v2' });

    const backend = find('Service', 'backend');
    expect(at(backend, 'spec', 'type')).toBe('ClusterIP');
    expect(['backend-v1', 'backend-v2', 'frontend'].filter((d) => matches(at(backend, 'spec', 'selector'), podLabels(d)))).toEqual(['backend-v1', 'backend-v2']);
    expect(at(backend, 'spec', 'ports')).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);

    const frontend = find('Service', 'frontend');
    expect(at(frontend, 'spec', 'type')).toBe('NodePort');
    expect(['backend-v1', 'backend-v2', 'frontend'].filter((d) => matches(at(frontend, 'spec', 'selector'), podLabels(d)))).toEqual(['frontend']);
    expect(at(frontend, 'spec', 'ports', 0)).toMatchObject({ port: 8080, targetPort: 'http', nodePort: DEMO_NODE_PORT });
    expect(DEMO_NODE_PORT).toBe(30080);
  });
});
