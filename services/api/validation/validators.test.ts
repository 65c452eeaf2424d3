import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { RESOURCES, kindKey } from '../registry/resources.js';
import type { KindKey } from '../registry/resources.js';
import { applyDefaults } from '../defaults/index.js';
import { validateCreate, validateUpdate, VALIDATORS } from './index.js';

/** A minimal valid object of every served kind, as a client would send it (before defaults). */
const minimal: Record<string, Record<string, unknown>> = {
  '/Namespace': { metadata: { name: 'team-a' } },
  '/Node': { metadata: { name: 'worker-1' } },
  '/Pod': { spec: { containers: [{ name: 'c', image: 'busybox' }] } },
  '/Service': { spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } },
  '/Endpoints': { subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80 }] }] },
  '/ServiceAccount': {},
  '/Secret': { stringData: { token: 'abc' } },
  '/ConfigMap': { data: { a: 'b' } },
  '/Event': { involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Started' },
  'apps/Deployment': { spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } },
  'apps/ReplicaSet': { spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } },
  'discovery.k8s.io/EndpointSlice': { addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.5'] }], ports: [{ port: 80 }] },
  'coordination.k8s.io/Lease': { spec: { holderIdentity: 'a', leaseDurationSeconds: 10 } },
  'rbac.authorization.k8s.io/Role': { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
  'rbac.authorization.k8s.io/RoleBinding': { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }] },
  'rbac.authorization.k8s.io/ClusterRole': { metadata: { name: 'cr' }, rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] },
  'rbac.authorization.k8s.io/ClusterRoleBinding': { metadata: { name: 'crb' }, roleRef: { kind: 'ClusterRole', name: 'cr' }, subjects: [{ kind: 'Group', name: 'g' }] },
  'networking.istio.io/Gateway': { spec: { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } },
  'networking.istio.io/VirtualService': { spec: { hosts: ['x'], http: [{ route: [{ destination: { host: 'x' } }] }] } },
  'networking.istio.io/DestinationRule': { spec: { host: 'x' } },
  'networking.istio.io/ServiceEntry': { spec: { hosts: ['api.example.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' } },
  'networking.istio.io/Sidecar': { spec: { egress: [{ hosts: ['./*'] }] } },
  'security.istio.io/PeerAuthentication': { spec: { mtls: { mode: 'STRICT' } } },
  'security.istio.io/AuthorizationPolicy': { spec: {} },
  'security.istio.io/RequestAuthentication': { spec: { jwtRules: [{ issuer: 'me' }] } },
};

function build(key: KindKey): KubeObject {
  const info = RESOURCES.find((r) => kindKey(r.group, r.kind) === key);
  if (!info) throw new Error(key);
  const body = structuredClone(minimal[key] ?? {});
  const metadata = { name: 'x', ...(info.namespaced ? { namespace: 'default' } : {}), resourceVersion: '1', ...(body.metadata as object | undefined) };
  const obj = { apiVersion: `${info.group === '' ? '' : `${info.group}/`}${info.versions[0] ?? 'v1'}`, kind: info.kind, ...body, metadata } as KubeObject;
  applyDefaults(key, obj);
  return obj;
}

describe('the validation table', () => {
  it('covers every served kind', () => {
    const missing = RESOURCES.map((r) => kindKey(r.group, r.kind)).filter((k) => !Object.prototype.hasOwnProperty.call(VALIDATORS, k));
    expect(missing).toEqual([]);
    expect(Object.keys(VALIDATORS).sort()).toEqual(RESOURCES.map((r) => kindKey(r.group, r.kind)).sort());
  });

  it.each(RESOURCES.map((r) => kindKey(r.group, r.kind)))('accepts a minimal defaulted %s on create and update', (key) => {
    expect(Object.keys(minimal)).toContain(key);
    expect(validateCreate(key, build(key))).toEqual([]);
    expect(validateUpdate(key, build(key), build(key))).toEqual([]);
  });

  it('refuses a missing name for every kind with the same error', () => {
    for (const r of RESOURCES) {
      const key = kindKey(r.group, r.kind);
      const obj = build(key);
      delete obj.metadata.name;
      expect(validateCreate(key, obj)).toContainEqual({ type: 'FieldValueRequired', field: 'metadata.name', badValue: '', detail: 'name or generateName is required' });
    }
  });

  it('throws for a kind it does not know', () => {
    expect(() => validateCreate('example.com/Widget', build('/ConfigMap'))).toThrow('no validation for kind example.com/Widget');
  });

  it('survives objects of any shape', () => {
    for (const r of RESOURCES) {
      const key = kindKey(r.group, r.kind);
      for (const junk of [{}, { spec: 5 }, { spec: { containers: {}, ports: 'x', hosts: 3, http: [null], servers: [1] } }, { metadata: [], rules: 'x', subsets: {} }]) {
        const obj = { apiVersion: 'v1', kind: r.kind, metadata: {}, ...junk } as unknown as KubeObject;
        expect(() => {
          applyDefaults(key, obj);
          validateCreate(key, obj);
          validateUpdate(key, obj, obj);
        }).not.toThrow();
      }
    }
  });
});
