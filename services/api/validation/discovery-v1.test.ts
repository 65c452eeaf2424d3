import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { fieldErrorText } from '../../../lib/api/field-errors.js';
import { applyDefaults } from '../defaults/index.js';
import { validateCreate, validateUpdate } from './index.js';
import { at, arr } from './test-support.js';

type Obj = KubeObject;

function slice(): Obj {
  const o = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc', namespace: 'default', resourceVersion: '1', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true }, nodeName: 'worker-1' }],
    ports: [{ name: 'http', port: 80 }],
  } as unknown as Obj;
  applyDefaults('discovery.k8s.io/EndpointSlice', o);
  return o;
}

const texts = (o: KubeObject) => validateCreate('discovery.k8s.io/EndpointSlice', o).map(fieldErrorText);

describe('EndpointSlice validation', () => {
  it('accepts a valid slice', () => {
    expect(texts(slice())).toEqual([]);
  });

  it.each<[string, (o: Obj) => void, string]>([
    ['addressType required', (o) => delete o.addressType, 'addressType: Required value'],
    ['addressType enum', (o) => (o.addressType = 'IPv5'), 'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"'],
    ['addresses required', (o) => (at(o, 'endpoints', 0).addresses = []), 'endpoints[0].addresses: Required value: must contain at least 1 address'],
    ['IPv4 addresses', (o) => (at(o, 'endpoints', 0).addresses = ['fd00::1']), 'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address'],
    ['no special addresses', (o) => (at(o, 'endpoints', 0).addresses = ['169.254.1.1']), 'endpoints[0].addresses[0]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)'],
    ['FQDN addresses', (o) => {
      o.addressType = 'FQDN';
      at(o, 'endpoints', 0).addresses = ['db'];
    }, 'endpoints[0].addresses[0]: Invalid value: "db": should be a domain with at least two segments separated by dots'],
    ['port names unique', (o) => arr(o, 'ports').push({ name: 'http', port: 81, protocol: 'TCP' }), 'ports[1].name: Duplicate value: "http"'],
    ['port protocol', (o) => (at(o, 'ports', 0).protocol = 'QUIC'), 'ports[0].protocol: Unsupported value: "QUIC": supported values: "SCTP", "TCP", "UDP"'],
  ])('%s', (_name, mutate, expected) => {
    const o = slice();
    mutate(o);
    expect(texts(o)).toEqual([expected]);
  });

  it('keeps the address type on update', () => {
    const now = slice();
    now.addressType = 'IPv6';
    at(now, 'endpoints', 0).addresses = ['fd00::5'];
    expect(validateUpdate('discovery.k8s.io/EndpointSlice', now, slice()).map(fieldErrorText)).toEqual(['addressType: Invalid value: "IPv6": field is immutable']);
  });
});
