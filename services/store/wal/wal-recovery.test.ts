// Crash simulation: torn and damaged files are produced by truncating or rewriting segment bytes,
// which is what a crash or a bad disk leaves behind.
import { cpSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WalCorruptError } from './errors.js';
import { entries, entry, removeTempDirs, tempDir } from './test-fixtures.js';
import { Wal } from './wal.js';

const META = new Uint8Array([7, 7]);

afterEach(removeTempDirs);

function onlySegment(dir: string): string {
  const names = readdirSync(dir).filter((n) => n.endsWith('.wal'));
  expect(names).toHaveLength(1);
  return join(dir, names[0] ?? '');
}

function sizeOf(path: string): number {
  return statSync(path).size;
}

function flipByte(path: string, offset: number): void {
  const buf = readFileSync(path);
  buf[offset] = (buf[offset] ?? 0) ^ 0x5a;
  writeFileSync(path, buf);
}

/** A log with two durable batches; returns where the durable data ends and where the tail ends. */
async function logWithTail(tail: (wal: Wal) => Promise<void>): Promise<{ dir: string; durableEnd: number; end: number }> {
  const dir = tempDir();
  const wal = await Wal.create(dir, META);
  await wal.save({ term: 1, vote: 'n1', commit: 1 }, entries(1, 3), true);
  await wal.save({ term: 1, vote: 'n1', commit: 3 }, entries(4, 5), true);
  const durableEnd = sizeOf(onlySegment(dir));
  await tail(wal);
  await wal.close();
  return { dir, durableEnd, end: sizeOf(onlySegment(dir)) };
}

/** Opens the log, checks it holds exactly the durable batches, appends, and checks the append. */
async function expectRecovered(dir: string, label: string): Promise<void> {
  const r = await Wal.open(dir);
  expect(r.entries, label).toEqual(entries(1, 5));
  expect(r.hardState, label).toEqual({ term: 1, vote: 'n1', commit: 3 });
  await r.wal.save({ term: 2, vote: '', commit: 5 }, [entry(6, 2)], true);
  await r.wal.close();
  const again = await Wal.open(dir);
  expect(again.entries, label).toEqual([...entries(1, 5), entry(6, 2)]);
  expect(again.hardState.term, label).toBe(2);
  await again.wal.close();
}

describe('torn tail recovery', () => {
  it('recovers at every truncation point inside the last record', async () => {
    const base = await logWithTail((wal) => wal.save(undefined, [entry(6, 1, 24)], true));
    expect(base.end - base.durableEnd).toBeGreaterThan(13);
    for (let cut = base.durableEnd; cut < base.end; cut++) {
      const dir = tempDir();
      cpSync(base.dir, dir, { recursive: true });
      truncateSync(onlySegment(dir), cut);
      await expectRecovered(dir, `truncated at ${cut}`);
    }
  });

  it('recovers when any byte of the last record is damaged', async () => {
    const base = await logWithTail((wal) => wal.save(undefined, [entry(6, 1, 4)], true));
    for (let at = base.durableEnd; at < base.end; at++) {
      const dir = tempDir();
      cpSync(base.dir, dir, { recursive: true });
      flipByte(onlySegment(dir), at);
      await expectRecovered(dir, `byte ${at} damaged`);
    }
  });

  it('cuts off a garbage or zero-filled tail and truncates the file', async () => {
    for (const tail of [Buffer.from('\x03\x00\x00\x00garbage that is not a record'), Buffer.alloc(4096)]) {
      const base = await logWithTail(async () => {});
      const seg = onlySegment(base.dir);
      writeFileSync(seg, Buffer.concat([readFileSync(seg), tail]));
      const r = await Wal.open(base.dir);
      expect(sizeOf(seg)).toBe(base.durableEnd);
      expect(r.entries).toEqual(entries(1, 5));
      await r.wal.close();
      await expectRecovered(base.dir, `tail ${tail.length} bytes`);
    }
  });

  it('drops a whole unacknowledged batch whose first record is torn even if later ones landed', async () => {
    // One save() is one write; a crash can persist its later sectors but not its earlier ones.
    const base = await logWithTail((wal) => wal.save(undefined, [entry(6, 1, 16), entry(7, 1, 16)], true));
    const seg = onlySegment(base.dir);
    flipByte(seg, base.durableEnd + 20);
    await expectRecovered(base.dir, 'first record of last batch damaged');
  });

  it('treats a record torn inside an unsynced batch the same way', async () => {
    const base = await logWithTail(async (wal) => {
      await wal.save({ term: 1, vote: 'n1', commit: 4 }, [], false);
      await wal.save({ term: 1, vote: 'n1', commit: 5 }, [], false);
    });
    flipByte(onlySegment(base.dir), base.durableEnd + 2);
    await expectRecovered(base.dir, 'unsynced hard state damaged');
  });
});

describe('corruption', () => {
  it('throws, naming file and offset, when a damaged record is followed by durable ones', async () => {
    const dir = tempDir();
    const wal = await Wal.create(dir, META);
    await wal.save(undefined, entries(1, 2), true);
    const second = sizeOf(onlySegment(dir));
    await wal.save(undefined, entries(3, 4), true);
    await wal.save(undefined, entries(5, 6), true);
    await wal.close();
    const seg = onlySegment(dir);
    const before = readFileSync(seg);
    flipByte(seg, second + 15);

    const err = await Wal.open(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WalCorruptError);
    expect(err).toMatchObject({ file: seg, offset: second });
    // Nothing was cut away.
    expect(sizeOf(seg)).toBe(before.length);
  });

  it('throws when a record in the segment header is damaged', async () => {
    const dir = tempDir();
    await (await Wal.create(dir, META)).close();
    const seg = onlySegment(dir);
    flipByte(seg, 2);
    await expect(Wal.open(dir)).rejects.toBeInstanceOf(WalCorruptError);
    flipByte(seg, 2);
    flipByte(seg, sizeOf(seg) - 1);
    await expect(Wal.open(dir)).rejects.toBeInstanceOf(WalCorruptError);
  });

  it('throws on a gap in the entry indexes', async () => {
    const dir = tempDir();
    const wal = await Wal.create(dir, META);
    await wal.save(undefined, entries(1, 2), true);
    await wal.save(undefined, [entry(4)], true);
    await wal.close();
    await expect(Wal.open(dir)).rejects.toThrow(/entries are missing/);
  });
});
