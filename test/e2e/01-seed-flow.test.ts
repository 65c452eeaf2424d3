// End-to-end 1, the seed documents' flow: a 3-replica Deployment and a ClusterIP Service on a
// cluster brought up with `meshctl cluster up` (3 workers); the pods spread over at least 2
// workers, and a pod on another worker reaches all 3 replicas through the Service's DNS name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTPD_PORT, httpdDeployment, manifestsYaml, serviceFor } from '../support/e2e-manifests.js';
import { LocalCluster, fewestPodsWorker, podNode } from '../support/local-cluster.js';

const WEB = manifestsYaml(
  httpdDeployment({ name: 'web', replicas: 3, declarePort: true }),
  serviceFor('web', [{ port: 80, targetPort: HTTPD_PORT }]),
);

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
    const pods = await cluster.waitReadyPods('app=web', 3, 90_000);
    expect(new Set(pods.map(podNode)).size).toBeGreaterThanOrEqual(2);

    // The client goes on the worker with the fewest replicas, so most answers cross hosts.
    await cluster.startClientPod({ name: 'client', node: fewestPodsWorker(pods) });

    // Rounds of 60 requests until every replica has answered: the client node's proxy may program
    // the last endpoint up to its minimum sync period (1 s) after the API shows the pod Ready, so
    // the first round can miss it. No request may fail in any round.
    const expected = pods.map((p) => p.metadata.name).sort();
    const servedBy = new Set<string>();
    for (let round = 1; round <= 5 && servedBy.size < expected.length; round++) {
      const r = await cluster.execInPod('default', 'client', 'client', ['sh', '-c', 'for i in $(seq 1 60); do wget -qO- http://web.default.svc.cluster.local/ || echo FAILED; done']);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(60);
      expect(lines.filter((l) => l === 'FAILED')).toEqual([]);
      for (const l of lines) servedBy.add(l.replace('served by ', ''));
    }
    expect([...servedBy].sort()).toEqual(expected);

    // The short name resolves through the pod's search path too.
    const short = await cluster.execInPod('default', 'client', 'client', ['wget', '-qO-', 'http://web/']);
    expect(short.stdout).toMatch(/^served by web-/);
  }, 240_000);
});
