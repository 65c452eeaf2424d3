// `meshctl cluster status`: hosts and their components (from each supervisor's status file), the
// store's leader and node readiness.
import type { ClusterPlan } from './cluster-plan.js';
import { controlPlaneHosts, workerHosts } from './cluster-plan.js';
import { readChaosState } from './chaos.js';
import { apiClientFor, nodeReadiness, storeIsLeader } from './health.js';
import { adminKubeconfigPath } from './host-config.js';
import { readSupervisorStatus, supervisorPid } from './host-processes.js';
import { TABLE_LAYOUT, TabWriter } from '../output/tab-writer.js';

function table(rows: string[][]): string {
  const tw = new TabWriter(TABLE_LAYOUT);
  for (const r of rows) tw.write(`${r.join('\t')}\n`);
  tw.flush();
  return tw.take();
}

export async function clusterStatus(plan: ClusterPlan, out: (text: string) => void): Promise<void> {
  const chaos = await readChaosState(plan);
  const rows: string[][] = [['HOST', 'IP', 'HOST STATE', 'COMPONENT', 'PID', 'STATE', 'RESTARTS']];
  for (const h of plan.hosts) {
    const pid = supervisorPid(plan, h.name);
    const hostState = chaos.killed.includes(h.name) ? 'killed' : chaos.partitioned.includes(h.name) ? 'partitioned' : pid !== undefined ? 'up' : 'down';
    const status = pid !== undefined ? readSupervisorStatus(plan, h.name) : undefined;
    for (const role of h.roles) {
      const c = status?.components.find((x) => x.name === role);
      rows.push([h.name, h.ip, hostState, role, c?.pid != null ? String(c.pid) : '-', c?.state ?? 'down', c ? String(c.restarts) : '-']);
    }
  }
  let leader = '<none>';
  for (const h of controlPlaneHosts(plan.hosts)) if ((await storeIsLeader(h.ip)) === true) leader = h.name;
  let ready = new Map<string, boolean>();
  let apiError = '';
  const client = await apiClientFor(adminKubeconfigPath(plan)).catch(() => undefined);
  if (client) {
    try {
      ready = await nodeReadiness(client);
    } catch (err) {
      apiError = ` (API unreachable: ${err instanceof Error ? err.message : String(err)})`;
    } finally {
      client.close();
    }
  }
  out(table(rows));
  out(`\nStore leader: ${leader}\n\n`);
  out(table([['NODE', 'READY'], ...workerHosts(plan.hosts).map((w) => [w.name, ready.has(w.name) ? (ready.get(w.name) === true ? 'True' : 'False') : `Unknown${apiError}`])]));
}
