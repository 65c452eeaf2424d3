import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import type { KindKey } from '../registry/resources.js';
import { RESOURCES, kindKey } from '../registry/resources.js';
import { columnDefinitionsFor, toTable } from './index.js';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number): string => new Date(now.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');
const AGE = '5m';

function obj(apiVersion: string, kind: string, name: string, fields: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace: 'default', creationTimestamp: ago(300), ...meta }, ...fields };
}

function cells(key: KindKey, o: KubeObject): unknown[] {
  const row = toTable(key, [o], { now, includeObject: 'None' }).rows[0];
  if (!row) throw new Error('no row');
  return row.cells;
}

function columns(key: KindKey): [string, number][] {
  return columnDefinitionsFor(key).map((c) => [c.name, c.priority]);
}

describe('column definitions', () => {
  it.each<[KindKey, [string, number][]]>([
    [
      '/Pod',
      [
        ['Name', 0],
        ['Ready', 0],
        ['Status', 0],
        ['Restarts', 0],
        ['Age', 0],
        ['IP', 1],
        ['Node', 1],
        ['Nominated Node', 1],
        ['Readiness Gates', 1],
      ],
    ],
    [
      'apps/Deployment',
      [
        ['Name', 0],
        ['Ready', 0],
        ['Up-to-date', 0],
        ['Available', 0],
        ['Age', 0],
        ['Containers', 1],
        ['Images', 1],
        ['Selector', 1],
      ],
    ],
    [
      'apps/ReplicaSet',
      [
        ['Name', 0],
        ['Desired', 0],
        ['Current', 0],
        ['Ready', 0],
        ['Age', 0],
        ['Containers', 1],
        ['Images', 1],
        ['Selector', 1],
      ],
    ],
    [
      '/Service',
      [
        ['Name', 0],
        ['Type', 0],
        ['Cluster-IP', 0],
        ['External-IP', 0],
        ['Port(s)', 0],
        ['Age', 0],
        ['Selector', 1],
      ],
    ],
    [
      '/Endpoints',
      [
        ['Name', 0],
        ['Endpoints', 0],
        ['Age', 0],
      ],
    ],
    [
      'discovery.k8s.io/EndpointSlice',
      [
        ['Name', 0],
        ['AddressType', 0],
        ['Ports', 0],
        ['Endpoints', 0],
        ['Age', 0],
      ],
    ],
    [
      '/Namespace',
      [
        ['Name', 0],
        ['Status', 0],
        ['Age', 0],
      ],
    ],
    [
      '/Node',
      [
        ['Name', 0],
        ['Status', 0],
        ['Roles', 0],
        ['Age', 0],
        ['Version', 0],
        ['Internal-IP', 1],
        ['External-IP', 1],
        ['OS-Image', 1],
        ['Kernel-Version', 1],
        ['Container-Runtime', 1],
      ],
    ],
    [
      '/ServiceAccount',
      [
        ['Name', 0],
        ['Secrets', 0],
        ['Age', 0],
      ],
    ],
    [
      '/Secret',
      [
        ['Name', 0],
        ['Type', 0],
        ['Data', 0],
        ['Age', 0],
      ],
    ],
    [
      '/ConfigMap',
      [
        ['Name', 0],
        ['Data', 0],
        ['Age', 0],
      ],
    ],
    [
      '/Event',
      [
        ['Last Seen', 0],
        ['Type', 0],
        ['Reason', 0],
        ['Object', 0],
        ['Subobject', 1],
        ['Source', 1],
        ['Message', 0],
        ['First Seen', 1],
        ['Count', 1],
        ['Name', 1],
      ],
    ],
    [
      'coordination.k8s.io/Lease',
      [
        ['Name', 0],
        ['Holder', 0],
        ['Age', 0],
      ],
    ],
    [
      'rbac.authorization.k8s.io/Role',
      [
        ['Name', 0],
        ['Created At', 0],
      ],
    ],
    [
      'rbac.authorization.k8s.io/ClusterRole',
      [
        ['Name', 0],
        ['Created At', 0],
      ],
    ],
    [
      'rbac.authorization.k8s.io/RoleBinding',
      [
        ['Name', 0],
        ['Role', 0],
        ['Age', 0],
        ['Users', 1],
        ['Groups', 1],
        ['ServiceAccounts', 1],
      ],
    ],
    [
      'rbac.authorization.k8s.io/ClusterRoleBinding',
      [
        ['Name', 0],
        ['Role', 0],
        ['Age', 0],
        ['Users', 1],
        ['Groups', 1],
        ['ServiceAccounts', 1],
      ],
    ],
    [
      'networking.istio.io/VirtualService',
      [
        ['Name', 0],
        ['Gateways', 0],
        ['Hosts', 0],
        ['Age', 0],
      ],
    ],
    [
      'networking.istio.io/DestinationRule',
      [
        ['Name', 0],
        ['Host', 0],
        ['Age', 0],
      ],
    ],
    [
      'networking.istio.io/ServiceEntry',
      [
        ['Name', 0],
        ['Hosts', 0],
        ['Location', 0],
        ['Resolution', 0],
        ['Age', 0],
      ],
    ],
    [
      'networking.istio.io/Gateway',
      [
        ['Name', 0],
        ['Age', 0],
      ],
    ],
    [
      'networking.istio.io/Sidecar',
      [
        ['Name', 0],
        ['Age', 0],
      ],
    ],
    [
      'security.istio.io/PeerAuthentication',
      [
        ['Name', 0],
        ['Mode', 0],
        ['Age', 0],
      ],
    ],
    [
      'security.istio.io/AuthorizationPolicy',
      [
        ['Name', 0],
        ['Action', 0],
        ['Age', 0],
      ],
    ],
    [
      'security.istio.io/RequestAuthentication',
      [
        ['Name', 0],
        ['Age', 0],
      ],
    ],
    [
      'example.com/Widget',
      [
        ['Name', 0],
        ['Age', 0],
      ],
    ],
  ])('%s', (key, want) => {
    expect(columns(key)).toEqual(want);
  });

  it('starts with a Name column of format "name" for every served kind but Event', () => {
    for (const r of RESOURCES) {
      const defs = columnDefinitionsFor(kindKey(r.group, r.kind));
      const first = defs[0];
      if (r.kind === 'Event') {
        expect(first?.name).toBe('Last Seen');
        continue;
      }
      expect(first).toMatchObject({ name: 'Name', type: 'string', format: 'name', priority: 0 });
      for (const d of defs) expect(d.description).not.toBe('');
    }
  });

  it('types columns as Kubernetes does', () => {
    expect(columnDefinitionsFor('apps/ReplicaSet').map((c) => c.type)).toEqual([
      'string',
      'integer',
      'integer',
      'integer',
      'string',
      'string',
      'string',
      'string',
    ]);
    expect(columnDefinitionsFor('rbac.authorization.k8s.io/Role')[1]).toMatchObject({ type: 'date', format: '' });
    expect(columnDefinitionsFor('networking.istio.io/VirtualService').map((c) => c.type)).toEqual(['string', 'string', 'string', 'date']);
    expect(columnDefinitionsFor('networking.istio.io/VirtualService')[1]?.description).toBe(
      'The names of gateways and sidecars that should apply these routes',
    );
  });
});

