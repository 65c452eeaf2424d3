import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  WalBusyError,
  WalClosedError,
  WalExistsError,
  WalInvalidValueError,
  WalLockedError,
  WalNotFoundError,
  WalSnapshotMismatchError,
  WalSnapshotNotFoundError,
} from './errors.js';
import { entries, entry, removeTempDirs, tempDir } from './test-fixtures.js';
import { Wal } from './wal.js';

const META = new Uint8Array([0, 1, 0xfe, 0xff, 42]);
const confState = { voters: ['a', 'b'], learners: [] };

afterEach(removeTempDirs);

describe('Wal basics', () => {
  it('round-trips metadata, entries and the last hard state', async () => {
    const dir = tempDir();
    expect(Wal.exists(dir)).toBe(false);
    const wal = await Wal.create(dir, META);
    expect(Wal.exists(dir)).toBe(true);
    await wal.save({ term: 1, vote: 'a', commit: 0 }, entries(1, 3), true);
    await wal.save({ term: 2, vote: 'bé', commit: 3 }, [entry(4, 2, 0), entry(5, 2, 1000)], true);
    await wal.save({ term: 2, vote: 'bé', commit: 5 }, [], false);
    expect(wal.lastIndex).toBe(5);
    await wal.close();

    const r = await Wal.open(dir);
    expect(r.metadata).toEqual(META);
    expect(r.hardState).toEqual({ term: 2, vote: 'bé', commit: 5 });
    expect(r.entries).toEqual([...entries(1, 3), entry(4, 2, 0), entry(5, 2, 1000)]);
    await r.wal.close();
  });

  it('syncs a save with one O_DSYNC write when all before it is synced, else with an fdatasync of the file', async () => {
    const dir = tempDir();
    const wal = await Wal.create(dir, META, { segmentBytes: 4096 });
    await wal.save({ term: 1, vote: 'a', commit: 0 }, entries(1, 2), true);
    await wal.save(undefined, entries(3, 3), true);
    expect(wal.syncs).toEqual({ dsyncWrites: 2, fdatasyncs: 0 });
    // An unsynced save leaves bytes an O_DSYNC write would not cover: the next sync is the file's.
    await wal.save({ term: 1, vote: 'a', commit: 3 }, [], false);
    await wal.save(undefined, entries(4, 4), true);
    expect(wal.syncs).toEqual({ dsyncWrites: 2, fdatasyncs: 1 });
    await wal.save(undefined, entries(5, 5), true);
    expect(wal.syncs).toEqual({ dsyncWrites: 3, fdatasyncs: 1 });
    // Past the segment size the log moves to a new segment, and so does the O_DSYNC handle.
    for (let i = 6; i <= 40; i++) await wal.save(undefined, [entry(i, 1, 200)], true);
    expect(readdirSync(dir).length).toBeGreaterThan(1);
    expect(wal.syncs.dsyncWrites).toBe(38);
    await wal.close();
    const r = await Wal.open(dir);
    expect(r.entries.map((e) => e.index)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await r.wal.close();
  });

  it('starts with a zero snapshot mark and an empty hard state', async () => {
    const dir = tempDir();
    await (await Wal.create(dir, META)).close();
    const r = await Wal.open(dir, { index: 0, term: 0 });
    expect(r.entries).toEqual([]);
    expect(r.hardState).toEqual({ term: 0, vote: '', commit: 0 });
    expect(readdirSync(dir)).toEqual(['0000000000000000-0000000000000000.wal']);
    await r.wal.close();
  });

  it('keeps appending after reopen', async () => {
    const dir = tempDir();
    const wal = await Wal.create(dir, META);
    await wal.save(undefined, entries(1, 2), true);
    await wal.close();
    const a = await Wal.open(dir);
    await a.wal.save({ term: 1, vote: '', commit: 3 }, entries(3, 4), true);
    await a.wal.close();
    const b = await Wal.open(dir);
    expect(b.entries).toEqual(entries(1, 4));
    expect(b.hardState.commit).toBe(3);
    await b.wal.close();
  });

  it('replaces an overwritten suffix on replay, as after a new leader rewrote an uncommitted tail', async () => {
    const dir = tempDir();
    const wal = await Wal.create(dir, META);
    await wal.save({ term: 1, vote: 'a', commit: 2 }, entries(1, 5, 1), true);
    await wal.save({ term: 2, vote: 'b', commit: 2 }, entries(3, 4, 2), true);
    await wal.save(undefined, entries(5, 6, 2), true);
    await wal.save({ term: 3, vote: 'c', commit: 2 }, [entry(4, 3)], true);
    await wal.close();
    const r = await Wal.open(dir);
    expect(r.entries).toEqual([...entries(1, 2, 1), entry(3, 2), entry(4, 3)]);
    expect(r.hardState.vote).toBe('c');
    await r.wal.close();
  });

  it('opens from a snapshot mark and returns only later entries', async () => {
    const dir = tempDir();
    const wal = await Wal.create(dir, META);
    await wal.save({ term: 1, vote: 'a', commit: 10 }, entries(1, 10), true);
    await wal.saveSnapshot({ index: 5, term: 1, confState });
    await wal.save(undefined, entries(11, 15), true);
    await wal.close();

    const r = await Wal.open(dir, { index: 5, term: 1 });
    expect(r.entries).toEqual(entries(6, 15));
    await r.wal.close();

    await expect(Wal.open(dir, { index: 5, term: 2 })).rejects.toBeInstanceOf(WalSnapshotMismatchError);
    await expect(Wal.open(dir, { index: 7, term: 1 })).rejects.toBeInstanceOf(WalSnapshotNotFoundError);
    // Failed opens release the directory again.
    const again = await Wal.open(dir, { index: 0, term: 0 });
    expect(again.entries).toEqual(entries(1, 15));
    await again.wal.close();
  });

  it('continues after a snapshot that is ahead of every entry held', async () => {
    const dir = tempDir();
    const wal = await Wal.create(dir, META);
    await wal.save(undefined, entries(1, 3), true);
    await wal.saveSnapshot({ index: 100, term: 4, confState });
    expect(wal.lastIndex).toBe(100);
    await wal.save({ term: 4, vote: '', commit: 101 }, [entry(101, 4)], true);
    await wal.close();
    const fromMark = await Wal.open(dir, { index: 100, term: 4 });
    expect(fromMark.entries).toEqual([entry(101, 4)]);
    await fromMark.wal.close();
    const all = await Wal.open(dir);
    expect(all.entries).toEqual([entry(101, 4)]);
    await all.wal.close();
  });

  it('reports the snapshot marks at or below the committed index', async () => {
    const dir = tempDir();
    const wal = await Wal.create(dir, META);
    await wal.save({ term: 1, vote: '', commit: 4 }, entries(1, 8), true);
    await wal.saveSnapshot({ index: 3, term: 1, confState });
    await wal.saveSnapshot({ index: 6, term: 1, confState });
    await wal.close();
    const marks = await Wal.readSnapshotMarks(dir);
    expect(marks.map((m) => m.index)).toEqual([0, 3]);
    expect(marks[1]?.confState).toEqual(confState);
  });

  it('refuses to create over an existing log or open a missing one', async () => {
    const dir = tempDir();
    await expect(Wal.open(dir)).rejects.toBeInstanceOf(WalNotFoundError);
    await expect(Wal.open(join(dir, 'nope'))).rejects.toBeInstanceOf(WalNotFoundError);
    const nested = join(dir, 'a', 'b');
    const wal = await Wal.create(nested, META);
    await wal.close();
    await expect(Wal.create(nested, META)).rejects.toBeInstanceOf(WalExistsError);
  });

  it('allows one open instance per directory in a process', async () => {
    const dir = tempDir();
    const wal = await Wal.create(dir, META);
    await expect(Wal.open(dir)).rejects.toBeInstanceOf(WalLockedError);
    await wal.close();
    const r = await Wal.open(dir);
    await expect(Wal.open(dir)).rejects.toBeInstanceOf(WalLockedError);
    await r.wal.close();
  });

  it('rejects overlapping calls and use after close', async () => {
    const dir = tempDir();
    const wal = await Wal.create(dir, META);
    const first = wal.save(undefined, entries(1, 1), true);
    await expect(wal.save(undefined, entries(2, 2), true)).rejects.toBeInstanceOf(WalBusyError);
    await expect(wal.saveSnapshot({ index: 1, term: 1, confState })).rejects.toBeInstanceOf(WalBusyError);
    await expect(wal.close()).rejects.toBeInstanceOf(WalBusyError);
    await first;
    await wal.save(undefined, entries(2, 2), true);
    await wal.close();
    await wal.close();
    await expect(wal.save(undefined, entries(3, 3), true)).rejects.toBeInstanceOf(WalClosedError);
    const r = await Wal.open(dir);
    expect(r.entries).toEqual(entries(1, 2));
    await r.wal.close();
  });

  it('rejects unencodable entries without writing anything or poisoning the log', async () => {
    const dir = tempDir();
    const wal = await Wal.create(dir, META);
    await expect(wal.save(undefined, [entry(1), { ...entry(2), index: -2 }], true)).rejects.toBeInstanceOf(
      WalInvalidValueError,
    );
    await wal.save(undefined, entries(1, 2), true);
    await wal.close();
    const r = await Wal.open(dir);
    expect(r.entries).toEqual(entries(1, 2));
    await r.wal.close();
  });

  it('removes temp segments left by a crash during a cut', async () => {
    const dir = tempDir();
    await (await Wal.create(dir, META)).close();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '0000000000000001-0000000000000001.wal.tmp'), 'half a segment');
    const r = await Wal.open(dir);
    expect(readdirSync(dir)).toEqual(['0000000000000000-0000000000000000.wal']);
    await r.wal.close();
  });
});
