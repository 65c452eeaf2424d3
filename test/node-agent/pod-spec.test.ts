// The node agent against real Docker for what a container spec asks: environment (values,
// $(VAR), fieldRef, Secret and ConfigMap keys, service links), volumes (emptyDir shared by two
// containers, configMap, secret, hostPath), workingDir, runAsUser, memory limits (OOMKilled);
// the Node and Lease it keeps; and its node API (TLS with client certificates only, kubectl logs).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import { Resources } from '../../lib/controller/resources.js';
import { NodeCluster, nodeAgentMain } from '../support/node-cluster.js';
import { waitFor } from '../support/wait-for.js';

const NS = 'default';
const IMAGE = 'mesh/base:latest';
let c: NodeCluster;
let hostDir: string;

async function getPod(name: string): Promise<KubeObject | undefined> {
  try {
    return await c.client.get(Resources.pods, name, { namespace: NS });
  } catch {
    return undefined;
  }
}

function containerStatus(p: KubeObject | undefined, name: string): Record<string, unknown> {
  const st = p && isRecord(p.status) ? p.status : {};
  const list = Array.isArray(st.containerStatuses) ? st.containerStatuses.filter(isRecord) : [];
  return list.find((x) => x.name === name) ?? {};
}

async function sh(pod: string, container: string, cmd: string): Promise<string> {
  const r = await c.execInPod(NS, pod, container, ['sh', '-c', cmd]);
  if (r.exitCode !== 0) throw new Error(`${cmd}: exit ${String(r.exitCode)} ${r.stderr}`);
  return r.stdout.trim();
}

function pod(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS }, spec: { nodeName: c.nodeName('w1'), terminationGracePeriodSeconds: 1, ...spec } };
}

beforeAll(async () => {
  hostDir = mkdtempSync(path.join(os.tmpdir(), 'hostpath-'));
  c = await NodeCluster.start({ name: 'ns', hosts: ['w1'] });
  await c.client.create(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: NS }, data: { greeting: 'hello', 'app.conf': 'mode=test\n' } }, { namespace: NS });
  await c.client.create(Resources.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: NS }, data: { password: Buffer.from('s3cret').toString('base64') } }, { namespace: NS });
}, 240_000);

afterAll(async () => {
  await c?.destroy();
  rmSync(hostDir, { recursive: true, force: true });
}, 120_000);

