// Snapshot files, modelled on etcd's snap package: one checksummed file per snapshot named
// %016x-%016x.snap (term, index), written atomically (temp file, fsync, rename, dir fsync).
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from '../raft/types.js';
import { WalDecodeError } from './errors.js';
import { fsyncDir, writeFully } from './fs-sync.js';
import { decodeSnapshotFile, encodeSnapshotHeader, parseSnapshotFileName, snapshotFileName } from './snapshot-file.js';

const TMP_SUFFIX = '.tmp';
const BROKEN_SUFFIX = '.broken';

export class Snapshotter {
  /** Temp files of saves in flight, which purge() must not remove. */
  private readonly writing = new Set<string>();

  constructor(readonly dir: string) {}

  /** Writes snap durably. An empty snapshot (index 0) is not stored, as in etcd. */
  async save(snap: Snapshot): Promise<void> {
    if (snap.metadata.index === 0) return;
    const header = encodeSnapshotHeader(snap);
    await mkdir(this.dir, { recursive: true });
    const name = snapshotFileName(snap.metadata.term, snap.metadata.index);
    const tmp = name + TMP_SUFFIX;
    this.writing.add(tmp);
    try {
      const fh = await open(join(this.dir, tmp), 'w');
      try {
        await writeFully(fh, header, 0);
        await writeFully(fh, snap.data, header.length);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(join(this.dir, tmp), join(this.dir, name));
      await fsyncDir(this.dir);
    } catch (err) {
      await rm(join(this.dir, tmp), { force: true });
      throw err;
    } finally {
      this.writing.delete(tmp);
    }
  }

  /**
   * The newest snapshot that verifies, optionally only among those `accept` allows (e.g. the
   * marks the WAL recorded). A newest file that fails its checksum is renamed *.broken so it is
   * kept for inspection but never tried again, and the next older one is tried.
   */
  async loadNewest(accept?: (mark: { index: number; term: number }) => boolean): Promise<Snapshot | undefined> {
    for (const name of await this.snapshotNames()) {
      const id = parseSnapshotFileName(name);
      if (!id || (accept && !accept(id))) continue;
      const path = join(this.dir, name);
      try {
        const snap = decodeSnapshotFile(await readFile(path));
        if (snap.metadata.index !== id.index || snap.metadata.term !== id.term) {
          throw new WalDecodeError(`snapshot metadata ${snap.metadata.term}/${snap.metadata.index} does not match ${name}`);
        }
        return snap;
      } catch (err) {
        if (!(err instanceof WalDecodeError || err instanceof RangeError)) throw err;
        await rename(path, path + BROKEN_SUFFIX);
      }
    }
    return undefined;
  }

  /** Removes all but the newest `keep` snapshot files, and temp files left by crashed saves. */
  async purge(keep: number): Promise<void> {
    if (!Number.isSafeInteger(keep) || keep < 0) throw new RangeError(`keep must be a non-negative integer, got ${keep}`);
    const names = await this.snapshotNames();
    const doomed = names.slice(keep);
    for (const name of await this.listDir()) {
      if (name.endsWith(`.snap${TMP_SUFFIX}`) && !this.writing.has(name)) doomed.push(name);
    }
    for (const name of doomed) await rm(join(this.dir, name), { force: true });
    if (doomed.length > 0) await fsyncDir(this.dir);
  }

  /** Snapshot file names, newest (highest term, then index) first. */
  private async snapshotNames(): Promise<string[]> {
    return (await this.listDir())
      .filter((n) => parseSnapshotFileName(n) !== undefined)
      .sort()
      .reverse();
  }

  private async listDir(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }
}
