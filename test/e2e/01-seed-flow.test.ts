// End-to-end 1, the seed documents' flow: a 3-replica Deployment and a ClusterIP Service on a
// cluster brought up with `meshctl cluster up` (3 workers); the pods spread over at least 2
// workers, and a pod on another worker reaches all 3 replicas through the Service's DNS name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster, podNode, podReady } from '../support/local-cluster.js';
import { waitFor } from '../support/wait-for.js';

const WEB = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: mesh/base:latest
        imagePullPolicy: Never
        command: [sh, -c, 'echo "served by $(hostname)" > /tmp/index.html; exec httpd -f -p 8080 -h /tmp']
        ports: [{containerPort: 8080}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

describe('e2e: the seed flow (Deployment, Service, DNS, pod to pod across workers)', () => {
  let cluster: LocalCluster;

  beforeAll(async () => {
    cluster = await LocalCluster.up({ workers: 3 });
  }, 300_000);

  afterAll(async () => {
    await cluster?.down();
  }, 120_000);

  it('has 3 Ready workers registered by their host names', async () => {
    const nodes = await cluster.kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}']);
    expect(nodes.stdout.trim().split(' ').sort()).toEqual(['w1=True', 'w2=True', 'w3=True']);
  });

  it('answers from all 3 replicas, spread over at least 2 workers, through the Service name from a pod on another worker', async () => {
    await cluster.apply(WEB);
    const pods = await waitFor('3 ready web pods', async () => {
      const ps = (await cluster.pods('app=web')).filter(podReady);
      return ps.length === 3 ? ps : undefined;
    }, 90_000, 250);
    const nodes = pods.map(podNode);
    expect(new Set(nodes).size).toBeGreaterThanOrEqual(2);

    // The client goes on the worker with the fewest replicas, so most answers cross hosts.
    const counts = ['w1', 'w2', 'w3'].map((w) => ({ w, n: nodes.filter((x) => x === w).length })).sort((a, b) => a.n - b.n);
    const clientNode = counts[0]?.w ?? 'w1';
    await cluster.apply(`
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: ${clientNode}
  containers:
  - {name: client, image: mesh/base:latest, imagePullPolicy: Never, command: [sleep, '3600']}
`);
    await waitFor('the client pod running', async () => (await cluster.pods('')).some((p) => p.metadata.name === 'client' && podReady(p)), 60_000, 250);

    const r = await cluster.execInPod('default', 'client', 'client', ['sh', '-c', 'for i in $(seq 1 60); do wget -qO- http://web.default.svc.cluster.local/ || echo FAILED; done']);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(60);
    expect(lines.filter((l) => l === 'FAILED')).toEqual([]);
    const servedBy = new Set(lines.map((l) => l.replace('served by ', '')));
    expect([...servedBy].sort()).toEqual(pods.map((p) => p.metadata.name).sort());

    // The short name resolves through the pod's search path too.
    const short = await cluster.execInPod('default', 'client', 'client', ['wget', '-qO-', 'http://web/']);
    expect(short.stdout).toMatch(/^served by web-/);
  }, 240_000);
});
