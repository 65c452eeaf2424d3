import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fieldErrorText } from '../../../lib/api/field-errors.js';
import {
  checkFields,
  decodeErrorMessage,
  strictDecodingMessage,
  strictFieldValidationError,
  typeErrorStatus,
  unknownFieldWarnings,
} from './field-check.js';

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: { app: web, tier: frontend }
  annotations: { deployment.kubernetes.io/revision: "3" }
  ownerReferences: []
  finalizers: [example.com/cleanup]
spec:
  replicas: 3
  revisionHistoryLimit: 5
  progressDeadlineSeconds: 600
  selector:
    matchLabels: { app: web }
    matchExpressions:
    - { key: tier, operator: In, values: [frontend] }
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 25%, maxUnavailable: 1 }
  template:
    metadata:
      labels: { app: web }
      annotations: { sidecar.istio.io/inject: "true" }
    spec:
      serviceAccountName: web
      terminationGracePeriodSeconds: 30
      nodeSelector: { kubernetes.io/os: linux }
      imagePullSecrets: [{ name: regcred }]
      securityContext: { runAsNonRoot: true, fsGroup: 2000, seccompProfile: { type: RuntimeDefault } }
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              topologyKey: kubernetes.io/hostname
              labelSelector: { matchLabels: { app: web } }
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions: [{ key: node-role, operator: Exists }]
      tolerations:
      - { key: dedicated, operator: Equal, value: web, effect: NoSchedule }
      - { operator: Exists, effect: NoExecute, tolerationSeconds: 300 }
      topologySpreadConstraints:
      - { maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: { matchLabels: { app: web } } }
      initContainers:
      - name: migrate
        image: registry.example.com/web:1.4.2
        command: [/bin/sh, -c]
        args: [./migrate up]
        envFrom:
        - configMapRef: { name: web-config }
        - secretRef: { name: web-secrets, optional: true }
          prefix: DB_
      containers:
      - name: web
        image: registry.example.com/web:1.4.2
        imagePullPolicy: IfNotPresent
        workingDir: /app
        ports:
        - { name: http, containerPort: 8080, protocol: TCP }
        - { name: metrics, containerPort: 9090 }
        env:
        - { name: LOG_LEVEL, value: info }
        - name: POD_NAME
          valueFrom: { fieldRef: { fieldPath: metadata.name } }
        - name: DB_PASSWORD
          valueFrom: { secretKeyRef: { name: db, key: password } }
        - name: FEATURE_FLAGS
          valueFrom: { configMapKeyRef: { name: flags, key: all, optional: true } }
        - name: CPU_LIMIT
          valueFrom: { resourceFieldRef: { resource: limits.cpu, divisor: 1m } }
        resources:
          requests: { cpu: 250m, memory: 128Mi }
          limits: { cpu: 1, memory: 512Mi, ephemeral-storage: 1Gi }
        volumeMounts:
        - { name: config, mountPath: /etc/web, readOnly: true }
        - { name: cache, mountPath: /var/cache/web }
        - { name: token, mountPath: /var/run/secrets/tokens }
        livenessProbe:
          httpGet: { path: /healthz, port: http, scheme: HTTP, httpHeaders: [{ name: X-Probe, value: "1" }] }
          initialDelaySeconds: 10
          periodSeconds: 10
          timeoutSeconds: 2
          failureThreshold: 3
        readinessProbe:
          tcpSocket: { port: 8080 }
          successThreshold: 1
        startupProbe:
          grpc: { port: 9090, service: health }
          failureThreshold: 30
        lifecycle:
          preStop: { exec: { command: [sleep, "5"] } }
          postStart: { sleep: { seconds: 1 } }
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: { drop: [ALL] }
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: FallbackToLogsOnError
        stdin: false
        tty: false
      volumes:
      - name: config
        configMap: { name: web-config, defaultMode: 0644, items: [{ key: app.yaml, path: app.yaml }] }
      - name: cache
        emptyDir: { medium: Memory, sizeLimit: 256Mi }
      - name: secret
        secret: { secretName: web-tls, optional: false }
      - name: host
        hostPath: { path: /var/log, type: Directory }
      - name: data
        persistentVolumeClaim: { claimName: web-data }
      - name: podinfo
        downwardAPI: { items: [{ path: labels, fieldRef: { fieldPath: metadata.labels } }] }
      - name: token
        projected:
          sources:
          - serviceAccountToken: { audience: vault, expirationSeconds: 3600, path: token }
          - configMap: { name: kube-root-ca.crt, items: [{ key: ca.crt, path: ca.crt }] }
