import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortName } from '../../../lib/api/name-validation.js';
import { fieldErrorText } from '../../../lib/api/field-errors.js';
import { applyDefaults } from '../defaults/index.js';
import { validateCreate, validateUpdate } from './index.js';
import { POD_UPDATE_FORBIDDEN } from './pod.js';
import { at, arr } from './test-support.js';

type Obj = KubeObject;

function pod(): Obj {
  const p = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '5', uid: 'u1', labels: { app: 'web' } },
    spec: {
      serviceAccountName: 'default',
      volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }],
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          ports: [{ name: 'http', containerPort: 80 }],
          env: [{ name: 'MODE', value: 'prod' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
          readinessProbe: { httpGet: { port: 'http', path: '/healthz' } },
          livenessProbe: { tcpSocket: { port: 80 } },
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
        },
      ],
      initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    },
  } as unknown as Obj;
  applyDefaults('/Pod', p);
  return p;
}

const texts = (o: KubeObject) => validateCreate('/Pod', o).map(fieldErrorText);

const c0 = (p: Obj) => at(p, 'spec', 'containers', 0);

describe('Pod create validation', () => {
  it('accepts a valid, defaulted Pod', () => {
    expect(texts(pod())).toEqual([]);
  });

  it.each<[string, (p: Obj) => void, string]>([
    ['no containers', (p) => (at(p, 'spec').containers = []), 'spec.containers: Required value'],
    ['container name required', (p) => delete c0(p).name, 'spec.containers[0].name: Required value'],
    ['container name a DNS label', (p) => (c0(p).name = 'Web'), `spec.containers[0].name: Invalid value: "Web": ${isDNS1123Label('Web')[0]}`],
    [
      'duplicate container names',
      (p) => arr(p, 'spec', 'containers').push({ ...c0(p), ports: [] }),
      'spec.containers[1].name: Duplicate value: "web"',
    ],
    ['init container sharing a name', (p) => (at(p, 'spec', 'initContainers', 0).name = 'web'), 'spec.initContainers[0].name: Duplicate value: "web"'],
    ['image required', (p) => (c0(p).image = ''), 'spec.containers[0].image: Required value'],
    ['image whitespace', (p) => (c0(p).image = ' nginx'), 'spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace'],
    ['containerPort required', (p) => (at(p, 'spec', 'containers', 0, 'ports', 0).containerPort = 0), 'spec.containers[0].ports[0].containerPort: Required value'],
    [
      'containerPort range',
      (p) => (at(p, 'spec', 'containers', 0, 'ports', 0).containerPort = 70000),
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ],
    [
      'port protocol',
      (p) => (at(p, 'spec', 'containers', 0, 'ports', 0).protocol = 'ICMP'),
      'spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ],
    [
      'port name IANA_SVC_NAME',
      (p) => (at(p, 'spec', 'containers', 0, 'ports', 0).name = 'HTTP'),
      `spec.containers[0].ports[0].name: Invalid value: "HTTP": ${isValidPortName('HTTP')[0]}`,
    ],
    [
      'port names unique',
      (p) => arr(p, 'spec', 'containers', 0, 'ports').push({ name: 'http', containerPort: 81, protocol: 'TCP' }),
      'spec.containers[0].ports[1].name: Duplicate value: "http"',
    ],
    [
      'host ports unique',
      (p) => arr(p, 'spec', 'containers', 0, 'ports').push({ containerPort: 81, hostPort: 8080, protocol: 'TCP' }, { containerPort: 82, hostPort: 8080, protocol: 'TCP' }),
      'spec.containers[0].ports[2].hostPort: Duplicate value: "TCP//8080"',
    ],
    ['env name required', (p) => (at(p, 'spec', 'containers', 0, 'env', 0).name = ''), 'spec.containers[0].env[0].name: Required value'],
    [
      'env name printable',
      (p) => (at(p, 'spec', 'containers', 0, 'env', 0).name = 'A=B'),
      `spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    ],
    [
      'env value and valueFrom',
      (p) => (at(p, 'spec', 'containers', 0, 'env', 1).value = 'x'),
      'spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    ],
    [
      'env valueFrom without a source',
      (p) => (at(p, 'spec', 'containers', 0, 'env', 1).valueFrom = {}),
      'spec.containers[0].env[1].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
    ],
    [
      'env fieldRef path',
      (p) => (at(p, 'spec', 'containers', 0, 'env', 1, 'valueFrom', 'fieldRef').fieldPath = 'spec.bogus'),
      'spec.containers[0].env[1].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.bogus": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
    ],
    [
      'env configMapKeyRef key',
      (p) => (at(p, 'spec', 'containers', 0, 'env', 1).valueFrom = { configMapKeyRef: { name: 'cfg', key: '' } }),
      'spec.containers[0].env[1].valueFrom.configMapKeyRef.key: Required value',
    ],
    ['mount of an unknown volume', (p) => (at(p, 'spec', 'containers', 0, 'volumeMounts', 0).name = 'nope'), 'spec.containers[0].volumeMounts[0].name: Not found: "nope"'],
    [
      'mount paths unique',
      (p) => arr(p, 'spec', 'containers', 0, 'volumeMounts').push({ name: 'cfg', mountPath: '/data' }),
      'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique',
    ],
    [
      'subPath without backsteps',
      (p) => (at(p, 'spec', 'containers', 0, 'volumeMounts', 0).subPath = '../etc'),
      `spec.containers[0].volumeMounts.subPath: Invalid value: "../etc": must not contain '..'`,
    ],
    [
      'requests within limits',
      (p) => (at(p, 'spec', 'containers', 0, 'resources', 'requests').cpu = '2'),
      'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    ],
    [
      'non-negative quantities',
      (p) => (at(p, 'spec', 'containers', 0, 'resources', 'limits').memory = '-1Mi'),
      'spec.containers[0].resources.limits[memory]: Invalid value: "-1Mi": must be greater than or equal to 0',
    ],
    [
      'quantity format',
      (p) => (at(p, 'spec', 'containers', 0, 'resources', 'limits').cpu = 'lots'),
      `spec.containers[0].resources.limits[cpu]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    ],
    [
      'resource names',
      (p) => (at(p, 'spec', 'containers', 0, 'resources', 'limits').gpu = '1'),
      'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    ],
    [
      'extended resources need equal requests',
      (p) => {
        at(p, 'spec', 'containers', 0, 'resources', 'limits')['example.com/gpu'] = '2';
        at(p, 'spec', 'containers', 0, 'resources', 'requests')['example.com/gpu'] = '1';
      },
      'spec.containers[0].resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2',
    ],
    ['probe handler required', (p) => (c0(p).livenessProbe = { periodSeconds: 10, successThreshold: 1 }), 'spec.containers[0].livenessProbe: Required value: must specify a handler type'],
    [
      'one probe handler',
      (p) => (at(p, 'spec', 'containers', 0, 'livenessProbe').exec = { command: ['true'] }),
      'spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
    ],
    ['liveness successThreshold', (p) => (at(p, 'spec', 'containers', 0, 'livenessProbe').successThreshold = 2), 'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'],
    ['probe fields non-negative', (p) => (at(p, 'spec', 'containers', 0, 'readinessProbe').periodSeconds = -1), 'spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0'],
    [
      'httpGet scheme',
      (p) => (at(p, 'spec', 'containers', 0, 'readinessProbe', 'httpGet').scheme = 'FTP'),
      'spec.containers[0].readinessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"',
    ],
    [
      'probes on plain init containers',
      (p) => (at(p, 'spec', 'initContainers', 0).readinessProbe = { exec: { command: ['x'] } }),
      'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
    ],
    [
      'restartPolicy on regular containers',
      (p) => (c0(p).restartPolicy = 'Always'),
      'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers',
    ],
    [
      'imagePullPolicy',
      (p) => (c0(p).imagePullPolicy = 'Sometimes'),
      'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    ],
    [
      'restartPolicy',
      (p) => (at(p, 'spec').restartPolicy = 'Sometimes'),
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ],
    [
      'dnsPolicy',
      (p) => (at(p, 'spec').dnsPolicy = 'Google'),
      'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ],
    ['dnsConfig with None', (p) => (at(p, 'spec').dnsPolicy = 'None'), 'spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None'],
    ['volume names unique', (p) => arr(p, 'spec', 'volumes').push({ name: 'data', emptyDir: {} }), 'spec.volumes[2].name: Duplicate value: "data"'],
    ['volume name a DNS label', (p) => (at(p, 'spec', 'volumes', 0).name = 'Data'), `spec.volumes[0].name: Invalid value: "Data": ${isDNS1123Label('Data')[0]}`],
    ['one volume source', (p) => (at(p, 'spec', 'volumes', 0).hostPath = { path: '/x' }), 'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type'],
    ['a volume source', (p) => (arr(p, 'spec', 'volumes')[0] = { name: 'data' }), 'spec.volumes[0]: Required value: must specify a volume type'],
    ['configMap volume name', (p) => delete at(p, 'spec', 'volumes', 1, 'configMap').name, 'spec.volumes[1].configMap.name: Required value'],
    [
      'volume file mode',
      (p) => (at(p, 'spec', 'volumes', 1, 'configMap').defaultMode = 1000),
      'spec.volumes[1].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
    ],
    [
      'terminationGracePeriodSeconds',
      (p) => (at(p, 'spec').terminationGracePeriodSeconds = -5),
      'spec.terminationGracePeriodSeconds: Invalid value: -5: must be greater than or equal to 0',
    ],
    [
      'activeDeadlineSeconds',
      (p) => (at(p, 'spec').activeDeadlineSeconds = 0),
      'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
    ],
    [
      'toleration operator',
      (p) => (at(p, 'spec', 'tolerations', 0).operator = 'Like'),
      'spec.tolerations[0].operator: Unsupported value: "Like": supported values: "Equal", "Exists"',
    ],
    [
      'toleration effect',
      (p) => (at(p, 'spec', 'tolerations', 0).effect = 'NoRun'),
      'spec.tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ],
    [
      'toleration without key',
      (p) => (arr(p, 'spec', 'tolerations')[0] = { operator: 'Equal', value: 'x' }),
      'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    ],
    [
      'toleration seconds need NoExecute',
      (p) => (at(p, 'spec', 'tolerations', 0).tolerationSeconds = 60),
      `spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be 'NoExecute' when \`tolerationSeconds\` is set`,
    ],
    ['nodeSelector values', (p) => (at(p, 'spec', 'nodeSelector').zone = 'a b'), 'spec.nodeSelector: Invalid value: "a b"'],
    ['serviceAccountName', (p) => (at(p, 'spec').serviceAccountName = 'Bad_SA'), `spec.serviceAccountName: Invalid value: "Bad_SA": ${isDNS1123Subdomain('Bad_SA')[0]}`],
    [
      'projected token without a service account',
      (p) => {
        at(p, 'spec').serviceAccountName = '';
        arr(p, 'spec', 'volumes').push({ name: 'tok', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 3600 } }] } });
      },
      'spec.volumes[2].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when serviceAccountName is not set',
    ],
    ['ephemeral containers on create', (p) => (at(p, 'spec').ephemeralContainers = [{ name: 'dbg', image: 'busybox' }]), 'spec.ephemeralContainers: Forbidden: cannot be set on create'],
    ['namespace required', (p) => delete at(p, 'metadata').namespace, 'metadata.namespace: Required value'],
  ])('%s', (_name, mutate, expected) => {
    const p = pod();
    mutate(p);
    const got = texts(p);
    expect(got.find((t) => t === expected || t.startsWith(`${expected}: `)), got.join("\n")).toBeDefined();
  });

  it('reports each problem once and exactly', () => {
    const p = pod();
    at(p, 'spec', 'containers', 0, 'resources', 'requests').cpu = '2';
    expect(texts(p)).toEqual(['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']);
  });

  it('copes with fields of the wrong type', () => {
    const p = pod();
    at(p, 'spec').containers = 'web';
    at(p, 'spec').volumes = { a: 1 };
    (p.metadata as Record<string, unknown>).labels = 'x';
    expect(() => texts(p)).not.toThrow();
    const q = { apiVersion: 'v1', kind: 'Pod', metadata: 'nope', spec: 12 } as unknown as KubeObject;
    expect(() => texts(q)).not.toThrow();
  });
});

describe('Pod update validation', () => {
  const update = (mutate: (p: Obj) => void) => {
    const old = pod();
    const now = pod();
    mutate(now);
    return validateUpdate('/Pod', now, old).map(fieldErrorText);
  };

  it('allows changing images, lowering activeDeadlineSeconds and adding tolerations', () => {
    expect(
      update((p) => {
        c0(p).image = 'nginx:1.28';
        at(p, 'spec', 'initContainers', 0).image = 'busybox:1.37';
        at(p, 'spec').activeDeadlineSeconds = 100;
        arr(p, 'spec', 'tolerations').push({ key: 'spot', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 });
      }),
    ).toEqual([]);
  });

  it('forbids other spec changes with Kubernetes message', () => {
    const errs = update((p) => (at(p, 'spec', 'containers', 0, 'env', 0).value = 'dev'));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toBe(`spec: Forbidden: ${POD_UPDATE_FORBIDDEN}\n  containers[0].env[0].value`);
  });

  it.each<[string, (p: Obj) => void, string]>([
    ['adding a container', (p) => arr(p, 'spec', 'containers').push({ ...c0(p), name: 'b' }), 'spec.containers: Forbidden: pod updates may not add or remove containers'],
    ['removing an image', (p) => (c0(p).image = ''), 'spec.containers[0].image: Required value'],
    ['changing a toleration', (p) => (at(p, 'spec', 'tolerations', 0).value = 'db'), 'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'],
    ['renaming', (p) => (at(p, 'metadata').name = 'other'), 'metadata.name: Invalid value: "other": field is immutable'],
    ['changing the uid', (p) => (at(p, 'metadata').uid = 'u2'), 'metadata.uid: Invalid value: "u2": field is immutable'],
    ['no resourceVersion', (p) => delete at(p, 'metadata').resourceVersion, 'metadata.resourceVersion: Invalid value: "": must be specified for an update'],
  ])('%s', (_name, mutate, expected) => {
    expect(update(mutate)).toContain(expected);
  });

  it('bounds activeDeadlineSeconds changes', () => {
    const old = pod();
    at(old, 'spec').activeDeadlineSeconds = 50;
    const raised = pod();
    at(raised, 'spec').activeDeadlineSeconds = 60;
    expect(validateUpdate('/Pod', raised, old).map(fieldErrorText)).toEqual(['spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value']);
    const removed = pod();
    expect(validateUpdate('/Pod', removed, old).map(fieldErrorText)).toEqual([
      'spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value',
    ]);
  });
});
