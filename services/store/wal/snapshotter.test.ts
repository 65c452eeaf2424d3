import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../raft/types.js';
import { Snapshotter } from './snapshotter.js';
import { removeTempDirs, tempDir } from './test-fixtures.js';

afterEach(removeTempDirs);

function snap(index: number, term: number, size = 64): Snapshot {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + index) & 0xff;
  return { metadata: { index, term, confState: { voters: ['a', 'b'], learners: ['c'] } }, data };
}

function snapFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.snap'))
    .sort();
}

describe('Snapshotter', () => {
  it('saves atomically under a term-index name and loads it back', async () => {
    const dir = join(tempDir(), 'snap');
    const s = new Snapshotter(dir);
    expect(await s.loadNewest()).toBeUndefined();
    await s.save(snap(10, 2));
    expect(readdirSync(dir)).toEqual(['0000000000000002-000000000000000a.snap']);
    expect(await s.loadNewest()).toEqual(snap(10, 2));
  });

  it('does not store an empty snapshot', async () => {
    const dir = tempDir();
    await new Snapshotter(dir).save(snap(0, 0));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('loads the newest snapshot, optionally only among accepted ones', async () => {
    const dir = tempDir();
    const s = new Snapshotter(dir);
    await s.save(snap(10, 1));
    await s.save(snap(30, 2, 0));
    await s.save(snap(20, 2));
    expect((await s.loadNewest())?.metadata.index).toBe(30);
    expect((await s.loadNewest((m) => m.index <= 25))?.metadata.index).toBe(20);
    expect(await s.loadNewest(() => false)).toBeUndefined();
  });

  it('sets a corrupt newest snapshot aside as .broken and falls back to the next', async () => {
    const dir = tempDir();
    const s = new Snapshotter(dir);
    await s.save(snap(10, 1));
    await s.save(snap(20, 1));
    const newest = join(dir, '0000000000000001-0000000000000014.snap');
    const buf = readFileSync(newest);
    buf[buf.length - 1] = (buf[buf.length - 1] ?? 0) ^ 1;
    writeFileSync(newest, buf);

    expect(await s.loadNewest()).toEqual(snap(10, 1));
    expect(existsSync(newest)).toBe(false);
    expect(existsSync(`${newest}.broken`)).toBe(true);

    writeFileSync(join(dir, '0000000000000001-000000000000000a.snap'), Buffer.from([1, 2]));
    expect(await s.loadNewest()).toBeUndefined();
  });

  it('treats a file whose content disagrees with its name as broken', async () => {
    const dir = tempDir();
    const s = new Snapshotter(dir);
    await s.save(snap(10, 1));
    const name = join(dir, '0000000000000001-000000000000000a.snap');
    writeFileSync(join(dir, '0000000000000001-000000000000000b.snap'), readFileSync(name));
    expect((await s.loadNewest())?.metadata.index).toBe(10);
    expect(existsSync(join(dir, '0000000000000001-000000000000000b.snap.broken'))).toBe(true);
  });

  it('purges all but the newest snapshots and stale temp files', async () => {
    const dir = tempDir();
    const s = new Snapshotter(dir);
    for (const i of [1, 2, 3, 4]) await s.save(snap(i * 10, 1));
    writeFileSync(join(dir, '0000000000000001-0000000000000032.snap.tmp'), 'partial');
    await s.purge(2);
    expect(readdirSync(dir).sort()).toEqual(['0000000000000001-000000000000001e.snap', '0000000000000001-0000000000000028.snap']);
    await s.purge(0);
    expect(snapFiles(dir)).toEqual([]);
  });
});
