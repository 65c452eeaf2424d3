import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { RESOURCES, kindKey } from '../registry/resources.js';
import { applyDefaults, DEFAULTERS, defaultPullPolicy, imageTag, preserveAllocatedServiceValues } from './index.js';

function obj(apiVersion: string, kind: string, rest: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'x', namespace: 'default' }): KubeObject {
  return { apiVersion, kind, metadata, ...rest } as KubeObject;
}

const defaultedContainer = {
  name: 'web',
  image: 'nginx',
  imagePullPolicy: 'Always',
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  resources: {},
};

describe('applyDefaults: whole objects as kube-apiserver returns them', () => {
  it('defaults a minimal Pod', () => {
    const pod = obj('v1', 'Pod', { spec: { containers: [{ name: 'web', image: 'nginx', resources: {} }] } }, { name: 'web', namespace: 'default' });
    applyDefaults('/Pod', pod);
    expect(pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        containers: [defaultedContainer],
        dnsPolicy: 'ClusterFirst',
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
        priority: 0,
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
      },
    });
  });

  it('defaults a minimal Deployment and its template (without the Pod-only defaults)', () => {
    const d = obj('apps/v1', 'Deployment', {
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
      },
    });
    applyDefaults('apps/Deployment', d);
    expect(d).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', namespace: 'default' },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx:1.27',
                imagePullPolicy: 'IfNotPresent',
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                terminationMessagePath: '/dev/termination-log',
                terminationMessagePolicy: 'File',
              },
            ],
            dnsPolicy: 'ClusterFirst',
            restartPolicy: 'Always',
            schedulerName: 'default-scheduler',
            securityContext: {},
            terminationGracePeriodSeconds: 30,
          },
        },
      },
    });
  });

  it('defaults a minimal Service (ClusterIP left to the allocator)', () => {
    const svc = obj('v1', 'Service', { spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    applyDefaults('/Service', svc);
    expect(svc).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'x', namespace: 'default' },
      spec: {
        selector: { app: 'web' },
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
        type: 'ClusterIP',
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
        ipFamilyPolicy: 'SingleStack',
        ipFamilies: ['IPv4'],
      },
    });
  });

  it('defaults a minimal ReplicaSet', () => {
    const rs = obj('apps/v1', 'ReplicaSet', { spec: { template: { spec: { containers: [] } } } });
    applyDefaults('apps/ReplicaSet', rs);
    expect(rs.spec).toEqual({
      replicas: 1,
      template: {
        spec: { containers: [], dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30 },
      },
    });
  });
});

describe('applyDefaults: Pod details', () => {
  function defaultedSpec(spec: Record<string, unknown>): Record<string, unknown> {
    const pod = obj('v1', 'Pod', { spec });
    applyDefaults('/Pod', pod);
    return pod.spec as Record<string, unknown>;
  }

  it('defaults probes, handlers, env field refs, ports and quantities of every container kind', () => {
    const spec = defaultedSpec({
      initContainers: [{ name: 'init', image: 'busybox@sha256:abc', ports: [{ containerPort: 53, protocol: 'UDP' }] }],
      containers: [
        {
          name: 'web',
          image: 'registry.local:5000/team/web:v2',
          env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          livenessProbe: { httpGet: { port: 8080 } },
          readinessProbe: { grpc: { port: 9000 }, periodSeconds: 5 },
          lifecycle: { preStop: { httpGet: { port: 'http', path: '/stop' } } },
          resources: { limits: { cpu: '0.5', memory: '1Gi' }, requests: { memory: 536870912 } },
        },
      ],
    });
    const [init] = spec.initContainers as Record<string, unknown>[];
    const [web] = spec.containers as Record<string, unknown>[];
    expect(init?.imagePullPolicy).toBe('IfNotPresent');
    expect(init?.ports).toEqual([{ containerPort: 53, protocol: 'UDP' }]);
    expect(web?.imagePullPolicy).toBe('IfNotPresent');
    expect(web?.env).toEqual([{ name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }]);
    expect(web?.livenessProbe).toEqual({ httpGet: { port: 8080, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(web?.readinessProbe).toEqual({ grpc: { port: 9000, service: '' }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 });
    expect(web?.lifecycle).toEqual({ preStop: { httpGet: { port: 'http', path: '/stop', scheme: 'HTTP' } } });
    // Requests default to limits (Pods only); quantities print in canonical form (a plain
    // number stays decimal, as Kubernetes prints it).
    expect(web?.resources).toEqual({ limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '536870912' } });
  });

  it('defaults volume sources', () => {
    const spec = defaultedSpec({
      containers: [],
      volumes: [
        { name: 'scratch' },
        { name: 'cfg', configMap: { name: 'cfg' } },
        { name: 'sec', secret: { secretName: 's', defaultMode: 256 } },
        { name: 'host', hostPath: { path: '/var/log' } },
        { name: 'dapi', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'proj', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
        { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '1024Mi' } },
      ],
    });
    expect(spec.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
      { name: 'sec', secret: { secretName: 's', defaultMode: 256 } },
      { name: 'host', hostPath: { path: '/var/log', type: '' } },
      { name: 'dapi', downwardAPI: { defaultMode: 420, items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }] } },
      { name: 'proj', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } },
      { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
    ]);
  });

  it('gives host-network pods host ports and keeps explicit values', () => {
    const spec = defaultedSpec({
      hostNetwork: true,
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      priorityClassName: 'high',
      containers: [{ name: 'c', image: 'x', imagePullPolicy: 'Never', ports: [{ containerPort: 8080 }] }],
    });
    expect((spec.containers as Record<string, unknown>[])[0]?.ports).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: 'TCP' }]);
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.terminationGracePeriodSeconds).toBe(0);
    expect((spec.containers as Record<string, unknown>[])[0]?.imagePullPolicy).toBe('Never');
    expect(spec.priority).toBeUndefined();
  });

  it.each([
    ['nginx', 'latest', 'Always'],
    ['nginx:latest', 'latest', 'Always'],
    ['nginx:1.27', '1.27', 'IfNotPresent'],
    ['docker.io/library/nginx', 'latest', 'Always'],
    ['localhost:5000/app', 'latest', 'Always'],
    ['localhost:5000/app:v1', 'v1', 'IfNotPresent'],
    ['nginx@sha256:0123', '', 'IfNotPresent'],
    ['nginx:latest@sha256:0123', 'latest', 'Always'],
    ['NGINX', undefined, 'IfNotPresent'],
    ['', undefined, 'IfNotPresent'],
  ])('image %j has tag %j and pull policy %s', (image, tag, policy) => {
    expect(imageTag(image)).toBe(tag);
    expect(defaultPullPolicy(image)).toBe(policy);
  });

  it('copes with fields of the wrong type without throwing', () => {
    const pod = obj('v1', 'Pod', { spec: { containers: 'nope', volumes: [3, null, { name: 'v', secret: 'x' }], securityContext: 7 } });
    expect(() => applyDefaults('/Pod', pod)).not.toThrow();
    expect((pod.spec as Record<string, unknown>).securityContext).toBe(7);
    const weird = obj('v1', 'Pod', { spec: 'text' });
    expect(() => applyDefaults('/Pod', weird)).not.toThrow();
    expect(weird.spec).toBe('text');
  });
});

