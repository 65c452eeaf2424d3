// End-to-end 4: `meshctl chaos kill-node` takes a worker down (its processes SIGKILLed, its
// containers killed, its link down). The node goes NotReady after the node monitor's grace
// period, its pods are evicted after the unreachable toleration and recreated on the other
// workers, and the Service answers again; the test records each time. `chaos heal` brings the
// host back: the node is Ready again and its old pods are cleaned up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../lib/controller/resources.js';
import type { KubeObject } from '../../lib/api/object.js';
import { HTTPD_PORT, httpdDeployment, manifestsYaml, serviceFor } from '../support/e2e-manifests.js';
import { LocalCluster, podNode, podReady } from '../support/local-cluster.js';
import { waitFor } from '../support/wait-for.js';

/** The timings this cluster runs with (Kubernetes' defaults are 40 s, 5 s, 40 s and 300 s). */
const GRACE_S = 8;
const MONITOR_PERIOD_S = 1;
const LEASE_S = 8;
const TOLERATION_S = 5;

const WEB = manifestsYaml(
  httpdDeployment({ name: 'web', replicas: 3, terminationGracePeriodSeconds: 2 }),
  serviceFor('web', [{ port: 80, targetPort: HTTPD_PORT }]),
);

function nodeReadyStatus(n: KubeObject): string {
  const st = n.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined;
  return st?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'missing';
}

