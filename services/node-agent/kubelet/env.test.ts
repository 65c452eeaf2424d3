import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import type { EnvSources, PodFacts } from './env.js';
import { ContainerConfigError, containerEnv, expand, fieldRefValue, milliOf, resourceFieldValue, serviceLinkEnv } from './env.js';
import { parseContainer } from './pod-spec.js';

type Json = Record<string, unknown>;

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function svc(namespace: string, name: string, clusterIP: string, ports: Json[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec: { clusterIP, ports } };
}

function facts(over: Partial<KubeObject['metadata']> = {}, spec: Json = {}): PodFacts {
  return {
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', namespace: 'shop', uid: 'u-1', labels: { app: 'web', 'app.kubernetes.io/name': 'shop' }, annotations: { note: 'x y' }, ...over },
      spec: { nodeName: 'n1', ...spec },
    },
    podIP: '10.244.1.5',
    hostIP: '10.10.0.21',
    nodeName: 'n1',
  };
}

class Sources implements EnvSources {
  readonly calls: string[] = [];
  constructor(
    private readonly secrets: Record<string, KubeObject> = {},
    private readonly configMaps: Record<string, KubeObject> = {},
  ) {}
  getSecret(namespace: string, name: string): Promise<KubeObject | undefined> {
    this.calls.push(`secret ${namespace}/${name}`);
    return Promise.resolve(this.secrets[`${namespace}/${name}`]);
  }
  getConfigMap(namespace: string, name: string): Promise<KubeObject | undefined> {
    this.calls.push(`configmap ${namespace}/${name}`);
    return Promise.resolve(this.configMaps[`${namespace}/${name}`]);
  }
}

function secret(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { namespace: 'shop', name }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) };
}

function configMap(name: string, data: Record<string, string>, binaryData?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: 'shop', name },
    data,
    ...(binaryData ? { binaryData: Object.fromEntries(Object.entries(binaryData).map(([k, v]) => [k, b64(v)])) } : {}),
  };
}

function asObject(env: { name: string; value: string }[]): Record<string, string> {
  expect(new Set(env.map((e) => e.name)).size).toBe(env.length);
  return Object.fromEntries(env.map((e) => [e.name, e.value]));
}