status:
  observedGeneration: 4
  replicas: 3
  readyReplicas: 3
  conditions:
  - { type: Available, status: "True", lastUpdateTime: "2024-05-01T10:00:00Z", lastTransitionTime: "2024-05-01T10:00:00Z", reason: MinimumReplicasAvailable, message: ok }
`;

const POD = `
apiVersion: v1
kind: Pod
metadata:
  name: web-7d9c6-abcde
  namespace: shop
  uid: 1b4e28ba-2fa1-11d2-883f-0016d3cca427
  resourceVersion: "1234"
  creationTimestamp: "2024-05-01T10:00:00Z"
  ownerReferences:
  - { apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9c6, uid: 6ba7b810-9dad-11d1-80b4-00c04fd430c8, controller: true, blockOwnerDeletion: true }
  managedFields:
  - manager: kubectl
    operation: Update
    apiVersion: v1
    time: "2024-05-01T10:00:00Z"
    fieldsType: FieldsV1
    fieldsV1: { "f:spec": { "f:containers": { 'k:{"name":"web"}': {} } } }
spec:
  nodeName: node-1
  hostNetwork: false
  dnsPolicy: ClusterFirst
  restartPolicy: Always
  schedulerName: default-scheduler
  priorityClassName: high
  priority: 1000
  enableServiceLinks: false
  automountServiceAccountToken: false
  hostname: web-0
  subdomain: web
  activeDeadlineSeconds: 3600
  readinessGates: [{ conditionType: example.com/ready }]
  containers:
  - name: web
    image: nginx:1.27
    stdin: true
    tty: true
status:
  phase: Running
  qosClass: Burstable
  hostIP: 10.0.0.5
  hostIPs: [{ ip: 10.0.0.5 }]
  podIP: 10.244.1.7
  podIPs: [{ ip: 10.244.1.7 }]
  startTime: "2024-05-01T10:00:01Z"
  nominatedNodeName: ""
  message: ""
  reason: ""
  conditions:
  - { type: Ready, status: "True", lastProbeTime: null, lastTransitionTime: "2024-05-01T10:00:05Z" }
  containerStatuses:
  - name: web
    ready: true
    started: true
    restartCount: 2
    image: docker.io/library/nginx:1.27
    imageID: docker.io/library/nginx@sha256:abc
    containerID: containerd://0123
    state: { running: { startedAt: "2024-05-01T10:00:03Z" } }
    lastState: { terminated: { exitCode: 137, reason: OOMKilled, startedAt: "2024-05-01T09:00:00Z", finishedAt: "2024-05-01T09:59:59Z" } }
`;

const SERVICE = `
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  type: LoadBalancer
  selector: { app: web }
  clusterIP: 10.96.0.10
  clusterIPs: [10.96.0.10]
  ipFamilies: [IPv4]
  ipFamilyPolicy: SingleStack
  externalIPs: [203.0.113.10]
  sessionAffinity: ClientIP
  sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }
  loadBalancerIP: 203.0.113.20
  externalTrafficPolicy: Local
  internalTrafficPolicy: Cluster
  healthCheckNodePort: 32000
  publishNotReadyAddresses: true
  ports:
  - { name: http, port: 80, targetPort: http, protocol: TCP, nodePort: 30080, appProtocol: http }
  - { name: grpc, port: 9090, targetPort: 9090 }
status:
  loadBalancer: { ingress: [{ ip: 203.0.113.20 }] }
`;

const VIRTUAL_SERVICE = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews.shop.svc.cluster.local, reviews.example.com]
  gateways: [mesh, istio-system/public]
  exportTo: ["."]
  http:
  - name: v2-for-jason
    match:
    - headers: { end-user: { exact: jason } }
      uri: { prefix: /api }
      queryParams: { debug: { exact: "1" } }
      ignoreUriCase: true
    route:
    - destination: { host: reviews, subset: v2, port: { number: 9080 } }
      weight: 90
      headers: { request: { set: { x-canary: "yes" } }, response: { remove: [x-internal] } }
    - destination: { host: reviews, subset: v3 }
      weight: 10
    timeout: 10s
    retries: { attempts: 3, perTryTimeout: 2s, retryOn: "5xx,reset", retryRemoteLocalities: true }
    fault:
      delay: { fixedDelay: 5s, percentage: { value: 0.1 } }
      abort: { httpStatus: 503, percentage: { value: 1 } }
    mirror: { host: reviews-shadow }
    mirrorPercentage: { value: 50 }
    corsPolicy:
      allowOrigins: [{ exact: https://example.com }]
      allowMethods: [GET, POST]
      allowCredentials: false
      maxAge: 24h
  - name: legacy
    match: [{ uri: { exact: /old } }]
    redirect: { uri: /new, authority: new.example.com, redirectCode: 301 }
  - name: rewrite
    match: [{ uri: { prefix: /v1 } }]
    rewrite: { uri: /, authority: backend }
    route: [{ destination: { host: backend } }]
  tcp:
  - match: [{ port: 27017 }]
    route: [{ destination: { host: mongo, port: { number: 27017 } } }]
  tls:
  - match: [{ sniHosts: [login.example.com], port: 443 }]
    route: [{ destination: { host: login } }]
status:
  observedGeneration: 3
  validationMessages: [{ type: { code: IST0101 } }]
`;

