// Segment file names follow etcd: %016x-%016x.wal = (sequence, index of the first entry the
// segment was opened for). Fixed-width hex makes lexical order equal numeric order.
import { readdir } from 'node:fs/promises';
import { readdirSync } from 'node:fs';

export interface SegmentFile {
  seq: number;
  firstIndex: number;
  name: string;
}

const SEGMENT_RE = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

export function hex16(n: number): string {
  return n.toString(16).padStart(16, '0');
}

export function segmentName(seq: number, firstIndex: number): string {
  return `${hex16(seq)}-${hex16(firstIndex)}.wal`;
}

export function parseSegmentName(name: string): SegmentFile | undefined {
  const m = SEGMENT_RE.exec(name);
  if (!m?.[1] || !m[2]) return undefined;
  const seq = Number.parseInt(m[1], 16);
  const firstIndex = Number.parseInt(m[2], 16);
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(firstIndex)) return undefined;
  return { seq, firstIndex, name };
}

function collect(names: readonly string[]): SegmentFile[] {
  const out: SegmentFile[] = [];
  for (const n of names) {
    const s = parseSegmentName(n);
    if (s) out.push(s);
  }
  return out.sort((a, b) => a.seq - b.seq);
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** Segments in dir ordered by sequence; a missing dir has none. */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  try {
    return collect(await readdir(dir));
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
}

export function listSegmentsSync(dir: string): SegmentFile[] {
  try {
    return collect(readdirSync(dir));
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
}