describe('Deployment and ReplicaSet cells', () => {
  const template = {
    spec: {
      containers: [
        { name: 'web', image: 'nginx:1.27' },
        { name: 'proxy', image: 'envoy:v1.31' },
      ],
    },
  };

  it.each<[string, Record<string, unknown>, unknown[]]>([
    [
      'rolling out',
      {
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'edge'] }] },
          template,
        },
        status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      },
      ['web', '2/3', 3, 2, AGE, 'web,proxy', 'nginx:1.27,envoy:v1.31', 'app=web,tier in (edge,frontend)'],
    ],
    [
      'scaled to zero, no status',
      { spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template } },
      ['web', '0/0', 0, 0, AGE, 'web,proxy', 'nginx:1.27,envoy:v1.31', 'app=web'],
    ],
    [
      'empty selector prints empty',
      { spec: { replicas: 1, selector: {}, template } },
      ['web', '0/1', 0, 0, AGE, 'web,proxy', 'nginx:1.27,envoy:v1.31', ''],
    ],
    [
      'invalid selector operator',
      { spec: { replicas: 1, selector: { matchExpressions: [{ key: 'a', operator: 'Near' }] }, template } },
      ['web', '0/1', 0, 0, AGE, 'web,proxy', 'nginx:1.27,envoy:v1.31', '<invalid>'],
    ],
  ])('Deployment: %s', (_name, fields, want) => {
    expect(cells('apps/Deployment', obj('apps/v1', 'Deployment', 'web', fields))).toEqual(want);
  });

  it.each<[string, Record<string, unknown>, unknown[]]>([
    [
      'steady',
      {
        spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d4b9c' } }, template },
        status: { replicas: 3, readyReplicas: 2 },
      },
      ['web-7d4b9c', 3, 3, 2, AGE, 'web,proxy', 'nginx:1.27,envoy:v1.31', 'app=web,pod-template-hash=7d4b9c'],
    ],
    [
      'selector with every operator',
      {
        spec: {
          replicas: 1,
          selector: {
            matchExpressions: [
              { key: 'zone', operator: 'NotIn', values: ['b', 'a'] },
              { key: 'canary', operator: 'DoesNotExist' },
              { key: 'app', operator: 'Exists' },
            ],
          },
          template,
        },
      },
      ['web-7d4b9c', 1, 0, 0, AGE, 'web,proxy', 'nginx:1.27,envoy:v1.31', 'app,!canary,zone notin (a,b)'],
    ],
    ['no selector', { spec: { replicas: 1, template } }, ['web-7d4b9c', 1, 0, 0, AGE, 'web,proxy', 'nginx:1.27,envoy:v1.31', '<none>']],
    [
      'bad selector',
      { spec: { replicas: 1, selector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, template } },
      ['web-7d4b9c', 1, 0, 0, AGE, 'web,proxy', 'nginx:1.27,envoy:v1.31', '<error>'],
    ],
  ])('ReplicaSet: %s', (_name, fields, want) => {
    expect(cells('apps/ReplicaSet', obj('apps/v1', 'ReplicaSet', 'web-7d4b9c', fields))).toEqual(want);
  });
});

