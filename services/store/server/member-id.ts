// Member and cluster IDs computed as etcd computes them, so a cluster started from the same
// --initial-cluster gets the same IDs, and `etcdctl member list` prints familiar hex IDs.
import { createHash } from 'node:crypto';

/** 16 lower-case hex digits, as etcd prints uint64 IDs (types.ID.String()). */
export type MemberId = string;

export function idToHex(id: bigint): MemberId {
  return id.toString(16);
}

export function hexToId(hex: MemberId): bigint {
  return BigInt(`0x${hex}`);
}

/** The uint64 as a decimal string, which is how our gRPC layer carries uint64 fields. */
export function hexToDecimal(hex: MemberId): string {
  return hexToId(hex).toString(10);
}

export function decimalToHex(dec: string): MemberId {
  return idToHex(BigInt(dec));
}

function first8BytesAsId(digest: Buffer): bigint {
  return digest.readBigUInt64BE(0);
}

/** etcd's membership.computeMemberId: sha1(sorted peer URLs + cluster token [+ time]). */
export function computeMemberId(peerUrls: string[], clusterToken: string, nowMs?: number): MemberId {
  const parts = [...peerUrls].sort().join('');
  let input = Buffer.from(parts + clusterToken);
  if (nowMs !== undefined) {
    const t = Buffer.alloc(8);
    t.writeBigInt64BE(BigInt(nowMs) * 1_000_000n);
    input = Buffer.concat([input, t]);
  }
  return idToHex(first8BytesAsId(createHash('sha1').update(input).digest()));
}

/** etcd's RaftCluster.genID: sha1 over the sorted member IDs, big-endian. */
export function computeClusterId(memberIds: MemberId[]): MemberId {
  const ids = memberIds.map(hexToId).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const buf = Buffer.alloc(8 * ids.length);
  ids.forEach((id, i) => buf.writeBigUInt64BE(id, 8 * i));
  return idToHex(first8BytesAsId(createHash('sha1').update(buf).digest()));
}