function check(group: string, version: string, kind: string, text: string): ReturnType<typeof checkFields> {
  return checkFields(group, version, kind, parse(text));
}

describe('checkFields on realistic objects', () => {
  it.each([
    ['apps', 'v1', 'Deployment', DEPLOYMENT],
    ['', 'v1', 'Pod', POD],
    ['', 'v1', 'Service', SERVICE],
    ['networking.istio.io', 'v1', 'VirtualService', VIRTUAL_SERVICE],
    ['networking.istio.io', 'v1alpha3', 'VirtualService', VIRTUAL_SERVICE],
  ])('finds nothing wrong in a %s/%s %s', (group, version, kind, text) => {
    expect(check(group, version, kind, text)).toEqual({ unknown: [], errors: [] });
  });

  it('accepts the other kinds in realistic shapes', () => {
    const objects: [string, string, string, unknown][] = [
      ['', 'v1', 'Node', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], providerID: 'kind://n1', unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: '2024-05-01T10:00:00Z' }] }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '3800m' }, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-05-01T10:00:00Z', reason: 'KubeletReady', message: 'ok' }], addresses: [{ type: 'InternalIP', address: '10.0.0.5' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } }, nodeInfo: { kubeletVersion: 'v1.32.0', architecture: 'amd64', operatingSystem: 'linux', machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1', osImage: 'Debian', containerRuntimeVersion: 'containerd://1.7', kubeProxyVersion: '' } } }],
      ['', 'v1', 'Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { password: 'cGFzc3dvcmQ=' }, stringData: { user: 'admin' }, immutable: true }],
      ['', 'v1', 'ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'app.yaml': 'a: 1' }, binaryData: { blob: 'AAEC' } }],
      ['', 'v1', 'Event', { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'd', uid: 'u', apiVersion: 'v1', fieldPath: 'spec.containers{web}' }, reason: 'Pulled', message: 'ok', source: { component: 'kubelet', host: 'n1' }, firstTimestamp: '2024-05-01T10:00:00Z', lastTimestamp: '2024-05-01T10:00:00Z', count: 2, type: 'Normal', eventTime: null, reportingComponent: 'kubelet', reportingInstance: 'n1' }],
      ['', 'v1', 'Endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [{ addresses: [{ ip: '10.244.1.7', nodeName: 'n1', targetRef: { kind: 'Pod', name: 'p', namespace: 'd' } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] }],
      ['discovery.k8s.io', 'v1', 'EndpointSlice', { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abc' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.244.1.7'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n1', zone: 'a' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
      ['coordination.k8s.io', 'v1', 'Lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1' }, spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:00.123456Z' } }],
      ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'view' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-view': 'true' } }] } }],
      ['rbac.authorization.k8s.io', 'v1', 'RoleBinding', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' }, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'd' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' } }],
      ['networking.istio.io', 'v1', 'DestinationRule', { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'r' }, spec: { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' }, connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 10 } }, outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s' }, tls: { mode: 'ISTIO_MUTUAL' } }, subsets: [{ name: 'v1', labels: { version: 'v1' } }], exportTo: ['*'] } }],
      ['networking.istio.io', 'v1beta1', 'Gateway', { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: 'g' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*.example.com'], tls: { mode: 'SIMPLE', credentialName: 'tls' } }] } }],
      ['security.istio.io', 'v1', 'AuthorizationPolicy', { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'a' }, spec: { selector: { matchLabels: { app: 'web' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/d/sa/web'] } }], to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }], when: [{ key: 'request.headers[x-token]', values: ['a'] }] }] } }],
      ['security.istio.io', 'v1beta1', 'PeerAuthentication', { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name: 'default' }, spec: { mtls: { mode: 'STRICT' }, portLevelMtls: { '8080': { mode: 'DISABLE' } } } }],
    ];
    for (const [g, v, k, o] of objects) expect(checkFields(g, v, k, o), `${k}`).toEqual({ unknown: [], errors: [] });
  });
});

