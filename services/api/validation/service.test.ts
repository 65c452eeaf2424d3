import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { isDNS1035Label, isDNS1123Label } from '../../../lib/api/name-validation.js';
import { fieldErrorText } from '../../../lib/api/field-errors.js';
import { applyDefaults } from '../defaults/index.js';
import { validateCreate, validateUpdate } from './index.js';
import { arr, at, duplicateText, invalidText } from './test-support.js';

type Obj = KubeObject;

function service(spec: Record<string, unknown> = {}): Obj {
  const s = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '3' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], clusterIP: '10.96.0.10', ...spec },
  } as unknown as Obj;
  applyDefaults('/Service', s);
  return s;
}

const texts = (o: KubeObject) => validateCreate('/Service', o).map(fieldErrorText);

describe('Service create validation', () => {
  it.each<[string, Record<string, unknown>]>([
    ['ClusterIP', {}],
    ['NodePort', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }],
    ['LoadBalancer', { type: 'LoadBalancer', ports: [{ port: 443 }] }],
    ['headless without ports', { clusterIP: 'None', ports: [] }],
    ['ExternalName', { type: 'ExternalName', externalName: 'db.example.com.', clusterIP: undefined, ports: [] }],
    ['dry-run create before allocation', { clusterIP: undefined }],
  ])('accepts a %s service', (_name, spec) => {
    expect(texts(service(spec))).toEqual([]);
  });

  it.each<[string, (s: Obj) => void, string]>([
    ['a DNS-1035 name', (s) => (at(s, 'metadata').name = '1web'), `metadata.name: Invalid value: "1web": ${isDNS1035Label('1web')[0]}`],
    ['ports required', (s) => (at(s, 'spec').ports = []), 'spec.ports: Required value'],
    ['port range', (s) => (at(s, 'spec', 'ports', 0).port = 0), 'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
    [
      'port protocol',
      (s) => (at(s, 'spec', 'ports', 0).protocol = 'HTTP'),
      'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ],
    ['targetPort number', (s) => (at(s, 'spec', 'ports', 0).targetPort = 65536), 'spec.ports[0].targetPort: Invalid value: 65536: must be between 1 and 65535, inclusive'],
    ['targetPort name', (s) => (at(s, 'spec', 'ports', 0).targetPort = 'my-long-port-name-here'), 'spec.ports[0].targetPort: Invalid value: "my-long-port-name-here": must be no more than 15 characters'],
    ['names needed with several ports', (s) => arr(s, 'spec', 'ports').push({ port: 81, protocol: 'TCP', targetPort: 81 }), 'spec.ports[1].name: Required value'],
    ['port names unique', (s) => arr(s, 'spec', 'ports').push({ name: 'http', port: 81, protocol: 'TCP', targetPort: 81 }), 'spec.ports[1].name: Duplicate value: "http"'],
    ['port name a DNS label', (s) => (at(s, 'spec', 'ports', 0).name = 'HTTP'), `spec.ports[0].name: Invalid value: "HTTP": ${isDNS1123Label('HTTP')[0]}`],
    [
      'ports unique per protocol',
      (s) => arr(s, 'spec', 'ports').push({ name: 'again', port: 80, protocol: 'TCP', targetPort: 80 }),
      duplicateText('spec.ports[1]', {"port":80,"protocol":"TCP"}),
    ],
    ['type enum', (s) => (at(s, 'spec').type = 'Magic'), 'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
    ['sessionAffinity enum', (s) => (at(s, 'spec').sessionAffinity = 'Cookie'), 'spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"'],
    [
      'ClientIP timeout',
      (s) => {
        at(s, 'spec').sessionAffinity = 'ClientIP';
        at(s, 'spec').sessionAffinityConfig = { clientIP: { timeoutSeconds: 0 } };
      },
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400',
    ],
    [
      'clusterIP a valid IP',
      (s) => {
        at(s, 'spec').clusterIP = '10.96.0.300';
        at(s, 'spec').clusterIPs = ['10.96.0.300'];
      },
      'spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ],
    ['clusterIPs matching clusterIP', (s) => (at(s, 'spec').clusterIPs = ['10.96.0.11']), invalidText('spec.clusterIPs', ["10.96.0.11"], 'first value must match `clusterIP`')],
    ['ipFamilies enum', (s) => (at(s, 'spec').ipFamilies = ['IPv5']), 'spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"'],
    [
      'ipFamilyPolicy enum',
      (s) => (at(s, 'spec').ipFamilyPolicy = 'Maybe'),
      'spec.ipFamilyPolicy: Unsupported value: "Maybe": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"',
    ],
    ['nodePort with ClusterIP', (s) => (at(s, 'spec', 'ports', 0).nodePort = 30001), "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    [
      'headless NodePort',
      (s) => {
        at(s, 'spec').type = 'NodePort';
        at(s, 'spec').clusterIP = 'None';
        at(s, 'spec').clusterIPs = ['None'];
        at(s, 'spec').externalTrafficPolicy = 'Cluster';
      },
      `spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`,
    ],
    ['ExternalName needs a name', (s) => {
      at(s, 'spec').type = 'ExternalName';
      delete at(s, 'spec').clusterIP;
      delete at(s, 'spec').clusterIPs;
      delete at(s, 'spec').ipFamilies;
      delete at(s, 'spec').ipFamilyPolicy;
      delete at(s, 'spec').internalTrafficPolicy;
    }, 'spec.externalName: Required value'],
    ['ExternalName without cluster IPs', (s) => {
      at(s, 'spec').type = 'ExternalName';
      at(s, 'spec').externalName = 'db.example.com';
    }, 'spec.clusterIPs: Forbidden: may not be set for ExternalName services'],
    ['externalTrafficPolicy only when external', (s) => (at(s, 'spec').externalTrafficPolicy = 'Local'), 'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
    ['selector labels', (s) => (at(s, 'spec').selector = { app: 'bad value' }), 'spec.selector: Invalid value: "bad value"'],
    ['externalIPs not loopback', (s) => (at(s, 'spec').externalIPs = ['127.0.0.1']), 'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
  ])('%s', (_name, mutate, expected) => {
    const s = service();
    mutate(s);
    const got = texts(s);
    expect(got.find((t) => t === expected || t.startsWith(`${expected}: `)), got.join('\n')).toBeDefined();
  });
});

describe('Service update validation', () => {
  it('accepts an unchanged service and a port change', () => {
    const old = service();
    const now = service();
    at(now, 'spec', 'ports', 0).port = 8080;
    expect(validateUpdate('/Service', now, old)).toEqual([]);
  });

  it('keeps the cluster IP: "may not change once set"', () => {
    const old = service();
    const now = service({ clusterIP: '10.96.0.99' });
    expect(validateUpdate('/Service', now, old).map(fieldErrorText)).toEqual([invalidText('spec.clusterIPs[0]', ["10.96.0.99"], 'may not change once set')]);
  });

  it('refuses dropping the cluster IP', () => {
    const old = service();
    const now = service({ clusterIP: undefined });
    expect(validateUpdate('/Service', now, old).map(fieldErrorText)).toEqual([invalidText('spec.clusterIPs[0]', [], 'primary clusterIP can not be unset')]);
  });
});
