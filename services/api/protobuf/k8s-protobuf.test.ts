import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import type { KubeObject } from '../../../lib/api/object.js';
import {
  decodeK8sProtobuf,
  encodeK8sProtobuf,
  isProtobufContentType,
  PROTOBUF_MAGIC,
  ProtobufDecodeError,
  ProtobufEncodeError,
} from './k8s-protobuf.js';
import { k8sProtoRoot, messageTypeForKind, protobufApiVersions, protobufKinds, unknownEnvelopeType } from './k8s-proto-schema.js';

const T0 = '2026-01-02T03:04:05Z';
const T1 = '2026-01-02T03:09:41Z';
const UID = '6f1c2d4e-8a9b-4c3d-9e8f-0a1b2c3d4e5f';

/**
 * An object as Kubernetes' JSON has it; wider than KubeObject, whose metadata type has no
 * room for creationTimestamp: null or a list's ListMeta.
 */
interface Fixture {
  kind: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
  [field: string]: unknown;
}

function asKubeObject(f: Fixture): KubeObject {
  return f as unknown as KubeObject;
}

/** Objects of every kind, in the form Kubernetes' JSON encoding gives them. */
const OBJECTS: readonly Fixture[] = [
  {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: {
      name: 'demo',
      uid: UID,
      resourceVersion: '12',
      creationTimestamp: T0,
      labels: { 'kubernetes.io/metadata.name': 'demo' },
      managedFields: [
        {
          manager: 'kubectl-create',
          operation: 'Update',
          apiVersion: 'v1',
          time: T0,
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:kubernetes.io/metadata.name': {} } } },
        },
      ],
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  },
  {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: 'web-7d4b9c8f6-x2k4p',
      generateName: 'web-7d4b9c8f6-',
      namespace: 'demo',
      uid: UID,
      resourceVersion: '4711',
      generation: 1,
      creationTimestamp: T0,
      labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': T0 },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f6', uid: UID, controller: true, blockOwnerDeletion: true }],
      finalizers: ['example.com/cleanup'],
    },
    spec: {
      volumes: [
        { name: 'cfg', configMap: { name: 'app-config', items: [{ key: 'app.yaml', path: 'app.yaml', mode: 292 }], defaultMode: 420 } },
        { name: 'creds', secret: { secretName: 'creds', defaultMode: 256, optional: false } },
        { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data', readOnly: true } },
        {
          name: 'podinfo',
          downwardAPI: {
            items: [
              { path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } },
              { path: 'cpu', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' } },
            ],
            defaultMode: 420,
          },
        },
        {
          name: 'kube-api-access',
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
              { secret: { name: 'extra', optional: true } },
            ],
            defaultMode: 420,
          },
        },
        { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'vault' } } },
        { name: 'nfs', nfs: { server: '10.0.0.9', path: '/exports' } },
      ],
      initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'true'], resources: {}, restartPolicy: 'Always' }],
      containers: [
        {
          name: 'app',
          image: 'nginx:1.25',
          args: ['-g', 'daemon off;'],
          workingDir: '/srv',
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { hostPort: 9090, containerPort: 9090, protocol: 'UDP', hostIP: '0.0.0.0' },
          ],
          envFrom: [{ configMapRef: { name: 'app-config' } }, { prefix: 'S_', secretRef: { name: 'creds', optional: true } }],
          env: [
            { name: 'MODE', value: 'prod' },
            { name: 'EMPTY' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
            { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'level', optional: false } } },
            { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '0' } } },
          ],
          resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
          resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
          volumeMounts: [
            { name: 'cfg', readOnly: true, mountPath: '/etc/app' },
            { name: 'data', mountPath: '/data', subPath: 'app', mountPropagation: 'None' },
            { name: 'kube-api-access', readOnly: true, recursiveReadOnly: 'Disabled', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
          ],
          livenessProbe: {
            httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: 'liveness' }] },
            initialDelaySeconds: 5,
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
            terminationGracePeriodSeconds: 10,
          },
          readinessProbe: { tcpSocket: { port: 8080 }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
          startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, timeoutSeconds: 1, periodSeconds: 2, successThreshold: 1, failureThreshold: 30 },
          lifecycle: { postStart: { exec: { command: ['true'] } }, preStop: { sleep: { seconds: 5 } } },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
          securityContext: {
            capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
            runAsUser: 1000,
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
        {
          name: 'grpc',
          image: 'example.com/grpc:2',
          resources: {},
          livenessProbe: { grpc: { port: 9000, service: null }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          readinessProbe: { grpc: { port: 9000, service: 'ready' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          stdin: true,
          tty: true,
        },
      ],
      ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36', resources: {}, stdin: true, tty: true, targetContainerName: 'app' }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      activeDeadlineSeconds: 0,
      dnsPolicy: 'ClusterFirst',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      serviceAccountName: 'web',
      serviceAccount: 'web',
      automountServiceAccountToken: false,
      nodeName: 'node-a',
      shareProcessNamespace: true,
      securityContext: {
        runAsUser: 1000,
        runAsGroup: 3000,
        supplementalGroups: [4000, 4001],
        fsGroup: 2000,
        sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
        fsGroupChangePolicy: 'OnRootMismatch',
        seLinuxOptions: { level: 's0:c123,c456' },
      },
      imagePullSecrets: [{ name: 'regcred' }],
      hostname: 'web-0',
      subdomain: 'web',
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a', 'b'] }] }] },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-z'] }] } }],
        },
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, namespaces: ['demo'], topologyKey: 'topology.kubernetes.io/zone', namespaceSelector: {} },
          ],
        },
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['pod-template-hash'] } }],
        },
      },
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
        { operator: 'Exists' },
      ],
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['db', 'db.local'] }],
      priorityClassName: 'high',
      priority: 1000,
      dnsConfig: { nameservers: ['1.1.1.1'], searches: ['demo.svc.cluster.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
      readinessGates: [{ conditionType: 'example.com/ready' }],
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      overhead: { cpu: '10m', memory: '16Mi' },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: { matchLabels: { app: 'web' } },
          minDomains: 2,
          nodeAffinityPolicy: 'Honor',
          nodeTaintsPolicy: 'Ignore',
          matchLabelKeys: ['pod-template-hash'],
        },
      ],
      os: { name: 'linux' },
      schedulingGates: [{ name: 'example.com/gate' }],
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: T0 },
        { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: T1, reason: 'ContainersNotReady', message: 'containers with unready status: [grpc]' },
      ],
      hostIP: '10.0.0.5',
      hostIPs: [{ ip: '10.0.0.5' }],
      podIP: '10.244.0.7',
      podIPs: [{ ip: '10.244.0.7' }, { ip: 'fd00::7' }],
      startTime: T0,
      initContainerStatuses: [
        {
          name: 'init',
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: T0, finishedAt: T0, containerID: 'containerd://0a1b' } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: 'docker.io/library/busybox:1.36',
          imageID: 'docker.io/library/busybox@sha256:9ae9',
          containerID: 'containerd://0a1b',
          started: false,
        },
      ],
      containerStatuses: [
        {
          name: 'app',
          state: { running: { startedAt: T1 } },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: T0, finishedAt: T1, containerID: 'containerd://2c3d' } },
          ready: true,
          restartCount: 1,
          image: 'docker.io/library/nginx:1.25',
          imageID: 'docker.io/library/nginx@sha256:4c0f',
          containerID: 'containerd://4e5f',
          started: true,
          allocatedResources: { cpu: '100m', memory: '128Mi' },
          resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
          volumeMounts: [{ name: 'cfg', mountPath: '/etc/app', readOnly: true, recursiveReadOnly: 'Disabled' }],
          user: { linux: { uid: 1000, gid: 3000, supplementalGroups: [3000, 4000] } },
        },
        {
          name: 'grpc',
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' } },
          lastState: {},
          ready: false,
          restartCount: 0,
          image: 'example.com/grpc:2',
          imageID: '',
          started: false,
        },
      ],
      qosClass: 'Burstable',
    },
  },
  {
    kind: 'PodTemplate',
    apiVersion: 'v1',
    metadata: { name: 'tpl', namespace: 'demo', creationTimestamp: null },
    template: {
      metadata: { creationTimestamp: null, labels: { app: 'batch' } },
      spec: { containers: [{ name: 'job', image: 'busybox:1.36', command: ['sleep', '1'], resources: {} }], restartPolicy: 'Never' },
    },
  },
  {
    kind: 'Service',
    apiVersion: 'v1',
    metadata: { name: 'web', namespace: 'demo', creationTimestamp: T0, labels: { app: 'web' } },
    spec: {
      ports: [
        { name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 'http', nodePort: 30080 },
        { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 9090, nodePort: 30090 },
      ],
      selector: { app: 'web' },
      clusterIP: '10.96.12.34',
      clusterIPs: ['10.96.12.34'],
      type: 'NodePort',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      externalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  },
  {
    kind: 'Service',
    apiVersion: 'v1',
    metadata: { name: 'lb', namespace: 'demo', creationTimestamp: T0 },
    spec: {
      ports: [{ protocol: 'UDP', port: 53, targetPort: 5353, nodePort: 31053 }],
      selector: { app: 'dns' },
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 32000,
      allocateLoadBalancerNodePorts: false,
      loadBalancerClass: 'example.com/lb',
      loadBalancerSourceRanges: ['10.0.0.0/8'],
      externalIPs: ['192.0.2.10'],
      publishNotReadyAddresses: true,
      trafficDistribution: 'PreferClose',
    },
    status: {
      loadBalancer: { ingress: [{ ip: '192.0.2.1', ipMode: 'VIP', ports: [{ port: 53, protocol: 'UDP', error: 'MixedProtocolNotSupported' }] }, { hostname: 'lb.example.com' }] },
      conditions: [{ type: 'LoadBalancerPortsError', status: 'True', observedGeneration: 2, lastTransitionTime: T1, reason: 'LoadBalancerMixedProtocolNotSupported', message: '' }],
    },
  },
  {
    kind: 'Endpoints',
    apiVersion: 'v1',
    metadata: { name: 'web', namespace: 'demo', creationTimestamp: T0 },
    subsets: [
      {
        addresses: [{ ip: '10.244.0.7', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'demo', name: 'web-0', uid: UID } }],
        notReadyAddresses: [{ ip: '10.244.1.8', hostname: 'web-1' }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }],
      },
    ],
  },
  {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name: 'app-config', namespace: 'demo', creationTimestamp: T0 },
    data: { 'app.yaml': 'level: debug\n', empty: '' },
    binaryData: { 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]).toString('base64') },
    immutable: true,
  },
  {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name: 'creds', namespace: 'demo', creationTimestamp: T0 },
    immutable: false,
    data: { token: Buffer.from('s3cr3t').toString('base64'), empty: '' },
    type: 'Opaque',
  },
  {
    kind: 'ServiceAccount',
    apiVersion: 'v1',
    metadata: { name: 'web', namespace: 'demo', creationTimestamp: T0 },
    secrets: [{ name: 'web-token' }],
    imagePullSecrets: [{ name: 'regcred' }],
    automountServiceAccountToken: false,
  },
  {
    kind: 'Node',
    apiVersion: 'v1',
    metadata: { name: 'node-a', creationTimestamp: T0, labels: { 'kubernetes.io/hostname': 'node-a' } },
    spec: {
      podCIDR: '10.244.0.0/24',
      podCIDRs: ['10.244.0.0/24', 'fd00::/64'],
      providerID: 'meshkube://node-a',
      unschedulable: true,
      taints: [
        { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: T1 },
        { key: 'dedicated', value: 'web', effect: 'NoExecute' },
      ],
    },
    status: {
      capacity: { cpu: '4', memory: '16317156Ki', pods: '110', 'ephemeral-storage': '102350Mi' },
      allocatable: { cpu: '3800m', memory: '15Gi', pods: '110' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: T1, lastTransitionTime: T0, reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
        { type: 'Ready', status: 'True', lastHeartbeatTime: T1, lastTransitionTime: T0, reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [
        { type: 'InternalIP', address: '10.0.0.5' },
        { type: 'Hostname', address: 'node-a' },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: 'ec2a',
        systemUUID: 'ec2a-uuid',
        bootID: 'b00t',
        kernelVersion: '6.8.0',
        osImage: 'Ubuntu 24.04 LTS',
        containerRuntimeVersion: 'containerd://1.7.22',
        kubeletVersion: 'v1.32.4',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images: [{ names: ['docker.io/library/nginx@sha256:4c0f', 'docker.io/library/nginx:1.25'], sizeBytes: 72_653_842 }],
      volumesInUse: ['kubernetes.io/csi/driver^vol-1'],
      volumesAttached: [{ name: 'kubernetes.io/csi/driver^vol-1', devicePath: '' }],
      runtimeHandlers: [{ name: '', features: { recursiveReadOnlyMounts: true, userNamespaces: false } }, { name: 'runc', features: { recursiveReadOnlyMounts: true } }],
      features: { supplementalGroupsPolicy: true },
    },
  },
  {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name: 'web-0.17f3a', namespace: 'demo', creationTimestamp: T0 },
    involvedObject: { kind: 'Pod', namespace: 'demo', name: 'web-0', uid: UID, apiVersion: 'v1', resourceVersion: '4711', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled',
    message: 'Container image "nginx:1.25" already present on machine',
    source: { component: 'kubelet', host: 'node-a' },
    firstTimestamp: T0,
    lastTimestamp: T1,
    count: 3,
    type: 'Normal',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: 'node-a',
  },
  {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name: 'web.17f3b', namespace: 'demo', creationTimestamp: T0 },
    involvedObject: { kind: 'Deployment', namespace: 'demo', name: 'web', apiVersion: 'apps/v1' },
    reason: 'ScalingReplicaSet',
    message: 'Scaled up replica set web-7d4b9c8f6 to 2',
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    type: 'Normal',
    eventTime: '2026-01-02T03:04:05.123456Z',
    series: { count: 2, lastObservedTime: '2026-01-02T03:09:41.000001Z' },
    action: 'ScaleUp',
    related: { kind: 'ReplicaSet', namespace: 'demo', name: 'web-7d4b9c8f6' },
    reportingComponent: 'deployment-controller',
    reportingInstance: '',
  },
  {
    kind: 'Binding',
    apiVersion: 'v1',
    metadata: { name: 'web-0', namespace: 'demo', uid: UID, creationTimestamp: null },
    target: { kind: 'Node', name: 'node-a' },
  },
  {
    kind: 'PersistentVolumeClaim',
    apiVersion: 'v1',
    metadata: { name: 'data', namespace: 'demo', creationTimestamp: T0 },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      volumeName: 'pvc-1',
      storageClassName: 'standard',
      volumeMode: 'Filesystem',
      dataSource: { apiGroup: null, kind: 'PersistentVolumeClaim', name: 'seed' },
      dataSourceRef: { apiGroup: null, kind: 'PersistentVolumeClaim', name: 'seed' },
    },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } },
  },
  {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: 'web', namespace: 'demo', uid: UID, resourceVersion: '99', generation: 3, creationTimestamp: T0, labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }] },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', securityContext: {}, schedulerName: 'default-scheduler' },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      minReadySeconds: 5,
      revisionHistoryLimit: 10,
      paused: true,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 3,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 1,
      availableReplicas: 1,
      unavailableReplicas: 1,
      conditions: [
        { type: 'Available', status: 'False', lastUpdateTime: T1, lastTransitionTime: T1, reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
        { type: 'Progressing', status: 'True', lastUpdateTime: T1, lastTransitionTime: T0, reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-7d4b9c8f6" is progressing.' },
      ],
      collisionCount: 0,
    },
  },
  {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    metadata: {
      name: 'web-7d4b9c8f6',
      namespace: 'demo',
      creationTimestamp: T0,
      labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: UID, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas: 2,
      minReadySeconds: 5,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d4b9c8f6' } },
      template: { metadata: { creationTimestamp: null, labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', resources: {} }] } },
    },
    status: {
      replicas: 0,
      observedGeneration: 1,
      conditions: [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: T1, reason: 'FailedCreate', message: 'pods "web-7d4b9c8f6-" is forbidden' }],
    },
  },
  {
    kind: 'ControllerRevision',
    apiVersion: 'apps/v1',
    metadata: { name: 'ds-5f7d', namespace: 'demo', creationTimestamp: T0 },
    data: { spec: { template: { $patch: 'replace', spec: { containers: [{ name: 'agent', image: 'agent:1' }] } } } },
    revision: 4,
  },
  {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: 'web', namespace: 'demo', uid: UID, resourceVersion: '99', creationTimestamp: T0 },
    spec: { replicas: 3 },
    status: { replicas: 2, selector: 'app=web' },
  },
  {
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
    metadata: { name: 'web-abc12', namespace: 'demo', generateName: 'web-', creationTimestamp: T0, labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: ['10.244.0.7'],
        conditions: { ready: true, serving: true, terminating: false },
        targetRef: { kind: 'Pod', namespace: 'demo', name: 'web-0', uid: UID },
        nodeName: 'node-a',
        zone: 'a',
        hints: { forZones: [{ name: 'a' }] },
      },
      { addresses: ['10.244.1.8'], conditions: {}, hostname: 'web-1', deprecatedTopology: { 'kubernetes.io/hostname': 'node-b' } },
    ],
    ports: [{ name: 'http', protocol: 'TCP', port: 8080, appProtocol: 'http' }, { name: '', port: 0 }],
  },
  {
    kind: 'Lease',
    apiVersion: 'coordination.k8s.io/v1',
    metadata: { name: 'node-a', namespace: 'kube-node-lease', creationTimestamp: T0 },
    spec: { holderIdentity: 'node-a', leaseDurationSeconds: 40, acquireTime: '2026-01-02T03:04:05.000000Z', renewTime: '2026-01-02T03:09:41.654321Z', leaseTransitions: 0 },
  },
  {
    kind: 'Role',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name: 'reader', namespace: 'demo', creationTimestamp: T0 },
    rules: [
      { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'] },
      { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'] },
    ],
  },
  {
    kind: 'ClusterRole',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name: 'monitoring', creationTimestamp: T0, labels: { 'rbac.example.com/aggregate-to-view': 'true' } },
    rules: [{ verbs: ['get'], nonResourceURLs: ['/metrics', '/healthz'] }],
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] },
  },
  {
    kind: 'RoleBinding',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name: 'reader', namespace: 'demo', creationTimestamp: T0 },
    subjects: [
      { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
      { kind: 'ServiceAccount', name: 'web', namespace: 'demo' },
    ],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
  },
  {
    kind: 'ClusterRoleBinding',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name: 'monitoring', creationTimestamp: T0 },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:monitoring' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'monitoring' },
  },
  {
    kind: 'Eviction',
    apiVersion: 'policy/v1',
    metadata: { name: 'web-0', namespace: 'demo', creationTimestamp: null },
    deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: UID, resourceVersion: '4711' }, propagationPolicy: 'Background', dryRun: ['All'] },
  },
  {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: 'web', namespace: 'demo', creationTimestamp: T0 },
    spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0', uid: UID } },
    status: { token: 'eyJhbGciOi.payload.sig', expirationTimestamp: T1 },
  },
  {
    kind: 'DeleteOptions',
    apiVersion: 'apps/v1',
    metadata: {},
    gracePeriodSeconds: 30,
    orphanDependents: false,
    propagationPolicy: 'Foreground',
  },
  {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    reason: 'Invalid',
    details: { name: 'web', group: 'apps', kind: 'Deployment', causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }] },
    code: 422,
  },
  {
    kind: 'NamespaceList',
    apiVersion: 'v1',
    metadata: { resourceVersion: '120', continue: 'eyJ2Ijoi', remainingItemCount: 0 },
    items: [{ metadata: { name: 'default', creationTimestamp: T0 }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }],
  },
  {
    kind: 'DeploymentList',
    apiVersion: 'apps/v1',
    metadata: { resourceVersion: '121' },
    items: null,
  },
];