describe('checkFields finds unknown fields', () => {
  it('reports them with the paths kube-apiserver uses', () => {
    const d = parse(DEPLOYMENT) as { spec: Record<string, unknown> & { template: { spec: { containers: Record<string, unknown>[]; volumes: Record<string, unknown>[] } } }; metadata: Record<string, unknown> };
    d.spec.foo = 1;
    d.metadata.spec = {};
    const c1 = d.spec.template.spec.containers[0];
    if (c1) c1.tolerations = [];
    const v = d.spec.template.spec.volumes[1];
    if (v) v.emptyDir = { medium: 'Memory', sizeLimitt: '1Gi' };
    expect(checkFields('apps', 'v1', 'Deployment', d).unknown).toEqual([
      'metadata.spec',
      'spec.template.spec.containers[0].tolerations',
      'spec.template.spec.volumes[1].emptyDir.sizeLimitt',
      'spec.foo',
    ]);
  });

  it('is case-sensitive, as Kubernetes decoding is', () => {
    expect(checkFields('', 'v1', 'Service', { apiVersion: 'v1', kind: 'Service', metadata: {}, Spec: {} }).unknown).toEqual(['Spec']);
  });

  it('finds unknown fields in Istio specs, at any depth', () => {
    const vs = parse(VIRTUAL_SERVICE) as { spec: { http: Record<string, unknown>[] } };
    const route = vs.spec.http[0];
    if (route) route.retry = { attempts: 1 };
    expect(checkFields('networking.istio.io', 'v1', 'VirtualService', vs).unknown).toEqual(['spec.http[0].retry']);
  });

  it('does not look into x-kubernetes-preserve-unknown-fields subtrees', () => {
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: {}, spec: {}, status: { anything: { at: ['all'] } } };
    expect(checkFields('networking.istio.io', 'v1', 'VirtualService', vs)).toEqual({ unknown: [], errors: [] });
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { managedFields: [{ fieldsV1: { 'f:whatever': {} } }] } };
    expect(checkFields('', 'v1', 'Pod', pod)).toEqual({ unknown: [], errors: [] });
  });

  it('yields nothing for kinds it has no schema for', () => {
    expect(checkFields('example.com', 'v1', 'Widget', { foo: 1 })).toEqual({ unknown: [], errors: [] });
  });
});