describe('expand', () => {
  const vars = new Map([
    ['A', 'a'],
    ['B', 'b'],
    ['REF', '$(A)'],
    ['EMPTY', ''],
  ]);
  it.each([
    ['plain', 'plain'],
    ['$(A)', 'a'],
    ['x$(A)y$(B)z', 'xaybz'],
    ['$(A)$(A)', 'aa'],
    ['$(EMPTY)!', '!'],
    ['$$', '$'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$a'],
    ['$$$', '$$'],
    ['$(UNKNOWN)', '$(UNKNOWN)'],
    ['pre $(UNKNOWN) $(A)', 'pre $(UNKNOWN) a'],
    ['$(A', '$(A'],
    ['x $(A $(B', 'x $(A $(B'],
    ['$(A$(B))', '$(A$(B))'],
    ['$A', '$A'],
    ['a$', 'a$'],
    ['$', '$'],
    ['$()', '$()'],
    ['$(REF)', '$(A)'],
    ['', ''],
  ])('expand(%j) is %j', (input, want) => {
    expect(expand(input, vars)).toBe(want);
  });
});

describe('serviceLinkEnv', () => {
  const web = svc('shop', 'my-svc', '10.96.0.20', [
    { name: 'http', port: 80, protocol: 'TCP' },
    { name: 'dns-udp', port: 53, protocol: 'UDP' },
  ]);
  const kube = svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]);
  const kubeEnv = {
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
  };

  it('names the variables after the Service (dashes to underscores) with every port, named ports included', () => {
    expect(Object.fromEntries(serviceLinkEnv([web], 'shop', true))).toEqual({
      MY_SVC_SERVICE_HOST: '10.96.0.20',
      MY_SVC_SERVICE_PORT: '80',
      MY_SVC_SERVICE_PORT_HTTP: '80',
      MY_SVC_SERVICE_PORT_DNS_UDP: '53',
      MY_SVC_PORT: 'tcp://10.96.0.20:80',
      MY_SVC_PORT_80_TCP: 'tcp://10.96.0.20:80',
      MY_SVC_PORT_80_TCP_PROTO: 'tcp',
      MY_SVC_PORT_80_TCP_PORT: '80',
      MY_SVC_PORT_80_TCP_ADDR: '10.96.0.20',
      MY_SVC_PORT_53_UDP: 'udp://10.96.0.20:53',
      MY_SVC_PORT_53_UDP_PROTO: 'udp',
      MY_SVC_PORT_53_UDP_PORT: '53',
      MY_SVC_PORT_53_UDP_ADDR: '10.96.0.20',
    });
  });

  it('defaults the protocol to TCP and adds no _SERVICE_PORT_<NAME> for an unnamed port', () => {
    expect(Object.fromEntries(serviceLinkEnv([svc('shop', 'db', '10.96.5.5', [{ port: 5432 }])], 'shop', true))).toEqual({
      DB_SERVICE_HOST: '10.96.5.5',
      DB_SERVICE_PORT: '5432',
      DB_PORT: 'tcp://10.96.5.5:5432',
      DB_PORT_5432_TCP: 'tcp://10.96.5.5:5432',
      DB_PORT_5432_TCP_PROTO: 'tcp',
      DB_PORT_5432_TCP_PORT: '5432',
      DB_PORT_5432_TCP_ADDR: '10.96.5.5',
    });
  });

  it('skips headless Services, Services without a cluster IP and Services without ports', () => {
    const env = serviceLinkEnv([svc('shop', 'headless', 'None', [{ port: 80 }]), svc('shop', 'pending', '', [{ port: 80 }]), svc('shop', 'portless', '10.96.0.9', [])], 'shop', true);
    expect(env.size).toBe(0);
  });

  it("includes only the pod's namespace and default/kubernetes", () => {
    const env = serviceLinkEnv([web, kube, svc('other', 'far', '10.96.7.7', [{ port: 1 }]), svc('default', 'dflt', '10.96.8.8', [{ port: 2 }])], 'shop', true);
    expect(Object.fromEntries(env)).toEqual({ ...Object.fromEntries(serviceLinkEnv([web], 'shop', true)), ...kubeEnv });
  });

  it('with enableServiceLinks false keeps only the kubernetes Service of default', () => {
    expect(Object.fromEntries(serviceLinkEnv([web, kube], 'shop', false))).toEqual(kubeEnv);
    // A pod in default gets the master Service but not the other Services of default.
    expect(Object.fromEntries(serviceLinkEnv([kube, svc('default', 'dflt', '10.96.8.8', [{ port: 2 }])], 'default', false))).toEqual(kubeEnv);
  });

  // BUG: the kubelet's getServiceEnvVarMap lets a Service of the pod's own namespace named
  // "kubernetes" replace default/kubernetes (when enableServiceLinks is on). serviceLinkEnv sorts
  // by name only, so which one wins depends on the order the cache lists them in.
  it("a Service named kubernetes in the pod's own namespace wins over default/kubernetes, whatever the list order", () => {
    const own = svc('shop', 'kubernetes', '10.96.3.3', [{ name: 'https', port: 443 }]);
    for (const list of [
      [kube, own],
      [own, kube],
    ]) {
      expect(serviceLinkEnv(list, 'shop', true).get('KUBERNETES_SERVICE_HOST')).toBe('10.96.3.3');
    }
  });
});

