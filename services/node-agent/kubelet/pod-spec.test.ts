import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { parseContainer, parseHandler, parseProbe, podView, resolvePort } from './pod-spec.js';

type Json = Record<string, unknown>;

function pod(spec: Json, metadata: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'shop', uid: 'u-1', ...metadata }, spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'x:1' }], ...spec } };
}

describe('parseProbe', () => {
  it('applies the API defaults: period 10, timeout 1, success 1, failure 3, no initial delay', () => {
    expect(parseProbe({ httpGet: { port: 8080 } })).toEqual({
      handler: { kind: 'httpGet', httpGet: { path: '/', port: 8080, scheme: 'HTTP', headers: [] } },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });

  it('keeps the values given', () => {
    expect(parseProbe({ tcpSocket: { port: 'http' }, initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 2, failureThreshold: 7 })).toEqual({
      handler: { kind: 'tcpSocket', tcpSocket: { port: 'http' } },
      initialDelaySeconds: 5,
      periodSeconds: 2,
      timeoutSeconds: 3,
      successThreshold: 2,
      failureThreshold: 7,
    });
  });

  it.each([[undefined], ['x'], [{}], [{ periodSeconds: 3 }], [{ sleep: { seconds: 1 } }]])('is undefined for %j (no probe handler)', (p) => {
    expect(parseProbe(p)).toBeUndefined();
  });
});

describe('parseHandler', () => {
  it.each([
    [
      'httpGet with every field',
      { httpGet: { path: '/healthz', port: 'http', host: '10.0.0.1', scheme: 'HTTPS', httpHeaders: [{ name: 'X-A', value: 'b' }] } },
      { kind: 'httpGet', httpGet: { path: '/healthz', port: 'http', host: '10.0.0.1', scheme: 'HTTPS', headers: [{ name: 'X-A', value: 'b' }] } },
    ],
    ['httpGet with defaults', { httpGet: { port: 80 } }, { kind: 'httpGet', httpGet: { path: '/', port: 80, scheme: 'HTTP', headers: [] } }],
    ['tcpSocket', { tcpSocket: { port: 5432, host: 'db' } }, { kind: 'tcpSocket', tcpSocket: { port: 5432, host: 'db' } }],
    ['tcpSocket with a named port', { tcpSocket: { port: 'pg' } }, { kind: 'tcpSocket', tcpSocket: { port: 'pg' } }],
    ['exec', { exec: { command: ['sh', '-c', 'true'] } }, { kind: 'exec', exec: { command: ['sh', '-c', 'true'] } }],
    ['exec without a command', { exec: {} }, { kind: 'exec', exec: { command: [] } }],
    ['sleep', { sleep: { seconds: 5 } }, { kind: 'sleep', sleep: { seconds: 5 } }],
  ])('%s', (_what, input, want) => {
    expect(parseHandler(input)).toEqual(want);
  });

  it.each([[undefined], [null], [42], [{}], [{ grpc: { port: 1 } }]])('is undefined for %j', (h) => {
    expect(parseHandler(h)).toBeUndefined();
  });
});

describe('parseContainer', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['library/nginx', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry.local:5000/nginx', 'Always'],
    ['registry.local:5000/nginx:latest', 'Always'],
    ['registry.local:5000/nginx:1.0', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
  ])('defaults the pull policy of %s to %s', (image, want) => {
    expect(parseContainer({ name: 'app', image }).imagePullPolicy).toBe(want);
  });

  it.each([['Always'], ['IfNotPresent'], ['Never']])('keeps an explicit pull policy %s', (p) => {
    expect(parseContainer({ name: 'app', image: 'nginx:1.25', imagePullPolicy: p }).imagePullPolicy).toBe(p);
    expect(parseContainer({ name: 'app', image: 'nginx', imagePullPolicy: p }).imagePullPolicy).toBe(p);
  });

  it('reads every field the kubelet uses', () => {
    const c = parseContainer({
      name: 'app',
      image: 'mesh/app:v1',
      command: ['/app'],
      args: ['--port', 8080],
      env: [{ name: 'A', value: '1' }, 'junk'],
      envFrom: [{ configMapRef: { name: 'cfg' } }],
      ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }],
      workingDir: '/srv',
      resources: { limits: { cpu: '1', memory: 134217728 }, requests: { cpu: '100m' } },
      securityContext: { runAsUser: 1000 },
      volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true, subPath: 'x' }, { name: 'tmp', mountPath: '/tmp' }],
      livenessProbe: { exec: { command: ['true'] } },
      readinessProbe: { tcpSocket: { port: 8080 } },
      startupProbe: { httpGet: { port: 'http' } },
      lifecycle: { preStop: { sleep: { seconds: 3 } } },
    });
    expect({ ...c, hash: '' }).toEqual({
      name: 'app',
      image: 'mesh/app:v1',
      imagePullPolicy: 'IfNotPresent',
      command: ['/app'],
      args: ['--port', '8080'],
      env: [{ name: 'A', value: '1' }],
      envFrom: [{ configMapRef: { name: 'cfg' } }],
      ports: [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { containerPort: 53, protocol: 'UDP' },
      ],
      workingDir: '/srv',
      limits: { cpu: '1', memory: '134217728' },
      requests: { cpu: '100m' },
      runAsUser: 1000,
      volumeMounts: [
        { name: 'data', mountPath: '/data', readOnly: true, subPath: 'x' },
        { name: 'tmp', mountPath: '/tmp', readOnly: false },
      ],
      livenessProbe: { handler: { kind: 'exec', exec: { command: ['true'] } }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      readinessProbe: { handler: { kind: 'tcpSocket', tcpSocket: { port: 8080 } }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      startupProbe: { handler: { kind: 'httpGet', httpGet: { path: '/', port: 'http', scheme: 'HTTP', headers: [] } }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      preStop: { kind: 'sleep', sleep: { seconds: 3 } },
      hash: '',
    });
    expect(c.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('leaves optional fields out when absent', () => {
    expect({ ...parseContainer({ name: 'app', image: 'x:1' }), hash: '' }).toEqual({ name: 'app', image: 'x:1', imagePullPolicy: 'IfNotPresent', env: [], envFrom: [], ports: [], limits: {}, requests: {}, volumeMounts: [], hash: '' });
  });

  it('changes the hash when the container spec changes, and only then', () => {
    const base = { name: 'app', image: 'x:1', env: [{ name: 'A', value: '1' }] };
    const h = parseContainer(base).hash;
    expect(parseContainer(structuredClone(base)).hash).toBe(h);
    expect(parseContainer({ ...base, image: 'x:2' }).hash).not.toBe(h);
    expect(parseContainer({ ...base, env: [{ name: 'A', value: '2' }] }).hash).not.toBe(h);
    expect(parseContainer({ ...base, args: ['-v'] }).hash).not.toBe(h);
  });

  // BUG: the kubelet hashes the container struct, so the order of keys in the JSON does not
  // matter; parseContainer hashes JSON.stringify of the raw object, so the same container written
  // with its fields in another order (a client that serializes differently, a patch) gets a new
  // hash and would be restarted as "definition changed".
  it('gives the same hash for the same container written with its keys in another order', () => {
    expect(parseContainer({ name: 'app', image: 'x:1' }).hash).toBe(parseContainer({ image: 'x:1', name: 'app' }).hash);
  });
});

describe('podView', () => {
  it('applies the API defaults', () => {
    const v = podView({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', uid: 'u-1' }, spec: { containers: [{ name: 'app', image: 'x:1' }] } });
    expect({ ...v, containers: [] }).toEqual({
      uid: 'u-1',
      name: 'web-0',
      namespace: 'default',
      nodeName: '',
      containers: [],
      initContainers: [],
      volumes: [],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      hostname: 'web-0',
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      enableServiceLinks: true,
    });
    expect(v.containers.map((c) => c.name)).toEqual(['app']);
  });

  it.each([
    [{ restartPolicy: 'OnFailure' }, 'OnFailure'],
    [{ restartPolicy: 'Never' }, 'Never'],
    [{ restartPolicy: 'Always' }, 'Always'],
    [{ restartPolicy: 'Sometimes' }, 'Always'],
  ])('restartPolicy of %j is %s', (spec, want) => {
    expect(podView(pod(spec)).restartPolicy).toBe(want);
  });

  it('keeps the values given', () => {
    const v = podView(
      pod(
        {
          terminationGracePeriodSeconds: 0,
          hostname: 'db-1',
          subdomain: 'db',
          dnsPolicy: 'Default',
          serviceAccountName: 'robot',
          enableServiceLinks: false,
          initContainers: [{ name: 'init', image: 'x:1' }],
          volumes: [{ name: 'v', emptyDir: {} }],
        },
        { deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 5 },
      ),
    );
    expect(v.terminationGracePeriodSeconds).toBe(0);
    expect(v.hostname).toBe('db-1');
    expect(v.subdomain).toBe('db');
    expect(v.dnsPolicy).toBe('Default');
    expect(v.serviceAccountName).toBe('robot');
    expect(v.enableServiceLinks).toBe(false);
    expect(v.initContainers.map((c) => c.name)).toEqual(['init']);
    expect(v.volumes).toEqual([{ name: 'v', emptyDir: {} }]);
    expect(v.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(v.deletionGracePeriodSeconds).toBe(5);
    expect(v.namespace).toBe('shop');
    expect(v.nodeName).toBe('n1');
  });

  it('cuts a long pod name to 63 characters for the hostname', () => {
    const name = 'a'.repeat(70);
    expect(podView(pod({}, { name })).hostname).toBe('a'.repeat(63));
  });
});

describe('resolvePort', () => {
  const c = parseContainer({ name: 'app', image: 'x:1', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] });
  it.each([
    [80, 80],
    ['8081', 8081],
    ['http', 8080],
    ['metrics', 9090],
    ['nope', undefined],
    ['', undefined],
  ])('%j is %j', (port, want) => {
    expect(resolvePort(port, c)).toBe(want);
  });
});