/** Objects whose JSON carries no metadata key (DeleteOptions has none): compare without it. */
function withoutEmptyMetadata(obj: Fixture): Record<string, unknown> {
  if (obj.kind !== 'DeleteOptions') return obj;
  const { metadata: _metadata, ...rest } = obj;
  return rest;
}

describe('encodeK8sProtobuf → decodeK8sProtobuf round trip', () => {
  it.each(OBJECTS.map((obj) => ({ label: `${obj.apiVersion} ${obj.kind} ${String(obj.metadata['name'] ?? '')}`, obj })))('$label', ({ obj }) => {
    const decoded = decodeK8sProtobuf(encodeK8sProtobuf(asKubeObject(obj)));
    expect(decoded.apiVersion).toBe(obj.apiVersion);
    expect(decoded.kind).toBe(obj.kind);
    expect(decoded.object).toEqual(withoutEmptyMetadata(obj));
  });

  it('covers every kind with a protobuf form', () => {
    const covered = new Set(OBJECTS.map((o) => `${o.apiVersion}/${o.kind}`));
    const missing = protobufApiVersions()
      .flatMap((gv) => protobufKinds(gv).map((kind) => ({ gv, kind })))
      .filter(({ gv, kind }) => !kind.endsWith('List') && !kind.endsWith('Options') && kind !== 'Status' && !covered.has(`${gv}/${kind}`))
      .map(({ gv, kind }) => `${gv}/${kind}`);
    expect(missing).toEqual([]);
  });
});