describe('fieldRefValue', () => {
  it.each([
    ['metadata.name', 'web-0'],
    ['metadata.namespace', 'shop'],
    ['metadata.uid', 'u-1'],
    ['spec.nodeName', 'n1'],
    ['spec.serviceAccountName', 'robot'],
    ['status.podIP', '10.244.1.5'],
    ['status.podIPs', '10.244.1.5'],
    ['status.hostIP', '10.10.0.21'],
    ['status.hostIPs', '10.10.0.21'],
    ["metadata.labels['app']", 'web'],
    ["metadata.labels['app.kubernetes.io/name']", 'shop'],
    ["metadata.annotations['note']", 'x y'],
    ["metadata.labels['missing']", ''],
  ])('%s is %j', (path, want) => {
    expect(fieldRefValue(path, facts({}, { serviceAccountName: 'robot' }))).toBe(want);
  });

  it('defaults spec.serviceAccountName to "default"', () => {
    expect(fieldRefValue('spec.serviceAccountName', facts())).toBe('default');
  });

  it('refuses a path the downward API does not offer for env', () => {
    expect(() => fieldRefValue('spec.containers', facts())).toThrow(new ContainerConfigError('unsupported fieldRef path "spec.containers"'));
    expect(() => fieldRefValue('spec.containers', facts())).toThrow(ContainerConfigError);
  });
});

describe('resourceFieldValue', () => {
  const c = parseContainer({ name: 'app', image: 'x:1', resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } } });
  const bare = parseContainer({ name: 'app', image: 'x:1' });
  const small = parseContainer({ name: 'app', image: 'x:1', resources: { limits: { memory: '100M' } } });
  const node = { cpu: '2', memory: '4041852Ki' };
  it.each([
    ['limits.cpu, no divisor: cores rounded up', c, { resource: 'limits.cpu' }, '1'],
    ['limits.cpu with divisor 1m', c, { resource: 'limits.cpu', divisor: '1m' }, '500'],
    ['requests.cpu with divisor 1m', c, { resource: 'requests.cpu', divisor: '1m' }, '250'],
    ['limits.memory in bytes', c, { resource: 'limits.memory' }, '134217728'],
    ['limits.memory with divisor 1Mi', c, { resource: 'limits.memory', divisor: '1Mi' }, '128'],
    ['requests.memory with divisor 1Mi', c, { resource: 'requests.memory', divisor: '1Mi' }, '64'],
    ['limits.memory with divisor 1Gi, rounded up', c, { resource: 'limits.memory', divisor: '1Gi' }, '1'],
    ['100M with divisor 1Mi, rounded up', small, { resource: 'limits.memory', divisor: '1Mi' }, '96'],
    ['limits.cpu unset: node allocatable, 1m', bare, { resource: 'limits.cpu', divisor: '1m' }, '2000'],
    ['limits.cpu unset: node allocatable, cores', bare, { resource: 'limits.cpu' }, '2'],
    ['limits.memory unset: node allocatable', bare, { resource: 'limits.memory' }, '4138856448'],
    ['limits.memory unset: node allocatable, 1Mi', bare, { resource: 'limits.memory', divisor: '1Mi' }, '3948'],
    ['requests.cpu unset: 0', bare, { resource: 'requests.cpu', divisor: '1m' }, '0'],
  ])('%s', (_what, container, ref, want) => {
    expect(resourceFieldValue(ref, container, node)).toBe(want);
  });

  it('milliOf reads quantities in thousandths', () => {
    expect(milliOf('1')).toBe(1000n);
    expect(milliOf('250m')).toBe(250n);
    expect(milliOf('1Ki')).toBe(1_024_000n);
    expect(milliOf('bogus')).toBeUndefined();
  });
});

