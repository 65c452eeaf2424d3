// On-disk format of one snapshot file:
//
//   off 0   u32 LE  CRC-32 over bytes [4, end)
//   off 4   u32 LE  metadata length M
//   off 8   M bytes metadata (index u64, term u64, confState; see encoding.ts)
//   off 8+M         snapshot data (rest of file)
//
// The header and the data are produced separately so a large state-machine image is written
// without being copied into a combined buffer.
import { crc32 } from 'node:zlib';
import type { Snapshot } from '../raft/types.js';
import { snapshotMarkCodec } from './encoding.js';
import { WalDecodeError } from './errors.js';
import { hex16 } from './segment-name.js';

const PREFIX_BYTES = 8;

export function snapshotFileName(term: number, index: number): string {
  return `${hex16(term)}-${hex16(index)}.snap`;
}

const SNAP_RE = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;

export function parseSnapshotFileName(name: string): { term: number; index: number } | undefined {
  const m = SNAP_RE.exec(name);
  if (!m?.[1] || !m[2]) return undefined;
  const term = Number.parseInt(m[1], 16);
  const index = Number.parseInt(m[2], 16);
  if (!Number.isSafeInteger(term) || !Number.isSafeInteger(index)) return undefined;
  return { term, index };
}

/** Returns the file header; the file is header followed by snap.data. */
export function encodeSnapshotHeader(snap: Snapshot): Buffer {
  const metaLen = snapshotMarkCodec.size(snap.metadata);
  const header = Buffer.allocUnsafe(PREFIX_BYTES + metaLen);
  header.writeUInt32LE(metaLen, 4);
  snapshotMarkCodec.write(header, PREFIX_BYTES, snap.metadata);
  const crc = crc32(snap.data, crc32(header.subarray(4)));
  header.writeUInt32LE(crc, 0);
  return header;
}

/** Decodes and verifies a whole snapshot file; throws WalDecodeError when it does not verify. */
export function decodeSnapshotFile(buf: Buffer): Snapshot {
  if (buf.length < PREFIX_BYTES) throw new WalDecodeError(`snapshot file is ${buf.length} bytes`);
  if (crc32(buf.subarray(4)) !== buf.readUInt32LE(0)) throw new WalDecodeError('snapshot checksum mismatch');
  const metaEnd = PREFIX_BYTES + buf.readUInt32LE(4);
  if (metaEnd > buf.length) throw new WalDecodeError('snapshot metadata runs past end of file');
  const metadata = snapshotMarkCodec.read(buf, PREFIX_BYTES, metaEnd);
  return { metadata, data: new Uint8Array(buf.subarray(metaEnd)) };
}
