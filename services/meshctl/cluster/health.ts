// Is each component of a cluster healthy? Asked from the machine (the root namespace reaches every
// host's address over the host bridge): the store's /health, each API server's /readyz, the
// scheduler's /healthz, and node readiness through the API.
import { request as httpRequest } from 'node:http';
import { KubeClient } from '../../../lib/api/kube-client/kube-client.js';
import { Resources } from '../../../lib/controller/resources.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { API_PORT, SCHED_HEALTH_PORT, STORE_METRICS_PORT } from './cluster-plan.js';

const PROBE_TIMEOUT_MS = 2_000;

/** Status code and body of a plain HTTP GET, or undefined when nothing answered in time. */
export function httpGet(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

export async function storeHealthy(ip: string): Promise<boolean> {
  const r = await httpGet(`http://${ip}:${STORE_METRICS_PORT}/health`);
  return r?.status === 200;
}

/** Whether the store member at `ip` is the Raft leader (etcd's etcd_server_is_leader gauge). */
export async function storeIsLeader(ip: string): Promise<boolean | undefined> {
  const r = await httpGet(`http://${ip}:${STORE_METRICS_PORT}/metrics`);
  if (r?.status !== 200) return undefined;
  const m = /^etcd_server_is_leader(?:\{[^}]*\})?\s+(\S+)/m.exec(r.body);
  return m ? Number(m[1]) === 1 : undefined;
}

export async function schedHealthy(ip: string): Promise<boolean> {
  const r = await httpGet(`http://${ip}:${SCHED_HEALTH_PORT}/healthz`);
  return r?.status === 200;
}

export async function apiClientFor(kubeconfig: string, ip?: string): Promise<KubeClient> {
  return KubeClient.fromKubeconfig({
    explicitPath: kubeconfig,
    ...(ip !== undefined ? { overrides: { server: `https://${ip}:${API_PORT}` } } : {}),
    timeoutMs: PROBE_TIMEOUT_MS,
  });
}

export async function apiReady(client: KubeClient): Promise<boolean> {
  try {
    return (await client.requestJson('GET', '/readyz', { accept: 'text/plain' })) === 'ok';
  } catch {
    return false;
  }
}

export function nodeReady(node: KubeObject): boolean {
  const st = node.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined;
  return st?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Node name -> Ready, for the nodes the API knows. */
export async function nodeReadiness(client: KubeClient): Promise<Map<string, boolean>> {
  const list = await client.list(Resources.nodes);
  return new Map(list.items.map((n) => [n.metadata.name ?? '', nodeReady(n)]));
}
