// Acceptance: optimistic concurrency and Service IP/port allocation under concurrent clients,
// through plain HTTPS with JSON bodies against two API server processes sharing one store.
// Read-modify-write clients retry on 409 as client-go's RetryOnConflict does; allocations must
// stay unique across servers and across a server restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCluster } from '../support/api-cluster.js';
import { KubeHttpsClient } from '../support/kube-https.js';
import type { KubeResponse } from '../support/kube-https.js';
import { sleep } from '../support/store-cluster.js';

const NS = 'concurrency';
const SERVICES = `/api/v1/namespaces/${NS}/services`;
const KUBERNETES_SERVICE_IP = '10.96.0.1';
// A /24 inside the default 10.96.0.0/16: with 252 free addresses for ~190 Services, two
// servers (or a restarted one) that did not coordinate through the store would hand out the
// same address almost surely; in a /16 random picks would rarely collide and hide the bug.
const SERVICE_CIDR = '10.96.0.0/24';
// Likewise 30 NodePorts (inside the default 30000-32767) for 20 NodePort Services.
const NODE_PORTS = { first: 30000, last: 30029 };

let c: ApiCluster;
/** One client per API server, for requests that need no separate connections. */
const http: KubeHttpsClient[] = [];

beforeAll(async () => {
  c = await ApiCluster.start({ apiServers: 2, extraApiArgs: ['--service-cluster-ip-range', SERVICE_CIDR, '--service-node-port-range', `${NODE_PORTS.first}-${NODE_PORTS.last}`] });
  for (let i = 0; i < 2; i++) http.push(new KubeHttpsClient(c.url(i), c.certDir));
  const ns = await http[0]?.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  expect(ns?.status, ns?.text).toBe(201);
}, 120_000);

afterAll(async () => {
  for (const h of http) h.close();
  await c?.destroy();
}, 60_000);

function server(i: number): KubeHttpsClient {
  const h = http[i];
  if (!h) throw new Error(`no client for API server ${i}`);
  return h;
}