describe('container spec', () => {
  it('builds the environment, mounts the volumes, and honours workingDir and runAsUser', async () => {
    await c.client.create(Resources.pods, pod('spec', {
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'cfg' } },
        { name: 'sec', secret: { secretName: 'sec', items: [{ key: 'password', path: 'db/password' }] } },
        { name: 'host', hostPath: { path: hostDir, type: 'Directory' } },
      ],
      containers: [
        {
          name: 'main',
          image: IMAGE,
          imagePullPolicy: 'Never',
          command: ['sleep', '100000'],
          workingDir: '/tmp',
          env: [
            { name: 'VALUE', value: 'literal' },
            { name: 'EXPANDED', value: '$(VALUE)-x-$$(VALUE)' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } },
            { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
          ],
          volumeMounts: [
            { name: 'scratch', mountPath: '/scratch' },
            { name: 'cfg', mountPath: '/etc/cfg', readOnly: true },
            { name: 'sec', mountPath: '/etc/sec', readOnly: true },
            { name: 'host', mountPath: '/host' },
          ],
        },
        { name: 'other', image: IMAGE, imagePullPolicy: 'Never', command: ['sleep', '100000'], securityContext: { runAsUser: 1000 }, volumeMounts: [{ name: 'scratch', mountPath: '/shared' }] },
      ],
    }), { namespace: NS });
    const p = await waitFor('pod spec running', async () => {
      const x = await getPod('spec');
      return (x?.status as { phase?: string } | undefined)?.phase === 'Running' ? x : undefined;
    }, 60_000, 200);
    const podIP = String((p.status as { podIP?: string }).podIP);
    const env = await sh('spec', 'main', 'env');
    const vars = new Map(env.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
    expect(vars.get('VALUE')).toBe('literal');
    expect(vars.get('EXPANDED')).toBe('literal-x-$(VALUE)');
    expect(vars.get('POD_NAME')).toBe('spec');
    expect(vars.get('POD_IP')).toBe(podIP);
    expect(vars.get('NODE_NAME')).toBe(c.nodeName('w1'));
    expect(vars.get('GREETING')).toBe('hello');
    expect(vars.get('PASSWORD')).toBe('s3cret');
    expect(vars.get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.1');
    expect(vars.get('KUBERNETES_SERVICE_PORT')).toBe('443');

    expect(await sh('spec', 'main', 'cat /etc/cfg/greeting; echo; cat /etc/cfg/app.conf')).toBe('hello\nmode=test');
    expect(await sh('spec', 'main', 'cat /etc/sec/db/password')).toBe('s3cret');
    expect(await sh('spec', 'main', 'pwd')).toBe('/tmp');
    expect(await sh('spec', 'other', 'id -u')).toBe('1000');
    await sh('spec', 'main', 'echo shared > /scratch/note');
    expect(await sh('spec', 'other', 'cat /shared/note')).toBe('shared');
    await sh('spec', 'main', 'echo from-pod > /host/out');
    expect(readFileSync(path.join(hostDir, 'out'), 'utf8')).toBe('from-pod\n');
    expect(await sh('spec', 'main', 'cat /etc/resolv.conf')).toContain(`search ${NS}.svc.cluster.local svc.cluster.local cluster.local`);
    expect(await sh('spec', 'main', 'grep spec /etc/hosts')).toBe(`${podIP}\tspec`);
  });

  it('reports a missing ConfigMap key as CreateContainerConfigError and starts once it exists', async () => {
    await c.client.create(Resources.pods, pod('badref', {
      containers: [{ name: 'main', image: IMAGE, imagePullPolicy: 'Never', command: ['sleep', '100000'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'absent' } } }] }],
    }), { namespace: NS });
    const st = await waitFor('CreateContainerConfigError', async () => {
      const s = containerStatus(await getPod('badref'), 'main');
      const w = isRecord(s.state) && isRecord(s.state.waiting) ? s.state.waiting : undefined;
      return w?.reason === 'CreateContainerConfigError' ? w : undefined;
    }, 30_000, 200);
    expect(st.message).toBe(`couldn't find key absent in ConfigMap ${NS}/cfg`);
    await c.client.patch(Resources.configMaps, 'cfg', { data: { absent: 'now here' } }, 'merge', { namespace: NS });
    await waitFor('badref running', async () => (await getPod('badref'))?.status && (((await getPod('badref'))?.status as { phase?: string }).phase === 'Running'), 40_000, 250);
  });

  it('kills a container over its memory limit and reports OOMKilled', async () => {
    await c.client.create(Resources.pods, pod('hog', {
      restartPolicy: 'Never',
      containers: [{ name: 'hog', image: IMAGE, imagePullPolicy: 'Never', command: ['node', '-e', 'const a = []; for (;;) a.push(Buffer.alloc(256 << 20, 1));'], resources: { limits: { memory: '64Mi' } } }],
    }), { namespace: NS });
    const st = await waitFor('hog terminated', async () => {
      const s = containerStatus(await getPod('hog'), 'hog');
      return isRecord(s.state) && isRecord(s.state.terminated) ? s.state.terminated : undefined;
    }, 60_000, 250);
    expect(st.reason).toBe('OOMKilled');
    expect(st.exitCode).toBe(137);
    expect(((await getPod('hog'))?.status as { phase?: string }).phase).toBe('Failed');
  });
});