describe('applyDefaults: other kinds', () => {
  it('Service: NodePort, LoadBalancer, ClientIP affinity, headless and ExternalName', () => {
    const lb = obj('v1', 'Service', {
      spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 443, targetPort: 'https' }] },
      status: { loadBalancer: { ingress: [{ ip: '10.10.0.50' }] } },
    });
    applyDefaults('/Service', lb);
    expect(lb.spec).toEqual({
      type: 'LoadBalancer',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      ports: [{ port: 443, targetPort: 'https', protocol: 'TCP' }],
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      allocateLoadBalancerNodePorts: true,
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
    expect(lb.status).toEqual({ loadBalancer: { ingress: [{ ip: '10.10.0.50', ipMode: 'VIP' }] } });

    const headless = obj('v1', 'Service', { spec: { clusterIP: 'None', ports: [{ port: 5432 }] } });
    applyDefaults('/Service', headless);
    expect(headless.spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'], ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4'] });

    const ext = obj('v1', 'Service', { spec: { type: 'ExternalName', externalName: 'db.example.com' } });
    applyDefaults('/Service', ext);
    expect(ext.spec).toEqual({ type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' });
  });

  it('Service update keeps the allocated cluster IP the new object left out', () => {
    const old = obj('v1', 'Service', { spec: { clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', type: 'ClusterIP' } });
    const now = obj('v1', 'Service', { spec: { type: 'ClusterIP', ports: [{ port: 80 }] } });
    preserveAllocatedServiceValues(now, old);
    expect(now.spec).toMatchObject({ clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
  });

  it('Namespace: name label, kubernetes finalizer, Active phase', () => {
    const ns = obj('v1', 'Namespace', {}, { name: 'team-a' });
    applyDefaults('/Namespace', ns);
    expect(ns).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  });

  it('Secret: Opaque type and stringData folded into data', () => {
    const s = obj('v1', 'Secret', { data: { a: 'YQ==' }, stringData: { b: 'héllo', a: 'z' } });
    applyDefaults('/Secret', s);
    expect(s).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'default' }, type: 'Opaque', data: { a: 'eg==', b: 'aMOpbGxv' } });
  });

  it('Endpoints, EndpointSlice, Node and bindings', () => {
    const ep = obj('v1', 'Endpoints', { subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ port: 80 }] }] });
    applyDefaults('/Endpoints', ep);
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '10.244.1.5' }], ports: [{ port: 80, protocol: 'TCP' }] }]);

    const slice = obj('discovery.k8s.io/v1', 'EndpointSlice', { addressType: 'IPv4', ports: [{ port: 80 }] });
    applyDefaults('discovery.k8s.io/EndpointSlice', slice);
    expect(slice.ports).toEqual([{ port: 80, name: '', protocol: 'TCP' }]);

    const node = obj('v1', 'Node', { status: { capacity: { cpu: '4', pods: '110' } } }, { name: 'n1' });
    applyDefaults('/Node', node);
    expect(node.status).toEqual({ capacity: { cpu: '4', pods: '110' }, allocatable: { cpu: '4', pods: '110' } });

    const crb = obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', {
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'default' }],
    });
    applyDefaults('rbac.authorization.k8s.io/ClusterRoleBinding', crb);
    expect(crb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' });
    expect(crb.subjects).toEqual([
      { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'sa', namespace: 'default' },
    ]);
  });

  it('leaves Istio kinds as they are', () => {
    const vs = obj('networking.istio.io/v1', 'VirtualService', { spec: { hosts: ['a'] } });
    const before = structuredClone(vs);
    applyDefaults('networking.istio.io/VirtualService', vs);
    expect(vs).toEqual(before);
  });

  it('has a defaulter entry for every served kind', () => {
    const missing = RESOURCES.map((r) => kindKey(r.group, r.kind)).filter((k) => !Object.prototype.hasOwnProperty.call(DEFAULTERS, k));
    expect(missing).toEqual([]);
  });
});