describe('containerEnv', () => {
  const sources = (): Sources =>
    new Sources(
      { 'shop/db': secret('db', { user: 'admin', pass: 's3cr3t' }) },
      { 'shop/cfg': configMap('cfg', { MODE: 'prod', LEVEL: 'info' }, { BLOB: 'bin' }) },
    );

  it('builds service links, then envFrom (with prefix), then env in order, each expanded against what came before', async () => {
    const c = parseContainer({
      name: 'app',
      image: 'x:1',
      resources: { limits: { cpu: '500m' } },
      envFrom: [{ configMapRef: { name: 'cfg' } }, { prefix: 'DB_', secretRef: { name: 'db' } }],
      env: [
        { name: 'URL', value: 'http://$(SVC_SERVICE_HOST)/$(MODE)' },
        { name: 'USER', valueFrom: { secretKeyRef: { name: 'db', key: 'user' } } },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'LEVEL' } } },
        { name: 'GREETING', value: '$(USER)@$(POD) $$(MODE) $(NOPE) $(LATER)' },
        { name: 'LATER', value: 'late' },
        { name: 'NOVALUE' },
      ],
    });
    const src = sources();
    const env = await containerEnv(c, facts(), src, new Map([['SVC_SERVICE_HOST', '10.96.0.20']]));
    expect(asObject(env)).toEqual({
      SVC_SERVICE_HOST: '10.96.0.20',
      MODE: 'prod',
      LEVEL: 'info',
      BLOB: 'bin',
      DB_user: 'admin',
      DB_pass: 's3cr3t',
      URL: 'http://10.96.0.20/prod',
      USER: 'admin',
      POD: 'web-0',
      CPU: '500',
      GREETING: 'admin@web-0 $(MODE) $(NOPE) $(LATER)',
      LATER: 'late',
      NOVALUE: '',
    });
    // Service links come first so the container's own variables override them.
    expect(env[0]).toEqual({ name: 'SVC_SERVICE_HOST', value: '10.96.0.20' });
    // Each Secret and ConfigMap is read once.
    expect(src.calls).toEqual(['configmap shop/cfg', 'secret shop/db']);
  });

  it("lets env override envFrom and service links, and passes node allocatable to resourceFieldRef", async () => {
    const c = parseContainer({
      name: 'app',
      image: 'x:1',
      envFrom: [{ configMapRef: { name: 'cfg' } }],
      env: [
        { name: 'MODE', value: 'dev' },
        { name: 'SVC_SERVICE_HOST', value: 'mine' },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      ],
    });
    const env = asObject(await containerEnv(c, facts(), sources(), new Map([['SVC_SERVICE_HOST', '10.96.0.20']]), { memory: '2Gi' }));
    expect(env.MODE).toBe('dev');
    expect(env.SVC_SERVICE_HOST).toBe('mine');
    expect(env.MEM).toBe('2048');
  });

  it('skips optional references to missing Secrets, ConfigMaps and keys', async () => {
    const c = parseContainer({
      name: 'app',
      image: 'x:1',
      envFrom: [{ configMapRef: { name: 'gone', optional: true } }, { secretRef: { name: 'gone', optional: true } }],
      env: [
        { name: 'A', valueFrom: { secretKeyRef: { name: 'gone', key: 'k', optional: true } } },
        { name: 'B', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k', optional: true } } },
        { name: 'C', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope', optional: true } } },
        { name: 'D', valueFrom: { secretKeyRef: { name: 'db', key: 'nope', optional: true } } },
        { name: 'E', value: 'e' },
      ],
    });
    expect(await containerEnv(c, facts(), sources(), new Map())).toEqual([{ name: 'E', value: 'e' }]);
  });

  it.each([
    ['envFrom configMapRef', { envFrom: [{ configMapRef: { name: 'gone' } }] }, 'configmap "gone" not found'],
    ['envFrom secretRef', { envFrom: [{ secretRef: { name: 'gone' } }] }, 'secret "gone" not found'],
    ['secretKeyRef, missing Secret', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } } }] }, 'secret "gone" not found'],
    ['configMapKeyRef, missing ConfigMap', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }] }, 'configmap "gone" not found'],
    ['secretKeyRef, missing key', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key: 'nope' } } }] }, "couldn't find key nope in Secret shop/db"],
    ['configMapKeyRef, missing key', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope' } } }] }, "couldn't find key nope in ConfigMap shop/cfg"],
    ['unsupported fieldRef', { env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } }] }, 'unsupported fieldRef path "metadata.labels"'],
  ])('%s is a CreateContainerConfigError: %s', async (_what, spec, message) => {
    const c = parseContainer({ name: 'app', image: 'x:1', ...spec });
    const err = await containerEnv(c, facts(), sources(), new Map()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ContainerConfigError);
    expect((err as Error).message).toBe(message);
  });
});