describe('the wire envelope', () => {
  const deployment = OBJECTS.find((o) => o.kind === 'Deployment') as Fixture;

  it('is "k8s\\0" + runtime.Unknown{typeMeta, raw, contentEncoding, contentType}', () => {
    const body = encodeK8sProtobuf(asKubeObject(deployment));
    expect([...body.subarray(0, 4)]).toEqual([0x6b, 0x38, 0x73, 0x00]);
    const envelope = unknownEnvelopeType().toObject(unknownEnvelopeType().decode(body.subarray(4)), { defaults: true });
    expect(envelope['typeMeta']).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(envelope['contentEncoding']).toBe('');
    expect(envelope['contentType']).toBe('');
    const raw = envelope['raw'] as Uint8Array;
    const type = messageTypeForKind('apps/v1', 'Deployment');
    expect(type?.fullName).toBe('.k8s.io.api.apps.v1.Deployment');
    expect((type?.toObject(type.decode(raw)) as { spec: { replicas: number } }).spec.replicas).toBe(0);
  });

  it('decodes meta/v1 option kinds in any group version', () => {
    const body = encodeK8sProtobuf({ kind: 'DeleteOptions', apiVersion: 'v1', metadata: {}, propagationPolicy: 'Orphan', dryRun: ['All'] });
    expect(decodeK8sProtobuf(body).object).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan', dryRun: ['All'] });
  });
});