interface ObjectBody {
  metadata: { name: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

interface ServiceBody extends ObjectBody {
  spec: { type: string; clusterIP: string; clusterIPs: string[]; ports: { port: number; nodePort?: number }[] };
}

interface StatusBody {
  kind: string;
  status: string;
  reason: string;
  message: string;
  code: number;
  details?: { name?: string; kind?: string; causes?: { reason: string; message: string; field: string }[] };
}

function bodyOf<T>(r: KubeResponse, want: number): T {
  expect(r.status, r.text).toBe(want);
  return r.json as T;
}

function ipv4(ip: string): number {
  const parts = ip.split('.').map(Number);
  expect(parts, `${ip} is not an IPv4 address`).toHaveLength(4);
  return parts.reduce((n, p) => n * 256 + p, 0);
}

/** Usable addresses of the range (inside 10.96.0.0/16): not network, broadcast or the `kubernetes` Service's. */
function expectServiceIp(ip: string): void {
  expect(ip).toMatch(/^10\.96\.\d{1,3}\.\d{1,3}$/);
  const n = ipv4(ip);
  expect(n).toBeGreaterThan(ipv4('10.96.0.0'));
  expect(n).toBeLessThan(ipv4('10.96.0.255'));
  expect(ip).not.toBe(KUBERNETES_SERVICE_IP);
}

function service(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
  };
}

/** Creates Services all at once (each request in flight together) and returns them in order. */
async function createServices(names: readonly string[], via: (i: number) => KubeHttpsClient, spec: Record<string, unknown> = {}): Promise<ServiceBody[]> {
  const responses = await Promise.all(names.map((name, i) => via(i).post(SERVICES, service(name, spec))));
  return responses.map((r) => bodyOf<ServiceBody>(r, 201));
}

/** Every Service of the cluster, all namespaces, by "namespace/name". */
async function allServices(): Promise<Map<string, ServiceBody>> {
  const list = bodyOf<{ items: (ServiceBody & { metadata: { namespace: string } })[] }>(await server(0).get('/api/v1/services'), 200);
  return new Map(list.items.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
}

/** No two Services of the cluster share a ClusterIP. */
async function expectClusterIpsUnique(): Promise<Set<string>> {
  const services = [...(await allServices()).values()];
  const ips = services.map((s) => s.spec.clusterIP);
  expect(new Set(ips).size).toBe(ips.length);
  return new Set(ips);
}

/** Resolves once `parties` callers have arrived; fails instead of hanging if some never do. */
class Barrier {
  private arrived = 0;
  private release!: () => void;
  private readonly opened: Promise<void>;

  constructor(private readonly parties: number) {
    this.opened = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  async arrive(timeoutMs = 20_000): Promise<void> {
    this.arrived++;
    if (this.arrived === this.parties) this.release();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`barrier: ${this.arrived} of ${this.parties} arrived`)), timeoutMs);
    });
    try {
      await Promise.race([this.opened, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

describe('optimistic concurrency', () => {
  it('loses no update when 10 clients read-modify-write one ConfigMap, retrying on 409 Conflict', async () => {
    const CLIENTS = 10;
    const UPDATES = 5;
    const MAX_ATTEMPTS = 200;
    const path = `/api/v1/namespaces/${NS}/configmaps/shared`;
    bodyOf(await server(0).post(`/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared' }, data: {} }), 201);

    // Separate connection pools, so the clients' requests really are in flight together.
    const clients = Array.from({ length: CLIENTS }, (_, i) => new KubeHttpsClient(c.url(i % 2), c.certDir));
    // Each round, every client reads before any writes: at most one of them holds the
    // current version, so every round has at least CLIENTS - 1 conflicts.
    const rounds = Array.from({ length: UPDATES }, () => new Barrier(CLIENTS));
    let conflicts = 0;
    let written = 0;

    const client = async (i: number): Promise<void> => {
      const h = clients[i];
      if (!h) throw new Error('no client');
      for (let j = 0; j < UPDATES; j++) {
        for (let attempt = 0; ; attempt++) {
          if (attempt >= MAX_ATTEMPTS) throw new Error(`client ${i} update ${j}: still conflicting after ${MAX_ATTEMPTS} attempts`);
          const cm = bodyOf<ObjectBody & { data?: Record<string, string> }>(await h.get(path), 200);
          expect(cm.metadata.resourceVersion).toMatch(/^\d+$/);
          if (attempt === 0) await rounds[j]?.arrive();
          const next = { ...cm, data: { ...(cm.data ?? {}), [`client-${i}-update-${j}`]: `${i}.${j}` } };
          const put = await h.put(path, next);
          if (put.status === 200) {
            const saved = put.json as ObjectBody & { data?: Record<string, string> };
            expect(saved.data?.[`client-${i}-update-${j}`]).toBe(`${i}.${j}`);
            expect(Number(saved.metadata.resourceVersion)).toBeGreaterThan(Number(cm.metadata.resourceVersion));
            written++;
            break;
          }
          const status = bodyOf<StatusBody>(put, 409);
          expect(status).toMatchObject({
            kind: 'Status',
            status: 'Failure',
            reason: 'Conflict',
            code: 409,
            message: 'Operation cannot be fulfilled on configmaps "shared": the object has been modified; please apply your changes to the latest version and try again',
            details: { name: 'shared', kind: 'configmaps' },
          });
          conflicts++;
          await sleep(1 + Math.random() * 10); // jittered backoff, as retry.DefaultRetry
        }
      }
    };

    try {
      await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
    } finally {
      for (const h of clients) h.close();
    }

    const final = bodyOf<ObjectBody & { data?: Record<string, string> }>(await server(0).get(path), 200);
    const want: Record<string, string> = {};
    for (let i = 0; i < CLIENTS; i++) for (let j = 0; j < UPDATES; j++) want[`client-${i}-update-${j}`] = `${i}.${j}`;
    expect(final.data).toEqual(want);
    expect(written).toBe(CLIENTS * UPDATES);
    // The test proves nothing unless updates actually collided.
    expect(conflicts).toBeGreaterThanOrEqual((CLIENTS - 1) * UPDATES);
  });
});

describe('Service IP and port allocation', () => {
  const allocatedBefore = new Set<string>();

  it('gives 100 concurrently created ClusterIP Services 100 distinct IPs of the range', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
    const created = await createServices(names, () => server(0));
    const ips = created.map((s) => s.spec.clusterIP);
    for (const s of created) {
      expect(s.spec.type).toBe('ClusterIP');
      expectServiceIp(s.spec.clusterIP);
      expect(s.spec.clusterIPs).toEqual([s.spec.clusterIP]);
    }
    expect(new Set(ips).size).toBe(100);

    // What was stored is what was answered.
    const stored = await allServices();
    for (const s of created) expect(stored.get(`${NS}/${s.metadata.name}`)?.spec.clusterIP).toBe(s.spec.clusterIP);
    expect(stored.get('default/kubernetes')?.spec.clusterIP).toBe(KUBERNETES_SERVICE_IP);
    await expectClusterIpsUnique();
  });

  it('gives distinct IPs to 40 Services created concurrently through two API servers', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `two-${String(i).padStart(2, '0')}`);
    const created = await createServices(names, (i) => server(i % 2));
    const ips = created.map((s) => s.spec.clusterIP);
    for (const ip of ips) expectServiceIp(ip);
    expect(new Set(ips).size).toBe(40);
    const all = await expectClusterIpsUnique();
    expect(all.size).toBe(1 + 100 + 40);
    for (const ip of all) allocatedBefore.add(ip);
  });

  it('never reuses an allocated IP after an API server restarts', async () => {
    expect(allocatedBefore.size).toBe(141);
    expect(await c.stopApi(0)).toBe(0);
    c.startApi(0);
    await c.waitReady(0);

    // The restarted server has no memory of earlier allocations; the store must tell it.
    const names = Array.from({ length: 30 }, (_, i) => `after-${String(i).padStart(2, '0')}`);
    const created = await createServices(names, (i) => server(i < 20 ? 0 : 1));
    for (const s of created) {
      expectServiceIp(s.spec.clusterIP);
      expect(allocatedBefore.has(s.spec.clusterIP), `${s.metadata.name} got ${s.spec.clusterIP}, already allocated`).toBe(false);
    }
    expect(new Set(created.map((s) => s.spec.clusterIP)).size).toBe(30);
    expect((await expectClusterIpsUnique()).size).toBe(141 + 30);
  });

  it('rejects an explicit clusterIP that is already allocated with 422 Invalid', async () => {
    const stored = await allServices();
    const taken = stored.get(`${NS}/svc-000`)?.spec.clusterIP ?? '';
    expectServiceIp(taken);

    // A free address may be asked for, once.
    const used = new Set([...stored.values()].map((s) => s.spec.clusterIP));
    let free = '';
    for (let n = 254; n > 1 && free === ''; n--) if (!used.has(`10.96.0.${n}`)) free = `10.96.0.${n}`;
    const pinned = bodyOf<ServiceBody>(await server(1).post(SERVICES, service('pinned', { clusterIP: free })), 201);
    expect(pinned.spec.clusterIP).toBe(free);
    expect(pinned.spec.clusterIPs).toEqual([free]);

    for (const [ip, via] of [[taken, 0], [free, 0], [free, 1], [KUBERNETES_SERVICE_IP, 1]] as const) {
      const status = bodyOf<StatusBody>(await server(via).post(SERVICES, service('x', { clusterIP: ip })), 422);
      expect(status).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `Service "x" is invalid: spec.clusterIPs[0]: Invalid value: "${ip}": failed to allocate IP ${ip}: provided IP is already allocated`,
        reason: 'Invalid',
        details: {
          name: 'x',
          kind: 'Service',
          causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: "${ip}": failed to allocate IP ${ip}: provided IP is already allocated`, field: 'spec.clusterIPs[0]' }],
        },
        code: 422,
      });
    }
    bodyOf(await server(0).get(`${SERVICES}/x`), 404);
    // The owners keep their addresses.
    expect(bodyOf<ServiceBody>(await server(0).get(`${SERVICES}/svc-000`), 200).spec.clusterIP).toBe(taken);
    expect(bodyOf<ServiceBody>(await server(0).get(`${SERVICES}/pinned`), 200).spec.clusterIP).toBe(free);
    await expectClusterIpsUnique();
  });

  it('gives NodePort Services distinct nodePorts in 30000-32767 and rejects a taken one', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `np-${String(i).padStart(2, '0')}`);
    const created = await createServices(names, (i) => server(i % 2), { type: 'NodePort' });
    const ports: number[] = [];
    for (const s of created) {
      expect(s.spec.type).toBe('NodePort');
      expectServiceIp(s.spec.clusterIP);
      expect(s.spec.ports).toHaveLength(1);
      const nodePort = s.spec.ports[0]?.nodePort ?? 0;
      expect(Number.isInteger(nodePort)).toBe(true);
      expect(nodePort).toBeGreaterThanOrEqual(30000);
      expect(nodePort).toBeLessThanOrEqual(32767);
      expect(nodePort).toBeGreaterThanOrEqual(NODE_PORTS.first);
      expect(nodePort).toBeLessThanOrEqual(NODE_PORTS.last);
      ports.push(nodePort);
    }
    expect(new Set(ports).size).toBe(20);
    await expectClusterIpsUnique();

    const taken = ports[0] ?? 0;
    const dup = service('np-dup', { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: taken }] });
    const status = bodyOf<StatusBody>(await server(1).post(SERVICES, dup), 422);
    expect(status).toMatchObject({
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message: `Service "np-dup" is invalid: spec.ports[0].nodePort: Invalid value: ${taken}: provided port is already allocated`,
      details: { name: 'np-dup', kind: 'Service', causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${taken}: provided port is already allocated`, field: 'spec.ports[0].nodePort' }] },
    });
    bodyOf(await server(0).get(`${SERVICES}/np-dup`), 404);
    expect(bodyOf<ServiceBody>(await server(0).get(`${SERVICES}/np-00`), 200).spec.ports[0]?.nodePort).toBe(taken);
  });
});