describe('Service cells', () => {
  it.each<[string, Record<string, unknown>, unknown[]]>([
    [
      'ClusterIP',
      {
        spec: {
          type: 'ClusterIP',
          clusterIP: '10.96.0.10',
          clusterIPs: ['10.96.0.10'],
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP' },
            { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          ],
          selector: { 'k8s-app': 'kube-dns', tier: 'control' },
        },
      },
      ['svc', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP', AGE, 'k8s-app=kube-dns,tier=control'],
    ],
    [
      'ClusterIP with external IPs',
      { spec: { type: 'ClusterIP', clusterIPs: ['10.96.1.1'], externalIPs: ['192.0.2.1', '192.0.2.2'], ports: [{ port: 80, protocol: 'TCP' }] } },
      ['svc', 'ClusterIP', '10.96.1.1', '192.0.2.1,192.0.2.2', '80/TCP', AGE, '<none>'],
    ],
    [
      'headless',
      { spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 5432, protocol: 'TCP' }], selector: { app: 'db' } } },
      ['svc', 'ClusterIP', 'None', '<none>', '5432/TCP', AGE, 'app=db'],
    ],
    [
      'NodePort',
      { spec: { type: 'NodePort', clusterIPs: ['10.96.2.2'], ports: [{ port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }] } },
      ['svc', 'NodePort', '10.96.2.2', '<none>', '80:30080/TCP', AGE, '<none>'],
    ],
    [
      'LoadBalancer without ingress',
      { spec: { type: 'LoadBalancer', clusterIPs: ['10.96.3.3'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] }, status: { loadBalancer: {} } },
      ['svc', 'LoadBalancer', '10.96.3.3', '<pending>', '443:31443/TCP', AGE, '<none>'],
    ],
    [
      'LoadBalancer with ingress',
      {
        spec: { type: 'LoadBalancer', clusterIPs: ['10.96.3.3'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] },
        status: { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }, { ip: '203.0.113.10' }, { ip: '203.0.113.10' }] } },
      },
      ['svc', 'LoadBalancer', '10.96.3.3', '203.0.113.10,lb.example.com', '443:31443/TCP', AGE, '<none>'],
    ],
    [
      'LoadBalancer with ingress and external IPs',
      {
        spec: { type: 'LoadBalancer', clusterIPs: ['10.96.3.3'], externalIPs: ['198.51.100.7'], ports: [{ port: 80, nodePort: 30000, protocol: 'TCP' }] },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
      },
      ['svc', 'LoadBalancer', '10.96.3.3', '203.0.113.10,198.51.100.7', '80:30000/TCP', AGE, '<none>'],
    ],
    [
      'ExternalName',
      { spec: { type: 'ExternalName', externalName: 'db.example.com' } },
      ['svc', 'ExternalName', '<none>', 'db.example.com', '<none>', AGE, '<none>'],
    ],
  ])('%s', (_name, fields, want) => {
    expect(cells('/Service', obj('v1', 'Service', 'svc', fields))).toEqual(want);
  });
});

