import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { isConfigMapKey, isDNS1123Label } from '../../../lib/api/name-validation.js';
import { fieldErrorText } from '../../../lib/api/field-errors.js';
import type { KindKey } from '../registry/resources.js';
import { applyDefaults } from '../defaults/index.js';
import { validateCreate, validateUpdate } from './index.js';
import { arr, at, duplicateText } from './test-support.js';

type Obj = KubeObject;

function make(key: KindKey, apiVersion: string, kind: string, body: Record<string, unknown>, metadata: Record<string, unknown>): Obj {
  const o = { apiVersion, kind, metadata: { resourceVersion: '1', ...metadata }, ...body } as unknown as Obj;
  applyDefaults(key, o);
  return o;
}

const bases: Record<string, () => Obj> = {
  '/Namespace': () => make('/Namespace', 'v1', 'Namespace', {}, { name: 'team-a' }),
  '/Node': () => make('/Node', 'v1', 'Node', { spec: { podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } }, { name: 'worker-1' }),
  '/ServiceAccount': () => make('/ServiceAccount', 'v1', 'ServiceAccount', {}, { name: 'builder', namespace: 'default' }),
  '/Secret': () => make('/Secret', 'v1', 'Secret', { data: { password: 'czNjcjN0' } }, { name: 'db', namespace: 'default' }),
  '/ConfigMap': () => make('/ConfigMap', 'v1', 'ConfigMap', { data: { 'app.conf': 'x=1' }, binaryData: { blob: 'AAEC' } }, { name: 'cfg', namespace: 'default' }),
  '/Endpoints': () =>
    make('/Endpoints', 'v1', 'Endpoints', { subsets: [{ addresses: [{ ip: '10.244.1.5', nodeName: 'worker-1' }], ports: [{ name: 'http', port: 80 }] }] }, { name: 'web', namespace: 'default' }),
  '/Event': () =>
    make('/Event', 'v1', 'Event', { involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'Started', message: 'started', type: 'Normal' }, { name: 'web.1', namespace: 'default' }),
};

const create = (key: string, o: KubeObject) => validateCreate(key as KindKey, o).map(fieldErrorText);

