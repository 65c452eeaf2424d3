import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe as suite, expect, it } from 'vitest';
import { Backend } from './backend.js';
import { MvccStore } from './mvcc-store.js';
import { b, del, put } from './test-support.js';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mvcc-backend-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function everything(s: MvccStore, revision?: number) {
  return s.range(Buffer.from([0]), Buffer.from([0]), revision === undefined ? {} : { revision });
}

suite('Backend', () => {
  it('loads an empty store from a fresh directory', async () => {
    const backend = await Backend.open(await freshDir());
    const { store, meta } = await backend.load();
    expect(store.currentRevision).toBe(1);
    expect(meta.size).toBe(0);
    await backend.close();
  });

  it('commits pending changes and metadata, and loads them back identically', async () => {
    const dir = await freshDir();
    const s = new MvccStore();
    let backend = await Backend.open(dir);
    put(s, ['a', '1'], ['b', '2']); // 2
    await backend.commit(s.takePendingChanges(), new Map([['consistentIndex', Buffer.from([1])]]));
    put(s, ['a', '3']); // 3
    del(s, 'b'); // 4
    const txn = s.write();
    txn.put(Buffer.from([0, 255]), Buffer.alloc(10_000, 9), -2n);
    txn.end(); // 5
    await backend.commit(
      s.takePendingChanges(),
      new Map([
        ['consistentIndex', Buffer.from([2])],
        ['leases', b('lease table')],
      ]),
    );
    await backend.close();

    backend = await Backend.open(dir);
    const { store, meta } = await backend.load();
    expect(store.currentRevision).toBe(5);
    expect([...store.revisions()]).toEqual([...s.revisions()]);
    expect(store.hashKV(0)).toEqual(s.hashKV(0));
    for (const rev of [2, 3, 4, 5]) expect(everything(store, rev)).toEqual(everything(s, rev));
    expect(meta).toEqual(
      new Map([
        ['consistentIndex', Buffer.from([2])],
        ['leases', b('lease table')],
      ]),
    );
    expect(store.takePendingChanges().added).toEqual([]);
    await backend.close();
  });

  it('persists compaction (removed revisions and compactRevision) and metadata deletes', async () => {
    const dir = await freshDir();
    const s = new MvccStore();
    let backend = await Backend.open(dir);
    put(s, ['a', '1']); // 2
    put(s, ['a', '2'], ['b', '1']); // 3
    await backend.commit(s.takePendingChanges(), new Map([['x', b('1')]]));
    del(s, 'b'); // 4
    put(s, ['c', '1']); // 5
    s.compact(4);
    await backend.commit(s.takePendingChanges(), new Map(), ['x']);
    await backend.close();

    backend = await Backend.open(dir);
    const { store, meta } = await backend.load();
    expect(store.compactRevision).toBe(4);
    expect(store.currentRevision).toBe(5);
    expect([...store.revisions()].map((r) => `${r.kv.key.toString()}@${r.main}`)).toEqual(['a@3', 'c@5']);
    expect(meta.size).toBe(0);
    expect(store.hashKV(0)).toEqual(s.hashKV(0));
    await backend.close();
  });

  it('keeps the revision counter when compaction removed every record', async () => {
    const dir = await freshDir();
    const s = new MvccStore();
    let backend = await Backend.open(dir);
    put(s, ['a', '1']);
    del(s, 'a');
    s.compact(3);
    await backend.commit(s.takePendingChanges(), new Map());
    await backend.close();
    backend = await Backend.open(dir);
    const { store } = await backend.load();
    expect([...store.revisions()]).toEqual([]);
    expect(store.currentRevision).toBe(3);
    expect(store.compactRevision).toBe(3);
    await backend.close();
  });

  it('applies concurrent commits in call order', async () => {
    const dir = await freshDir();
    const s = new MvccStore();
    let backend = await Backend.open(dir);
    const commits: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      put(s, ['k', `${i}`]);
      if (i === 10) s.compact(8);
      commits.push(backend.commit(s.takePendingChanges(), new Map([['ci', Buffer.from([i])]])));
    }
    await Promise.all(commits);
    await backend.close();
    backend = await Backend.open(dir);
    const { store, meta } = await backend.load();
    expect(meta.get('ci')).toEqual(Buffer.from([19]));
    expect([...store.revisions()]).toEqual([...s.revisions()]);
    await backend.close();
  });

  it('replaceAll swaps the whole state for a snapshot-restored store', async () => {
    const dir = await freshDir();
    let backend = await Backend.open(dir);
    const old = new MvccStore();
    put(old, ['stale', '1'], ['shared', 'old']);
    put(old, ['stale', '2']);
    await backend.commit(old.takePendingChanges(), new Map([['oldMeta', b('x')], ['ci', Buffer.from([1])]]));

    const leader = new MvccStore();
    for (let i = 0; i < 10; i++) put(leader, ['shared', `${i}`], [`k${i}`, 'v']);
    leader.compact(6);
    del(leader, 'k9');
    const restored = MvccStore.restore(leader.serialize());
    await backend.replaceAll(restored, new Map([['ci', Buffer.from([9])]]));
    // Changes made after the install are committed incrementally on top.
    put(restored, ['after', 'install']);
    await backend.commit(restored.takePendingChanges(), new Map([['ci', Buffer.from([10])]]));
    await backend.close();

    backend = await Backend.open(dir);
    const { store, meta } = await backend.load();
    expect(meta).toEqual(new Map([['ci', Buffer.from([10])]]));
    expect([...store.revisions()]).toEqual([...restored.revisions()]);
    expect(store.compactRevision).toBe(6);
    expect(store.range(b('stale'), undefined).kvs).toEqual([]);
    expect(everything(store)).toEqual(everything(restored));
    await backend.close();
  });
});