describe('Endpoints and EndpointSlice cells', () => {
  const addrs = (...ips: string[]): { ip: string }[] => ips.map((ip) => ({ ip }));

  it.each<[string, unknown, string]>([
    ['none', undefined, '<none>'],
    ['two addresses', [{ addresses: addrs('10.244.1.5', '10.244.2.3'), ports: [{ port: 8080, protocol: 'TCP' }] }], '10.244.1.5:8080,10.244.2.3:8080'],
    [
      'more than three',
      [{ addresses: addrs('10.244.1.5', '10.244.2.3', '10.244.3.4', '10.244.4.4', '10.244.5.5'), ports: [{ port: 8080 }] }],
      '10.244.1.5:8080,10.244.2.3:8080,10.244.3.4:8080 + 2 more...',
    ],
    [
      'addresses times ports',
      [{ addresses: addrs('10.0.0.1', '10.0.0.2'), ports: [{ port: 80 }, { port: 443 }] }],
      '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...',
    ],
    ['headless without ports', [{ addresses: addrs('10.0.0.1', '10.0.0.2') }], '10.0.0.1,10.0.0.2'],
    ['IPv6', [{ addresses: addrs('fd00::1'), ports: [{ port: 80 }] }], '[fd00::1]:80'],
  ])('Endpoints: %s', (_name, subsets, want) => {
    expect(cells('/Endpoints', obj('v1', 'Endpoints', 'web', { subsets }))).toEqual(['web', want, AGE]);
  });

  it.each<[string, Record<string, unknown>, unknown[]]>([
    [
      'typical',
      {
        addressType: 'IPv4',
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: [{ addresses: ['10.244.1.5'] }, { addresses: ['10.244.2.3'] }],
      },
      ['web-abc12', 'IPv4', '8080', '10.244.1.5,10.244.2.3', AGE],
    ],
    ['empty', { addressType: 'IPv4' }, ['web-abc12', 'IPv4', '<unset>', '<unset>', AGE]],
    [
      'named and unnumbered ports, many endpoints',
      {
        addressType: 'IPv6',
        ports: [{ name: 'grpc' }, {}, { port: 1 }, { port: 2 }, { port: 3 }],
        endpoints: [{ addresses: ['fd00::1', 'fd00::2'] }, { addresses: ['fd00::3', 'fd00::4'] }],
      },
      ['web-abc12', 'IPv6', 'grpc,*,1 + 2 more...', 'fd00::1,fd00::2,fd00::3 + 1 more...', AGE],
    ],
  ])('EndpointSlice: %s', (_name, fields, want) => {
    expect(cells('discovery.k8s.io/EndpointSlice', obj('discovery.k8s.io/v1', 'EndpointSlice', 'web-abc12', fields))).toEqual(want);
  });
});

