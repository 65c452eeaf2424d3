// Starting the two clusters, both through test/support's StoreCluster (same flags for both).
import { existsSync } from 'node:fs';
import { createEtcdClient } from '../../lib/grpc/etcd-proto.js';
import { ETCD_BINARY, StoreCluster, storeMain } from '../../test/support/store-cluster.js';

/** What the bench needs from a running three-member cluster. */
export interface BenchCluster {
  readonly members: readonly { name: string }[];
  readonly dataRoot: string;
  endpoint(i: number): string;
  endpoints(): string;
  pid(i: number): number | undefined;
  isRunning(i: number): boolean;
  kill(i: number, signal?: NodeJS.Signals): Promise<number | null>;
  destroy(): Promise<void>;
}

/** Index of the member every member names as leader (Maintenance.Status), or undefined. */
export async function leaderIndex(c: BenchCluster): Promise<number | undefined> {
  const ids: { member: string; leader: string }[] = [];
  for (let i = 0; i < c.members.length; i++) {
    const client = createEtcdClient(c.endpoint(i));
    try {
      const st = await client.Maintenance.Status({}, { deadline: Date.now() + 3000 });
      ids.push({ member: st.header?.member_id ?? '', leader: st.leader });
    } catch {
      ids.push({ member: '', leader: '' });
    } finally {
      client.close();
    }
  }
  const lead = ids[0]?.leader;
  if (!lead || lead === '0' || ids.some((s) => s.leader !== lead)) return undefined;
  const idx = ids.findIndex((s) => s.member === lead);
  return idx >= 0 ? idx : undefined;
}

/** Starts three loopback members of `impl`, waits until they serve, and returns them. */
export async function startCluster(
  impl: 'store' | 'etcd',
  onCreated: (c: BenchCluster) => void = () => {},
): Promise<{ cluster: BenchCluster }> {
  if (impl === 'etcd' && !existsSync(ETCD_BINARY)) throw new Error(`${ETCD_BINARY} is missing (apt-get install etcd-server)`);
  if (impl === 'store' && !existsSync(storeMain)) throw new Error(`${storeMain} is missing: run "npm run build" first`);
  const cluster = await StoreCluster.create({ size: 3, impl });
  onCreated(cluster);
  try {
    for (let i = 0; i < cluster.members.length; i++) cluster.startMember(i);
    await cluster.waitReady();
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  return { cluster };
}