describe('isProtobufContentType', () => {
  it.each([
    { contentType: 'application/vnd.kubernetes.protobuf', result: true },
    { contentType: 'application/vnd.kubernetes.protobuf; charset=utf-8', result: true },
    { contentType: ' Application/VND.Kubernetes.Protobuf ', result: true },
    { contentType: 'application/vnd.kubernetes.protobuf;stream=watch', result: true },
    { contentType: 'application/json', result: false },
    { contentType: 'application/vnd.kubernetes.protobuf+json', result: false },
    { contentType: '', result: false },
    { contentType: undefined, result: false },
  ])('$contentType → $result', ({ contentType, result }) => {
    expect(isProtobufContentType(contentType)).toBe(result);
  });
});

function envelope(fields: Record<string, unknown>): Buffer {
  const t = unknownEnvelopeType();
  return Buffer.concat([PROTOBUF_MAGIC, t.encode(t.fromObject(fields)).finish()]);
}

describe('decodeK8sProtobuf errors', () => {
  it.each([
    { name: 'a JSON body', body: Buffer.from('{"kind":"Namespace"}'), message: 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]' },
    { name: 'an empty body', body: Buffer.alloc(0), message: 'provided data does not appear to be a protobuf message' },
    { name: 'a broken envelope', body: Buffer.concat([PROTOBUF_MAGIC, Buffer.from([0x0a, 0x7f, 0x01])]), message: 'malformed protobuf envelope (runtime.Unknown)' },
    { name: 'a missing kind', body: envelope({ typeMeta: { apiVersion: 'v1' } }), message: "Object 'Kind' is missing" },
    { name: 'a missing apiVersion', body: envelope({ typeMeta: { kind: 'Pod' } }), message: "Object 'apiVersion' is missing" },
    { name: 'an unknown kind', body: envelope({ typeMeta: { apiVersion: 'v1', kind: 'Widget' } }), message: 'no kind "Widget" is registered for version "v1"' },
    { name: 'a kind of another group', body: envelope({ typeMeta: { apiVersion: 'v1', kind: 'Deployment' } }), message: 'no kind "Deployment" is registered for version "v1"' },
    { name: 'an unknown group version', body: envelope({ typeMeta: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' } }), message: 'no kind "VirtualService" is registered for version "networking.istio.io/v1"' },
    { name: 'a helper message as kind', body: envelope({ typeMeta: { apiVersion: 'v1', kind: 'PodSpec' } }), message: 'no kind "PodSpec" is registered for version "v1"' },
    { name: 'an encoded body', body: envelope({ typeMeta: { apiVersion: 'v1', kind: 'Pod' }, contentEncoding: 'gzip' }), message: 'unsupported content encoding "gzip"' },
    { name: 'a JSON payload', body: envelope({ typeMeta: { apiVersion: 'v1', kind: 'Pod' }, contentType: 'application/json', raw: Buffer.from('{}') }), message: 'unsupported content type "application/json"' },
    { name: 'a truncated object', body: envelope({ typeMeta: { apiVersion: 'v1', kind: 'Pod' }, raw: Buffer.from([0x0a, 0x20, 0x0a]) }), message: 'malformed Pod (v1) message' },
    { name: 'an object of the wrong wire types', body: envelope({ typeMeta: { apiVersion: 'v1', kind: 'Namespace' }, raw: Buffer.from([0x0f]) }), message: 'malformed Namespace (v1) message' },
  ])('rejects $name', ({ body, message }) => {
    expect(() => decodeK8sProtobuf(body)).toThrow(ProtobufDecodeError);
    expect(() => decodeK8sProtobuf(body)).toThrow(message);
  });

  it('names its errors ProtobufDecodeError', () => {
    let caught: unknown;
    try {
      decodeK8sProtobuf(Buffer.from('{}'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProtobufDecodeError);
    expect((caught as Error).name).toBe('ProtobufDecodeError');
  });
});

describe('encodeK8sProtobuf errors', () => {
  it('rejects kinds without a protobuf form', () => {
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'x' } };
    expect(() => encodeK8sProtobuf(vs)).toThrow(ProtobufEncodeError);
    expect(() => encodeK8sProtobuf(vs)).toThrow('no kind "VirtualService" is registered for version "networking.istio.io/v1"');
  });

  it('rejects values of the wrong type with their field path', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels: { a: 1 } } } as unknown as KubeObject;
    expect(() => encodeK8sProtobuf(ns)).toThrow('metadata.labels[a]: expected a string, got number 1');
  });
});