describe('Namespace and Node cells', () => {
  it('Namespace', () => {
    expect(cells('/Namespace', obj('v1', 'Namespace', 'default', { status: { phase: 'Active' } }))).toEqual(['default', 'Active', AGE]);
    expect(cells('/Namespace', obj('v1', 'Namespace', 'old', { status: { phase: 'Terminating' } }))).toEqual(['old', 'Terminating', AGE]);
  });

  it.each<[string, Record<string, unknown>, Record<string, string> | undefined, unknown[]]>([
    [
      'ready control plane, cordoned',
      {
        spec: { unschedulable: true },
        status: {
          conditions: [
            { type: 'MemoryPressure', status: 'False' },
            { type: 'Ready', status: 'True' },
          ],
          addresses: [
            { type: 'InternalIP', address: '172.18.0.2' },
            { type: 'Hostname', address: 'cp-1' },
          ],
          nodeInfo: {
            kubeletVersion: 'v1.32.0',
            osImage: 'Debian GNU/Linux 12 (bookworm)',
            kernelVersion: '6.8.0-45-generic',
            containerRuntimeVersion: 'containerd://1.7.22',
          },
        },
      },
      { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master', 'node-role.kubernetes.io/': 'x' },
      [
        'cp-1',
        'Ready,SchedulingDisabled',
        'control-plane,master',
        AGE,
        'v1.32.0',
        '172.18.0.2',
        '<none>',
        'Debian GNU/Linux 12 (bookworm)',
        '6.8.0-45-generic',
        'containerd://1.7.22',
      ],
    ],
    [
      'not ready worker',
      {
        status: {
          conditions: [{ type: 'Ready', status: 'Unknown' }],
          addresses: [
            { type: 'ExternalIP', address: '203.0.113.5' },
            { type: 'InternalIP', address: '10.0.0.5' },
          ],
          nodeInfo: { kubeletVersion: 'v1.32.0' },
        },
      },
      { 'kubernetes.io/hostname': 'cp-1' },
      ['cp-1', 'NotReady', '<none>', AGE, 'v1.32.0', '10.0.0.5', '203.0.113.5', '<unknown>', '<unknown>', '<unknown>'],
    ],
    ['no status yet', {}, undefined, ['cp-1', 'Unknown', '<none>', AGE, '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']],
  ])('Node: %s', (_name, fields, labels, want) => {
    const meta = labels ? { labels, namespace: undefined } : { namespace: undefined };
    expect(cells('/Node', obj('v1', 'Node', 'cp-1', fields, meta))).toEqual(want);
  });
});

describe('ServiceAccount, Secret, ConfigMap, Lease cells', () => {
  it('counts secrets and data keys', () => {
    expect(cells('/ServiceAccount', obj('v1', 'ServiceAccount', 'default'))).toEqual(['default', 0, AGE]);
    expect(cells('/ServiceAccount', obj('v1', 'ServiceAccount', 'builder', { secrets: [{ name: 'builder-token' }] }))).toEqual([
      'builder',
      1,
      AGE,
    ]);
    expect(cells('/Secret', obj('v1', 'Secret', 'tls', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y3J0', 'tls.key': 'a2V5' } }))).toEqual([
      'tls',
      'kubernetes.io/tls',
      2,
      AGE,
    ]);
    expect(cells('/ConfigMap', obj('v1', 'ConfigMap', 'cfg', { data: { a: '1', b: '2' }, binaryData: { c: 'AAE=' } }))).toEqual(['cfg', 3, AGE]);
    expect(cells('/ConfigMap', obj('v1', 'ConfigMap', 'empty'))).toEqual(['empty', 0, AGE]);
  });

  it('shows the lease holder', () => {
    expect(cells('coordination.k8s.io/Lease', obj('coordination.k8s.io/v1', 'Lease', 'kube-scheduler', { spec: { holderIdentity: 'cp-1_4f2c' } }))).toEqual([
      'kube-scheduler',
      'cp-1_4f2c',
      AGE,
    ]);
    expect(cells('coordination.k8s.io/Lease', obj('coordination.k8s.io/v1', 'Lease', 'free', { spec: {} }))).toEqual(['free', '', AGE]);
  });
});

describe('Event cells', () => {
  it.each<[string, Record<string, unknown>, unknown[]]>([
    [
      'core event',
      {
        involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{app}' },
        reason: 'BackOff',
        message: 'Back-off restarting failed container app\n',
        type: 'Warning',
        source: { component: 'kubelet', host: 'worker-1' },
        firstTimestamp: ago(3600),
        lastTimestamp: ago(300),
        count: 12,
      },
      ['5m', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'kubelet, worker-1', 'Back-off restarting failed container app', '60m', 12, 'web-1.17c9a'],
    ],
    [
      'events.k8s.io style: eventTime, reporting controller, no count',
      {
        involvedObject: { kind: 'Node' },
        reason: 'RegisteredNode',
        message: 'Node worker-1 event: Registered Node worker-1 in Controller',
        type: 'Normal',
        eventTime: '2024-05-01T11:58:00.123456Z',
        reportingController: 'node-controller',
        reportingInstance: 'cp-1',
        firstTimestamp: null,
        lastTimestamp: null,
      },
      ['119s', 'Normal', 'RegisteredNode', 'node', '', 'node-controller, cp-1', 'Node worker-1 event: Registered Node worker-1 in Controller', '119s', 1, 'web-1.17c9a'],
    ],
    [
      'series',
      {
        involvedObject: { kind: 'Deployment', name: 'web' },
        reason: 'ScalingReplicaSet',
        message: 'Scaled up',
        type: 'Normal',
        source: { component: 'deployment-controller' },
        eventTime: '2024-05-01T11:00:00.000000Z',
        series: { count: 4, lastObservedTime: '2024-05-01T11:59:30.000000Z' },
      },
      ['30s', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up', '60m', 4, 'web-1.17c9a'],
    ],
    ['nothing set', {}, ['<unknown>', '', '', '', '', '', '', '<unknown>', 1, 'web-1.17c9a']],
  ])('%s', (_name, fields, want) => {
    expect(cells('/Event', obj('v1', 'Event', 'web-1.17c9a', fields))).toEqual(want);
  });
});

describe('RBAC cells', () => {
  it('prints bindings with their role and subjects', () => {
    const binding = obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'readers', {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
        { kind: 'User', name: 'bob' },
      ],
    });
    expect(cells('rbac.authorization.k8s.io/RoleBinding', binding)).toEqual(['readers', 'ClusterRole/view', AGE, 'alice, bob', 'devs', 'ci/builder']);
    const crb = obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'admins', { roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } });
    expect(cells('rbac.authorization.k8s.io/ClusterRoleBinding', crb)).toEqual(['admins', 'ClusterRole/cluster-admin', AGE, '', '', '']);
  });

  it('prints roles with the default Name / Created At table', () => {
    const role = obj('rbac.authorization.k8s.io/v1', 'Role', 'pod-reader', { rules: [] }, { creationTimestamp: '2024-04-30T09:15:00Z' });
    expect(cells('rbac.authorization.k8s.io/Role', role)).toEqual(['pod-reader', '2024-04-30T09:15:00Z']);
    const clusterRole = obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'view', {}, { creationTimestamp: undefined });
    expect(cells('rbac.authorization.k8s.io/ClusterRole', clusterRole)).toEqual(['view', '0001-01-01T00:00:00Z']);
  });
});