describe('e2e: a worker host dies (chaos kill-node) and comes back (chaos heal)', () => {
  let cluster: LocalCluster;

  beforeAll(async () => {
    cluster = await LocalCluster.up({
      workers: 3,
      upArgs: [
        `--sched-arg=--node-monitor-grace-period=${String(GRACE_S)}s`,
        `--sched-arg=--node-monitor-period=${String(MONITOR_PERIOD_S)}s`,
        `--agent-arg=--node-lease-duration-seconds=${String(LEASE_S)}`,
        `--api-arg=--default-not-ready-toleration-seconds=${String(TOLERATION_S)}`,
        `--api-arg=--default-unreachable-toleration-seconds=${String(TOLERATION_S)}`,
      ],
    });
  }, 300_000);

  afterAll(async () => {
    await cluster?.down();
  }, 120_000);

  it('marks the node NotReady, recreates its pods elsewhere and the Service answers again, within the configured timings', async () => {
    await cluster.apply(WEB);
    const pods = await cluster.waitReadyPods('app=web', 3, 90_000);
    // The victim is the worker with the most replicas; the client runs on another one.
    const byNode = ['w1', 'w2', 'w3'].map((w) => ({ w, n: pods.filter((p) => podNode(p) === w).length })).sort((a, b) => b.n - a.n);
    const victim = byNode[0]?.w ?? 'w1';
    const clientNode = byNode[byNode.length - 1]?.w === victim ? 'w1' : (byNode[byNode.length - 1]?.w ?? 'w1');
    const victimPods = pods.filter((p) => podNode(p) === victim).map((p) => p.metadata.name ?? '');
    expect(victimPods.length).toBeGreaterThan(0);
    await cluster.startClientPod({ name: 'client', node: clientNode });

    const kill = await cluster.meshctl(['chaos', 'kill-node', victim]);
    const killedAt = Date.now();
    expect(kill.exitCode, kill.stderr).toBe(0);
    expect(kill.stdout).toContain(`kill-node ${victim}`);

    await waitFor(`node ${victim} not Ready`, async () => nodeReadyStatus(await cluster.client.get(Resources.nodes, victim)) !== 'True', 60_000, 200);
    const notReadyMs = Date.now() - killedAt;

    const replaced = await waitFor('3 ready web pods on the surviving workers', async () => {
      const live = (await cluster.pods('app=web')).filter((p) => p.metadata.deletionTimestamp === undefined && podReady(p));
      return live.length === 3 && live.every((p) => podNode(p) !== victim) ? live : undefined;
    }, 90_000, 200);
    const recreatedMs = Date.now() - killedAt;

    // The Service answers again: 15 requests in a row succeed, each within 2 s, from live replicas only.
    const live = new Set(replaced.map((p) => p.metadata.name));
    await waitFor('the Service answering 15 times in a row', async () => {
      const r = await cluster.execInPod('default', 'client', 'client', ['sh', '-c', 'for i in $(seq 1 15); do timeout 2 wget -qO- http://web/ || echo FAILED; done'], 60_000);
      const lines = r.stdout.trim().split('\n');
      return lines.length === 15 && lines.every((l) => live.has(l.replace('served by ', '')));
    }, 90_000, 200);
    const serviceMs = Date.now() - killedAt;

    console.log(JSON.stringify({ e2e: 'node-failure', victim, victimPods, configured: { nodeMonitorGracePeriodS: GRACE_S, nodeMonitorPeriodS: MONITOR_PERIOD_S, nodeLeaseDurationS: LEASE_S, unreachableTolerationS: TOLERATION_S }, notReadyMs, recreatedMs, serviceMs }));
    // NotReady no earlier than the grace period allows, and within it plus a monitor period and a lease renewal.
    expect(notReadyMs).toBeLessThanOrEqual((GRACE_S + MONITOR_PERIOD_S + LEASE_S / 4 + 3) * 1000);
    // Replacements after the toleration, plus time to schedule and start them.
    expect(recreatedMs).toBeLessThanOrEqual(notReadyMs + (TOLERATION_S + 15) * 1000);

    // Heal: the host comes back, the node is Ready again, and its evicted pods are finally deleted.
    const heal = await cluster.meshctl(['chaos', 'heal', victim]);
    expect(heal.exitCode, heal.stderr).toBe(0);
    await waitFor(`node ${victim} Ready again`, async () => nodeReadyStatus(await cluster.client.get(Resources.nodes, victim)) === 'True', 90_000, 250);
    await waitFor('the evicted pods gone from the API', async () => {
      const names = new Set((await cluster.pods('app=web')).map((p) => p.metadata.name));
      return victimPods.every((n) => !names.has(n));
    }, 90_000, 250);
    const running = await cluster.docker(['ps', '-q', '--filter', `label=meshkube.node=${cluster.name}-${victim}`, '--filter', 'label=io.kubernetes.pod.name']);
    const left = (await Promise.all(running.stdout.split('\n').filter(Boolean).map(async (id) => (await cluster.docker(['inspect', '-f', '{{index .Config.Labels "io.kubernetes.pod.name"}}', id])).stdout.trim()))).filter((n) => victimPods.includes(n));
    expect(left).toEqual([]);
  }, 300_000);

  it('chaos partition: the node goes NotReady while its processes keep running; heal makes it Ready again', async () => {
    const statusRow = async (): Promise<string> => (await cluster.meshctl(['cluster', 'status'])).stdout.split('\n').find((l) => /^w3\s/.test(l)) ?? '';
    const before = await statusRow();
    const part = await cluster.meshctl(['chaos', 'partition', 'w3']);
    expect(part.exitCode, part.stderr).toBe(0);
    expect(part.stdout).toMatch(/partition w3: all traffic through its eth0 dropped/);
    await waitFor('node w3 not Ready', async () => nodeReadyStatus(await cluster.client.get(Resources.nodes, 'w3')) !== 'True', 60_000, 250);
    // Same agent process, still running, marked partitioned.
    const during = await statusRow();
    expect(during).toMatch(/\bpartitioned\b/);
    expect(during.split(/\s+/).slice(3, 6)).toEqual(before.split(/\s+/).slice(3, 6));
    // The host cannot reach the API server any more.
    const cpIp = /^cp1\s+(\S+)/m.exec((await cluster.meshctl(['cluster', 'status'])).stdout)?.[1] ?? '';
    expect(cpIp).toMatch(/^10\./);
    const probe = await cluster.meshctl(['cluster', 'exec', 'w3'], ['--', 'bash', '-c', 'timeout 2 bash -c "echo > /dev/tcp/$0/6443" && echo reached || echo blocked', cpIp]);
    expect(probe.stdout.trim()).toBe('blocked');
    const heal = await cluster.meshctl(['chaos', 'heal', 'w3']);
    expect(heal.stdout).toContain('heal w3: partition removed');
    await waitFor('node w3 Ready again', async () => nodeReadyStatus(await cluster.client.get(Resources.nodes, 'w3')) === 'True', 60_000, 250);
  }, 120_000);
});
