// What a Raft snapshot carries: the whole state machine at one applied index.
import type { MemberId } from './member-id.js';
import type { Member } from './membership.js';

export interface StateMeta {
  consistentIndex: number;
  membership: { clusterId: MemberId; members: Member[]; removed: MemberId[] };
  leases: { id: string; ttl: number }[];
}

export function encodeSnapshotData(meta: StateMeta, mvcc: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(meta));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(json.length);
  return Buffer.concat([head, json, mvcc]);
}

export function decodeSnapshotData(data: Uint8Array): { meta: StateMeta; mvcc: Uint8Array } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const len = buf.readUInt32BE(0);
  const meta = JSON.parse(buf.subarray(4, 4 + len).toString('utf8')) as StateMeta;
  return { meta, mvcc: buf.subarray(4 + len) };
}