describe('Istio cells (CRD printer columns)', () => {
  it.each<[KindKey, string, Record<string, unknown>, unknown[]]>([
    [
      'networking.istio.io/VirtualService',
      'reviews',
      { spec: { hosts: ['reviews'], gateways: ['bookinfo-gateway', 'mesh'], http: [{ route: [{ destination: { host: 'reviews' } }] }] } },
      ['reviews', '["bookinfo-gateway","mesh"]', '["reviews"]', AGE],
    ],
    ['networking.istio.io/VirtualService', 'reviews', { spec: { hosts: ['reviews'] } }, ['reviews', null, '["reviews"]', AGE]],
    ['networking.istio.io/DestinationRule', 'reviews', { spec: { host: 'reviews.default.svc.cluster.local' } }, ['reviews', 'reviews.default.svc.cluster.local', AGE]],
    [
      'networking.istio.io/ServiceEntry',
      'httpbin-ext',
      { spec: { hosts: ['httpbin.org'], location: 'MESH_EXTERNAL', resolution: 'DNS', ports: [{ number: 443, name: 'https', protocol: 'TLS' }] } },
      ['httpbin-ext', '["httpbin.org"]', 'MESH_EXTERNAL', 'DNS', AGE],
    ],
    ['networking.istio.io/Gateway', 'ingress', { spec: { selector: { istio: 'ingressgateway' } } }, ['ingress', AGE]],
    ['networking.istio.io/Sidecar', 'default', { spec: { egress: [{ hosts: ['./*'] }] } }, ['default', AGE]],
    ['security.istio.io/PeerAuthentication', 'default', { spec: { mtls: { mode: 'STRICT' } } }, ['default', 'STRICT', AGE]],
    ['security.istio.io/PeerAuthentication', 'default', { spec: {} }, ['default', null, AGE]],
    ['security.istio.io/AuthorizationPolicy', 'deny-all', { spec: { action: 'DENY' } }, ['deny-all', 'DENY', AGE]],
    ['security.istio.io/AuthorizationPolicy', 'allow-nothing', { spec: {} }, ['allow-nothing', null, AGE]],
    ['security.istio.io/RequestAuthentication', 'jwt', { spec: { jwtRules: [{ issuer: 'https://issuer' }] } }, ['jwt', AGE]],
  ])('%s %s', (key, name, fields, want) => {
    const [group, kind] = key.split('/');
    expect(cells(key, obj(`${group ?? ''}/v1`, kind ?? '', name, fields))).toEqual(want);
  });

  it('gives custom resources without printer columns the Age column', () => {
    expect(cells('example.com/Widget', obj('example.com/v1', 'Widget', 'w1'))).toEqual(['w1', AGE]);
  });
});

