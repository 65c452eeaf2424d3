import { readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WalCorruptError } from './errors.js';
import { FRAME_HEADER_BYTES } from './record.js';
import { parseSegmentName } from './segment-name.js';
import { entries, removeTempDirs, tempDir } from './test-fixtures.js';
import { Wal } from './wal.js';

const META = new Uint8Array([1, 2, 3]);
const confState = { voters: ['a'], learners: [] };
const SEGMENT_BYTES = 1024;

afterEach(removeTempDirs);

function segments(dir: string): { seq: number; firstIndex: number; name: string }[] {
  return readdirSync(dir)
    .map((n) => parseSegmentName(n))
    .filter((s) => s !== undefined)
    .sort((a, b) => a.seq - b.seq);
}

/** Writes entries 1..count in batches of 4 with a hard state each time; rolls over often. */
async function filledLog(count: number): Promise<string> {
  const dir = tempDir();
  const wal = await Wal.create(dir, META, { segmentBytes: SEGMENT_BYTES });
  for (let i = 1; i <= count; i += 4) {
    const last = Math.min(count, i + 3);
    await wal.save({ term: 1, vote: 'a', commit: last }, entries(i, last, 1, 40), true);
    if (last === 40) await wal.saveSnapshot({ index: 40, term: 1, confState });
  }
  await wal.close();
  return dir;
}

describe('segments', () => {
  it('rolls over into etcd-named segments and replays across them', async () => {
    const dir = await filledLog(100);
    const segs = segments(dir);
    expect(segs.length).toBeGreaterThan(3);
    expect(segs.map((s) => s.seq)).toEqual(segs.map((_, i) => i));
    expect(segs[0]?.name).toBe('0000000000000000-0000000000000000.wal');
    // Each segment is named after the entry that follows the previous segment's last entry.
    for (const s of segs.slice(1)) expect((s.firstIndex - 1) % 4).toBe(0);
    expect(readdirSync(dir).every((n) => n.endsWith('.wal'))).toBe(true);

    const r = await Wal.open(dir);
    expect(r.entries).toEqual(entries(1, 100, 1, 40));
    expect(r.hardState.commit).toBe(100);
    expect(r.metadata).toEqual(META);
    await r.wal.close();
  });

  it('opens from a mark by reading only the segments from the one holding it', async () => {
    const dir = await filledLog(100);
    // Remove every segment before the one holding index 40: open must not need them.
    const segs = segments(dir);
    const holding = segs.filter((s) => s.firstIndex <= 40).at(-1);
    for (const s of segs) if (holding && s.seq < holding.seq) rmSync(join(dir, s.name));
    const r = await Wal.open(dir, { index: 40, term: 1 });
    expect(r.entries).toEqual(entries(41, 100, 1, 40));
    expect(r.hardState.commit).toBe(100);
    await r.wal.close();
  });

  it('releaseTo deletes segments wholly below the index and keeps the one containing it', async () => {
    const dir = await filledLog(100);
    const before = segments(dir);
    const r = await Wal.open(dir, { index: 40, term: 1 });
    await r.wal.releaseTo(40);
    const after = segments(dir);
    const holding = before.filter((s) => s.firstIndex <= 40).at(-1);
    expect(after[0]).toEqual(holding);
    expect(after.at(-1)).toEqual(before.at(-1));

    // Everything from the snapshot on is still there and the log keeps working.
    await r.wal.save({ term: 1, vote: 'a', commit: 101 }, entries(101, 101, 1, 40), true);
    await r.wal.releaseTo(1_000_000);
    expect(segments(dir)).toHaveLength(1);
    await r.wal.close();
    const again = await Wal.open(dir);
    expect(again.entries.at(-1)?.index).toBe(101);
    await again.wal.close();
  });

  it('releaseTo below the second segment deletes nothing', async () => {
    const dir = await filledLog(40);
    const before = segments(dir);
    const r = await Wal.open(dir);
    const second = before[1];
    expect(second).toBeDefined();
    await r.wal.releaseTo((second?.firstIndex ?? 0) - 1);
    expect(segments(dir)).toEqual(before);
    await r.wal.close();
  });

  it('throws on damage in an earlier segment', async () => {
    const dir = await filledLog(40);
    const first = join(dir, segments(dir)[0]?.name ?? '');
    const buf = readFileSync(first);
    buf[buf.length - 5] = (buf[buf.length - 5] ?? 0) ^ 1;
    writeFileSync(first, buf);
    await expect(Wal.open(dir)).rejects.toMatchObject({ name: 'WalCorruptError', file: first });
  });

  it('throws when an earlier segment lost its tail, even at a record boundary', async () => {
    const dir = await filledLog(40);
    const first = join(dir, segments(dir)[0]?.name ?? '');
    const size = readFileSync(first).length;
    // The last record of a segment is a 4-entry batch's hard state: 13 + 16 + 1 bytes for vote 'a'.
    truncateSync(first, size - (FRAME_HEADER_BYTES + 17));
    await expect(Wal.open(dir)).rejects.toThrow(/running checksum/);
    truncateSync(first, size - 3);
    await expect(Wal.open(dir)).rejects.toBeInstanceOf(WalCorruptError);
  });

  it('throws when a segment in the middle is missing', async () => {
    const dir = await filledLog(60);
    const segs = segments(dir);
    rmSync(join(dir, segs[1]?.name ?? ''));
    await expect(Wal.open(dir)).rejects.toThrow(/sequence gap/);
  });
});