describe('checkFields finds type errors (built-in kinds: Go decoding texts)', () => {
  const deployment = (spec: Record<string, unknown>): unknown => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec });
  const withContainer = (c: Record<string, unknown>): unknown => deployment({ template: { spec: { containers: [{ name: 'c', ...c }] } } });

  it.each([
    ['replicas as a word', deployment({ replicas: 'three' }), 'spec.replicas', 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ['replicas as a fraction', deployment({ replicas: 1.5 }), 'spec.replicas', 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ['replicas overflowing int32', deployment({ replicas: 3000000000 }), 'spec.replicas', 'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ['env value as a number', withContainer({ env: [{ name: 'PORT', value: 8080 }] }), 'spec.template.spec.containers[0].env[0].value', 'json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string'],
    ['containers as a string', deployment({ template: { spec: { containers: 'web' } } }), 'spec.template.spec.containers', 'json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container'],
    ['a container as a string', deployment({ template: { spec: { containers: ['web'] } } }), 'spec.template.spec.containers[0]', 'json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type v1.Container'],
    ['containerPort as a string', withContainer({ ports: [{ containerPort: '80' }] }), 'spec.template.spec.containers[0].ports[0].containerPort', 'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32'],
    ['protocol as a number', withContainer({ ports: [{ containerPort: 80, protocol: 6 }] }), 'spec.template.spec.containers[0].ports[0].protocol', 'json: cannot unmarshal number into Go struct field ContainerPort.spec.template.spec.containers.ports.protocol of type v1.Protocol'],
    ['args as a string', withContainer({ args: '--verbose' }), 'spec.template.spec.containers[0].args', 'json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.args of type []string'],
    ['a probe handler field through the embedded ProbeHandler', withContainer({ livenessProbe: { httpGet: '/healthz' } }), 'spec.template.spec.containers[0].livenessProbe.httpGet', 'json: cannot unmarshal string into Go struct field Probe.spec.template.spec.containers.livenessProbe.ProbeHandler.httpGet of type v1.HTTPGetAction'],
    ['a label value as a number', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { labels: { version: 2 } } }, 'metadata.labels.version', 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    ['paused as a string', deployment({ paused: 'yes' }), 'spec.paused', 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool'],
    ['spec as a list', deployment([] as unknown as Record<string, unknown>), 'spec', 'json: cannot unmarshal array into Go struct field Deployment.spec of type v1.DeploymentSpec'],
    ['a resource quantity with a unit typo', withContainer({ resources: { limits: { cpu: '1 core' } } }), 'spec.template.spec.containers[0].resources.limits.cpu', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['a port IntOrString as a boolean', withContainer({ readinessProbe: { tcpSocket: { port: true } } }), 'spec.template.spec.containers[0].readinessProbe.tcpSocket.port', 'json: cannot unmarshal bool into Go struct field TCPSocketAction.spec.template.spec.containers.readinessProbe.ProbeHandler.tcpSocket.port of type int32'],
    ['a timestamp in another format', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { creationTimestamp: '2024-05-01 10:00:00' } }, 'metadata.creationTimestamp', 'parsing time "2024-05-01 10:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse " 10:00:00" as "T"'],
    ['a timestamp as a number', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { creationTimestamp: 1714557600 } }, 'metadata.creationTimestamp', 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string'],
  ])('%s', (_what, obj, field, detail) => {
    const r = checkFields('apps', 'v1', 'Deployment', obj);
    expect(r.errors[0]).toMatchObject({ type: 'FieldValueTypeInvalid', field, detail });
  });

  it('reports a Secret value that is not base64 as Go does', () => {
    const r = checkFields('', 'v1', 'Secret', { apiVersion: 'v1', kind: 'Secret', metadata: {}, data: { password: 'not base64!' } });
    expect(r.errors.map((e) => [e.field, e.detail])).toEqual([['data.password', 'illegal base64 data at input byte 3']]);
  });

  it('puts first the error Go stops at (custom unmarshalers end decoding)', () => {
    const obj = withContainer({ image: 5, resources: { requests: { memory: 'lots' } } });
    const r = checkFields('apps', 'v1', 'Deployment', obj);
    expect(r.errors.map((e) => e.field)).toEqual(['spec.template.spec.containers[0].resources.requests.memory', 'spec.template.spec.containers[0].image']);
  });

  it('accepts nulls anywhere, as Go decoding does', () => {
    expect(checkFields('apps', 'v1', 'Deployment', deployment({ replicas: null, template: { spec: { containers: null } } }))).toEqual({ unknown: [], errors: [] });
  });
});

describe('checkFields finds type errors (CRD-served kinds: schema validation texts)', () => {
  it('words them as CRD validation does', () => {
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r' }, spec: { hosts: 'reviews', http: [{ timeout: 5, retries: { attempts: '3' } }] } };
    const r = checkFields('networking.istio.io', 'v1', 'VirtualService', vs);
    expect(r.errors.map(fieldErrorText)).toEqual([
      'spec.hosts: Invalid value: "string": spec.hosts in body must be of type array: "string"',
      'spec.http[0].timeout: Invalid value: "integer": spec.http[0].timeout in body must be of type string: "integer"',
      'spec.http[0].retries.attempts: Invalid value: "string": spec.http[0].retries.attempts in body must be of type integer: "string"',
    ]);
  });
});

describe('messages', () => {
  it('builds the strict decoding texts', () => {
    expect(unknownFieldWarnings(['spec.foo', 'spec.containers[0].bar'])).toEqual(['unknown field "spec.foo"', 'unknown field "spec.containers[0].bar"']);
    expect(strictDecodingMessage(['spec.foo', 'spec.bar'])).toBe('strict decoding error: unknown field "spec.foo", unknown field "spec.bar"');
    const e = strictFieldValidationError('Deployment', 'v1', ['spec.template.spec.containers[0].tolerations']);
    expect(e.toStatus()).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].tolerations"',
    });
  });

  it('builds the decode error a built-in kind answers with', () => {
    const r = checkFields('apps', 'v1', 'Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: {}, spec: { replicas: 'three' } });
    const first = r.errors[0];
    expect(first && decodeErrorMessage('Deployment', 'v1', first)).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    expect(typeErrorStatus('apps', 'v1', 'Deployment', 'd', r.errors)?.toStatus()).toMatchObject({ code: 400, reason: 'BadRequest' });
  });

  it('answers CRD type errors with 422 Invalid', () => {
    const r = checkFields('security.istio.io', 'v1', 'PeerAuthentication', { spec: { mtls: 'STRICT' } });
    expect(typeErrorStatus('security.istio.io', 'v1', 'PeerAuthentication', 'default', r.errors)?.toStatus()).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'PeerAuthentication.security.istio.io "default" is invalid: spec.mtls: Invalid value: "string": spec.mtls in body must be of type object: "string"',
    });
    expect(typeErrorStatus('security.istio.io', 'v1', 'PeerAuthentication', 'default', [])).toBeUndefined();
  });
});