describe('toTable', () => {
  const cm = (name: string): KubeObject =>
    obj('v1', 'ConfigMap', name, { data: { k: 'v' } }, { uid: `uid-${name}`, resourceVersion: '42', labels: { app: 'x' } });

  it('returns a meta.k8s.io/v1 Table with one row per object, in order', () => {
    const table = toTable('/ConfigMap', [cm('a'), cm('b')], { now, includeObject: 'None', listMeta: { resourceVersion: '100', continue: 'tok', remainingItemCount: 7 } });
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.metadata).toEqual({ resourceVersion: '100', continue: 'tok', remainingItemCount: 7 });
    expect(table.rows.map((r) => r.cells[0])).toEqual(['a', 'b']);
    expect(table.rows[0]).not.toHaveProperty('object');
    expect(table.rows[0]).not.toHaveProperty('conditions');
  });

  it('omits empty list metadata fields', () => {
    expect(toTable('/ConfigMap', [], { now, includeObject: 'None', listMeta: { resourceVersion: '9', continue: '' } }).metadata).toEqual({
      resourceVersion: '9',
    });
    const empty = toTable('/ConfigMap', [], { now, includeObject: 'Metadata' });
    expect(empty.metadata).toEqual({});
    expect(empty.rows).toEqual([]);
    expect(empty.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
  });

  it('embeds PartialObjectMetadata for includeObject=Metadata', () => {
    const o = cm('a');
    const row = toTable('/ConfigMap', [o], { now, includeObject: 'Metadata' }).rows[0];
    expect(row?.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata });
  });

  it('embeds the whole object for includeObject=Object', () => {
    const o = cm('a');
    expect(toTable('/ConfigMap', [o], { now, includeObject: 'Object' }).rows[0]?.object).toEqual(o);
  });

  it('carries pod row conditions', () => {
    const p = obj('v1', 'Pod', 'job-1', { spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } });
    expect(toTable('/Pod', [p], { now, includeObject: 'None' }).rows[0]?.conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
  });

  it('leaves the column definitions out with noHeaders (later watch events)', () => {
    const table = toTable('/ConfigMap', [cm('a')], { now, includeObject: 'None', noHeaders: true });
    expect(table.columnDefinitions).toEqual([]);
    expect(table.rows[0]?.cells).toEqual(['a', 1, AGE]);
  });

  it('returns fresh column definitions each time', () => {
    const first = toTable('/Pod', [], { now, includeObject: 'None' });
    const col = first.columnDefinitions[0];
    if (col) col.name = 'changed';
    expect(toTable('/Pod', [], { now, includeObject: 'None' }).columnDefinitions[0]?.name).toBe('Name');
  });
});