describe('core/v1 create validation', () => {
  it.each(Object.keys(bases))('accepts a valid %s', (key) => {
    expect(create(key, (bases[key] as () => Obj)())).toEqual([]);
  });

  it.each<[string, string, (o: Obj) => void, string]>([
    ['/Namespace', 'name a DNS label', (o) => (at(o, 'metadata').name = 'team.a'), `metadata.name: Invalid value: "team.a": ${isDNS1123Label('team.a')[0]}`],
    ['/Namespace', 'no namespace on a cluster-scoped kind', (o) => (at(o, 'metadata').namespace = 'x'), 'metadata.namespace: Forbidden: not allowed on this type'],
    [
      '/Namespace',
      'spec finalizers',
      (o) => (at(o, 'spec').finalizers = ['custom']),
      'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ],
    ['/Node', 'taint effect required', (o) => delete at(o, 'spec', 'taints', 0).effect, 'metadata.taints[0].effect: Required value'],
    [
      '/Node',
      'taint effect enum',
      (o) => (at(o, 'spec', 'taints', 0).effect = 'Evict'),
      'metadata.taints[0].effect: Unsupported value: "Evict": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ],
    [
      '/Node',
      'taints unique by key and effect',
      (o) => arr(o, 'spec', 'taints').push({ key: 'dedicated', value: 'web', effect: 'NoSchedule' }),
      duplicateText('metadata.taints[1]', {"key":"dedicated","value":"web","effect":"NoSchedule"}, 'taints must be unique by key and effect pair'),
    ],
    ['/Node', 'pod CIDRs', (o) => (at(o, 'spec').podCIDRs = ['10.244.1.0']), 'spec.podCIDRs[0]: Invalid value: "10.244.1.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ['/ServiceAccount', 'name required', (o) => delete at(o, 'metadata').name, 'metadata.name: Required value: name or generateName is required'],
    ['/Secret', 'data keys', (o) => (at(o, 'data')['a/b'] = 'eA=='), `data[a/b]: Invalid value: "a/b": ${isConfigMapKey('a/b')[0]}`],
    ['/Secret', 'size limit', (o) => (at(o, 'data').big = Buffer.alloc(1024 * 1024 + 1).toString('base64')), 'data: Too long: may not be more than 1048576 bytes'],
    ['/Secret', 'tls secrets need their keys', (o) => (o.type = 'kubernetes.io/tls'), 'data[tls.crt]: Required value'],
    ['/ConfigMap', 'data keys', (o) => (at(o, 'data')['..bad'] = 'x'), `data[..bad]: Invalid value: "..bad": must not start with '..'`],
    ['/ConfigMap', 'keys in both maps', (o) => (at(o, 'data').blob = 'x'), 'data[blob]: Invalid value: "blob": duplicate of key present in binaryData'],
    ['/ConfigMap', 'size limit', (o) => (at(o, 'data').big = 'x'.repeat(1024 * 1024)), '[]: Too long: may not be more than 1048576 bytes'],
    ['/Endpoints', 'addresses required', (o) => (at(o, 'subsets', 0).addresses = []), 'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`'],
    [
      '/Endpoints',
      'valid IPs',
      (o) => (at(o, 'subsets', 0, 'addresses', 0).ip = 'web'),
      'subsets[0].addresses[0].ip: Invalid value: "web": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ],
    ['/Endpoints', 'no loopback', (o) => (at(o, 'subsets', 0, 'addresses', 0).ip = '127.0.0.2'), 'subsets[0].addresses[0].ip: Invalid value: "127.0.0.2": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ['/Endpoints', 'port protocol', (o) => (at(o, 'subsets', 0, 'ports', 0).protocol = 'IP'), 'subsets[0].ports[0].protocol: Unsupported value: "IP": supported values: "SCTP", "TCP", "UDP"'],
    ['/Event', 'involved object namespace', (o) => (at(o, 'involvedObject').namespace = 'other'), 'involvedObject.namespace: Invalid value: "other": does not match event.namespace'],
    ['/Event', 'new-style events need a reason and more', (o) => {
      o.eventTime = '2024-01-01T00:00:00.000000Z';
      o.reason = '';
    }, 'reason: Required value'],
  ])('%s: %s', (key, _name, mutate, expected) => {
    const o = (bases[key] as () => Obj)();
    mutate(o);
    const got = create(key, o);
    expect(got.find((t) => t === expected || t.startsWith(`${expected}: `)), got.join('\n')).toBeDefined();
  });
});

describe('core/v1 update validation', () => {
  it.each(Object.keys(bases))('accepts an unchanged %s', (key) => {
    const make = bases[key] as () => Obj;
    expect(validateUpdate(key as KindKey, make(), make())).toEqual([]);
  });

  it.each<[string, string, (o: Obj) => void, string]>([
    ['/Secret', 'type is immutable', (o) => (o.type = 'kubernetes.io/basic-auth'), 'type: Invalid value: "kubernetes.io/basic-auth": field is immutable'],
    ['/ConfigMap', 'namespace is immutable', (o) => (at(o, 'metadata').namespace = 'prod'), 'metadata.namespace: Invalid value: "prod": field is immutable'],
    ['/Node', 'pod CIDRs stay', (o) => (at(o, 'spec').podCIDRs = ['10.244.2.0/24']), 'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid'],
    ['/Namespace', 'creation time is immutable', (o) => (at(o, 'metadata').creationTimestamp = '2030-01-01T00:00:00Z'), 'metadata.creationTimestamp: Invalid value: "2030-01-01T00:00:00Z": field is immutable'],
  ])('%s: %s', (key, _name, mutate, expected) => {
    const make = bases[key] as () => Obj;
    const now = make();
    mutate(now);
    expect(validateUpdate(key as KindKey, now, make()).map(fieldErrorText)).toContain(expected);
  });

  it('keeps immutable ConfigMaps and Secrets as they are', () => {
    for (const key of ['/ConfigMap', '/Secret']) {
      const make = bases[key] as () => Obj;
      const old = make();
      old.immutable = true;
      const now = make();
      now.immutable = true;
      now.data = { other: 'eA==' };
      expect(validateUpdate(key as KindKey, now, old).map(fieldErrorText)).toEqual(['data: Forbidden: field is immutable when `immutable` is set']);
      const unset = make();
      expect(validateUpdate(key as KindKey, unset, old).map(fieldErrorText)).toContain('immutable: Forbidden: field is immutable when `immutable` is set');
    }
  });
});