describe('the node and its API', () => {
  it('registers the Node as the kubelet does and renews its Lease', async () => {
    const n = await c.client.get(Resources.nodes, c.nodeName('w1'));
    expect(n.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': c.nodeName('w1'), 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' });
    const st = n.status as Record<string, Record<string, unknown> | unknown[]>;
    expect(st.capacity).toMatchObject({ pods: '110', cpu: String(os.cpus().length) });
    expect(st.allocatable).toMatchObject({ pods: '110' });
    expect(st.addresses).toEqual([{ type: 'InternalIP', address: c.net.ip('w1') }, { type: 'Hostname', address: c.nodeName('w1') }]);
    expect(st.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect((st.conditions as Array<{ type: string; status: string; reason: string }>).map((x) => `${x.type}=${x.status}:${x.reason}`)).toEqual([
      'MemoryPressure=False:KubeletHasSufficientMemory',
      'DiskPressure=False:KubeletHasNoDiskPressure',
      'PIDPressure=False:KubeletHasSufficientPID',
      'Ready=True:KubeletReady',
    ]);
    expect((st.nodeInfo as Record<string, string>).containerRuntimeVersion).toMatch(/^docker:\/\/20\./);
    const lease = await c.client.get(Resources.leases, c.nodeName('w1'), { namespace: 'kube-node-lease' });
    expect(lease.spec).toMatchObject({ holderIdentity: c.nodeName('w1'), leaseDurationSeconds: 40 });
  });

  it('refuses node API callers without a client certificate from the cluster CA', async () => {
    const ca = readFileSync(path.join(c.api.certDir, 'ca.crt'), 'utf8');
    const outcome = await new Promise<string>((resolve) => {
      // From inside the host, as any process there could try.
      const req = https.get({ host: c.net.ip('w1'), port: 10250, path: '/pods', ca, timeout: 5000 }, (res) => resolve(`status ${String(res.statusCode)}`));
      req.on('error', (err) => resolve(`error ${err.message}`));
      req.on('timeout', () => req.destroy(new Error('timeout')));
    });
    expect(outcome).toMatch(/^error /);
    expect(outcome).not.toContain('timeout');
  });

  it('serves kube-proxy\'s metrics on 10249 inside the host', async () => {
    const r = await c.net.exec('w1', ['curl', '-s', 'http://127.0.0.1:10249/metrics']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^kubeproxy_sync_proxy_rules_duration_seconds_bucket\{le="[^"]+"\} \d+$/m);
    expect(r.stdout).toMatch(/^kubeproxy_network_programming_duration_seconds_count \d+$/m);
    expect(r.stdout).toMatch(/^kubeproxy_sync_proxy_rules_last_timestamp_seconds \d/m);
  });

  it('refuses --proxy-mode ipvs with a clear message (this kernel has no IP_VS)', async () => {
    const r = await execa(process.execPath, [nodeAgentMain, '--node-ip', '10.10.0.99', '--proxy-mode', 'ipvs', '--kubeconfig', '/nonexistent'], { reject: false, timeout: 20_000 });
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain("can't use the IPVS proxier");
  });

  it('serves kubectl logs through the API server: --tail, and -f following new lines', async () => {
    await c.client.create(Resources.pods, pod('talker', {
      containers: [{ name: 'talker', image: IMAGE, imagePullPolicy: 'Never', command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo line $i; sleep 0.2; done'] }],
    }), { namespace: NS });
    await waitFor('talker has said 5 lines', async () => {
      const r = await c.kubectl(['logs', 'talker']);
      return r.exitCode === 0 && r.stdout.split('\n').filter(Boolean).length >= 5;
    }, 60_000, 250);
    const tail = await c.kubectl(['logs', 'talker', '--tail=2']);
    expect(tail.stdout.trim().split('\n')).toHaveLength(2);
    const last = Number(/line (\d+)$/.exec(tail.stdout.trim())?.[1]);
    const follow = await execa('kubectl', ['--kubeconfig', c.api.kubeconfig, 'logs', '-f', 'talker', '--tail=1'], { reject: false, timeout: 3000 });
    const lines = String(follow.stdout).trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(Number(/line (\d+)$/.exec(lines[lines.length - 1] ?? '')?.[1])).toBeGreaterThan(last);
  });
});