describe('the .proto schema', () => {
  it('resolves every listed kind to a message with metadata', () => {
    for (const gv of protobufApiVersions()) {
      for (const kind of protobufKinds(gv)) {
        const type = messageTypeForKind(gv, kind);
        expect(type, `${gv} ${kind}`).toBeDefined();
        expect(type?.name).toBe(kind);
      }
    }
  });

  it('uses only the gojson options the codec knows', () => {
    const known = new Set(['(gojson.pointer)', '(gojson.no_omitempty)', '(gojson.inline)', 'json_name']);
    const unknown: string[] = [];
    const visit = (ns: protobuf.NamespaceBase): void => {
      for (const nested of ns.nestedArray) {
        if (nested instanceof protobuf.Type) {
          if (nested.fullName.startsWith('.google.')) continue;
          for (const field of nested.fieldsArray) {
            for (const key of Object.keys(field.options ?? {})) if (!known.has(key)) unknown.push(`${nested.fullName}.${field.name}: ${key}`);
          }
        }
        if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) visit(nested);
      }
    };
    visit(k8sProtoRoot());
    expect(unknown).toEqual([]);
  });

  it('marks inline fields only on message fields', () => {
    const root = k8sProtoRoot();
    for (const name of ['k8s.io.api.core.v1.Volume', 'k8s.io.api.core.v1.Probe', 'k8s.io.api.core.v1.EphemeralContainer']) {
      const inline = root.lookupType(name).fieldsArray.filter((f) => f.options?.['(gojson.inline)'] === true);
      expect(inline).toHaveLength(1);
      expect(inline[0]?.resolve().resolvedType).toBeInstanceOf(protobuf.Type);
    }
  });
});
