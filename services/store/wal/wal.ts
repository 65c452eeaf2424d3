// The write-ahead log: an append-only sequence of segment files modelled on etcd's wal package.
//
// Durability contract: save(..., mustSync=true) resolves only after the records are written
// with one write() and made durable with one fdatasync() — the caller's group commit. A
// segment becomes the tail only after it is fully fsynced under a temporary name and renamed,
// and the previous tail is fsynced before that, so only the last segment can ever hold a
// torn write. Locking is in-process only (a registry of open directories): it stops two
// Wal instances in one process from interleaving appends; cross-process exclusion is left to
// the deployment (one server per data dir).
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ConfState, Entry, HardState } from '../raft/types.js';
import { bytesCodec, entryCodec, hardStateCodec, segmentHeaderCodec, snapshotMarkCodec } from './encoding.js';
import type { SegmentHeader, SnapshotMark } from './encoding.js';
import {
  WalBusyError,
  WalClosedError,
  WalExistsError,
  WalFailedError,
  WalLockedError,
} from './errors.js';
import { fsyncDir, writeFully } from './fs-sync.js';
import { FrameBatch, RecordType } from './record.js';
import { replay, segmentContaining } from './replay.js';
import type { ReplayFrom } from './replay.js';
import { listSegmentsSync, segmentName } from './segment-name.js';
import type { SegmentFile } from './segment-name.js';

export type { SnapshotMark } from './encoding.js';

export interface WalOptions {
  /** Cut a new segment once the current one reaches this size. Default 64 MiB, as etcd. */
  segmentBytes?: number;
}

export interface WalOpenResult {
  wal: Wal;
  metadata: Uint8Array;
  hardState: HardState;
  /** Entries with index > from.index, after later entries replaced overwritten suffixes. */
  entries: Entry[];
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
/** Frames record synced offsets as u32; leave room for one oversized batch past the limit. */
const MAX_SEGMENT_BYTES = 2 ** 31;
const TMP_SUFFIX = '.tmp';
const EMPTY_CONF_STATE: ConfState = { voters: [], learners: [] };

const openDirs = new Set<string>();

function lock(dir: string): string {
  const key = resolve(dir);
  if (openDirs.has(key)) throw new WalLockedError(dir);
  openDirs.add(key);
  return key;
}

function segmentBytesOf(opts: WalOptions | undefined): number {
  const n = opts?.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  if (!Number.isSafeInteger(n) || n <= 0 || n > MAX_SEGMENT_BYTES) {
    throw new RangeError(`segmentBytes must be an integer in (0, ${MAX_SEGMENT_BYTES}], got ${n}`);
  }
  return n;
}

/** Creates a segment under a temporary name, fsyncs it, then renames it into place. */
async function writeSegment(
  dir: string,
  seg: SegmentFile,
  prevCrc: number,
  metadata: Uint8Array,
  hardState: HardState | undefined,
  mark: SnapshotMark | undefined,
): Promise<{ fh: FileHandle; size: number; runningCrc: number }> {
  const header: SegmentHeader = { prevCrc, seq: seg.seq, headerBytes: 0 };
  const batch = new FrameBatch().add(RecordType.Crc, segmentHeaderCodec, header).add(RecordType.Metadata, bytesCodec, metadata);
  if (hardState) batch.add(RecordType.HardState, hardStateCodec, hardState);
  if (mark) batch.add(RecordType.SnapshotMark, snapshotMarkCodec, mark);
  // The crc record has a fixed size, so the header's total size is known before encoding.
  header.headerBytes = batch.byteLength;
  const { bytes, runningCrc } = batch.encode(0, prevCrc);

  const path = join(dir, seg.name);
  const tmp = path + TMP_SUFFIX;
  const fh = await open(tmp, 'w');
  try {
    await writeFully(fh, bytes, 0);
    await fh.datasync();
    await rename(tmp, path);
    await fsyncDir(dir);
  } catch (err) {
    await fh.close();
    throw err;
  }
  return { fh, size: bytes.length, runningCrc };
}

/**
 * A second, O_DSYNC handle on a segment: a write through it returns once the data is on stable
 * storage, so a synced save is one write instead of a write and an fdatasync (one thread-pool
 * job, and less kernel work per save). Undefined where the platform has no O_DSYNC.
 */
async function openDsync(path: string): Promise<FileHandle | undefined> {
  const dsync = fsConstants.O_DSYNC as number | undefined;
  if (dsync === undefined) return undefined;
  return open(path, fsConstants.O_WRONLY | dsync);
}

async function removeStaleTemps(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.endsWith(`.wal${TMP_SUFFIX}`)) await rm(join(dir, name), { force: true });
  }
}

interface WalState {
  dir: string;
  lockKey: string;
  segmentBytes: number;
  metadata: Uint8Array;
  hardState: HardState | undefined;
  /** All segments on disk, oldest first; the last one is `tail`. */
  segments: SegmentFile[];
  tail: SegmentFile;
  fh: FileHandle;
  /** The tail opened O_DSYNC, for saves that must sync when everything before them is synced. */
  fhDsync: FileHandle | undefined;
  size: number;
  synced: number;
  runningCrc: number;
  lastIndex: number;
}

export class Wal {
  /** How synced saves reached the disk: one O_DSYNC write, or a write and an fdatasync. */
  readonly syncs = { dsyncWrites: 0, fdatasyncs: 0 };
  private inFlight: string | undefined;
  private closed = false;
  private failure: { operation: string; cause: unknown } | undefined;

  private constructor(private readonly s: WalState) {}

  /** True when dir holds at least one WAL segment. */
  static exists(dir: string): boolean {
    return listSegmentsSync(dir).length > 0;
  }

  /** Initialises an empty log in dir (created if needed); fails if dir already holds a WAL. */
  static async create(dir: string, metadata: Uint8Array, opts?: WalOptions): Promise<Wal> {
    const segmentBytes = segmentBytesOf(opts);
    if (Wal.exists(dir)) throw new WalExistsError(dir);
    const lockKey = lock(dir);
    try {
      await mkdir(dir, { recursive: true });
      await fsyncDir(dirname(resolve(dir)));
      const seg: SegmentFile = { seq: 0, firstIndex: 0, name: segmentName(0, 0) };
      // Like etcd, the log starts with a snapshot mark at 0 so open({index: 0, term: 0}) works.
      const mark: SnapshotMark = { index: 0, term: 0, confState: EMPTY_CONF_STATE };
      const { fh, size, runningCrc } = await writeSegment(dir, seg, 0, metadata, undefined, mark);
      let fhDsync: FileHandle | undefined;
      try {
        fhDsync = await openDsync(join(dir, seg.name));
      } catch (err) {
        await fh.close();
        throw err;
      }
      return new Wal({
        dir,
        lockKey,
        segmentBytes,
        metadata: new Uint8Array(metadata),
        hardState: undefined,
        segments: [seg],
        tail: seg,
        fh,
        fhDsync,
        size,
        synced: size,
        runningCrc,
        lastIndex: 0,
      });
    } catch (err) {
      openDirs.delete(lockKey);
      throw err;
    }
  }

  /**
   * Replays the log and opens it for appending. With `from`, replay starts at the segment holding
   * from.index, the log must contain that snapshot mark, and only entries after it are returned.
   * A torn write at the end of the last segment is cut off; any other damage throws.
   */
  static async open(dir: string, from?: ReplayFrom, opts?: WalOptions): Promise<WalOpenResult> {
    const segmentBytes = segmentBytesOf(opts);
    const lockKey = lock(dir);
    try {
      const r = await replay(dir, from);
      await removeStaleTemps(dir);
      const fh = await open(join(dir, r.tail.file.name), 'r+');
      let fhDsync: FileHandle | undefined;
      try {
        if (r.tail.tornReason !== undefined) await fh.truncate(r.tail.validBytes);
        // What we replayed may still sit only in the page cache of a crashed predecessor; make it
        // (and the truncation, a size change) durable before new frames claim it as synced.
        await fh.sync();
        fhDsync = await openDsync(join(dir, r.tail.file.name));
      } catch (err) {
        await fh.close();
        throw err;
      }
      const wal = new Wal({
        dir,
        lockKey,
        segmentBytes,
        metadata: r.metadata,
        hardState: r.hardState,
        segments: r.segments,
        tail: r.tail.file,
        fh,
        fhDsync,
        size: r.tail.validBytes,
        synced: r.tail.validBytes,
        runningCrc: r.tail.runningCrc,
        lastIndex: r.lastIndex,
      });
      return { wal, metadata: r.metadata, hardState: r.hardState, entries: r.entries };
    } catch (err) {
      openDirs.delete(lockKey);
      throw err;
    }
  }

  /**
   * Snapshot marks a snapshot file may be loaded for (etcd's ValidSnapshotEntries): those the log
   * recorded at or below the last committed index. Read-only; works on a log that is not open.
   */
  static async readSnapshotMarks(dir: string): Promise<SnapshotMark[]> {
    const r = await replay(dir);
    return r.snapshotMarks.filter((m) => m.index <= r.hardState.commit);
  }

  get dir(): string {
    return this.s.dir;
  }

  /** Index of the last entry or snapshot mark written. */
  get lastIndex(): number {
    return this.s.lastIndex;
  }

  /**
   * Appends entries then the hard state (so a surviving hard state never commits entries that
   * were lost) in one write, then fdatasyncs if mustSync. Cuts a new segment when the current
   * one has reached segmentBytes.
   */
  async save(hardState: HardState | undefined, entries: readonly Entry[], mustSync: boolean): Promise<void> {
    this.begin('save');
    try {
      if (!hardState && entries.length === 0) return;
      const batch = new FrameBatch();
      for (const e of entries) batch.add(RecordType.Entry, entryCodec, e);
      if (hardState) batch.add(RecordType.HardState, hardStateCodec, hardState);
      const { bytes, runningCrc } = batch.encode(this.s.synced, this.s.runningCrc);
      await this.io('save', async () => {
        // An O_DSYNC write makes durable only its own bytes, so it serves only when nothing
        // written before it is still unsynced; otherwise the fdatasync covers the whole file.
        const dsync = mustSync && this.s.synced === this.s.size ? this.s.fhDsync : undefined;
        await writeFully(dsync ?? this.s.fh, bytes, this.s.size);
        this.s.size += bytes.length;
        this.s.runningCrc = runningCrc;
        const last = entries[entries.length - 1];
        if (last) this.s.lastIndex = last.index;
        if (hardState) this.s.hardState = { ...hardState };
        if (mustSync) {
          if (dsync) this.syncs.dsyncWrites++;
          else {
            await this.s.fh.datasync();
            this.syncs.fdatasyncs++;
          }
          this.s.synced = this.s.size;
        }
        if (this.s.size >= this.s.segmentBytes) await this.cut();
      });
    } finally {
      this.inFlight = undefined;
    }
  }

  /** Records that a snapshot at mark.index exists, and fsyncs. */
  async saveSnapshot(mark: { index: number; term: number; confState: ConfState }): Promise<void> {
    this.begin('saveSnapshot');
    try {
      const m: SnapshotMark = { index: mark.index, term: mark.term, confState: mark.confState };
      const { bytes, runningCrc } = new FrameBatch()
        .add(RecordType.SnapshotMark, snapshotMarkCodec, m)
        .encode(this.s.synced, this.s.runningCrc);
      await this.io('saveSnapshot', async () => {
        await writeFully(this.s.fh, bytes, this.s.size);
        this.s.size += bytes.length;
        this.s.runningCrc = runningCrc;
        // A snapshot received from the leader can be ahead of every entry we hold.
        if (m.index > this.s.lastIndex) this.s.lastIndex = m.index;
        await this.s.fh.datasync();
        this.s.synced = this.s.size;
      });
    } finally {
      this.inFlight = undefined;
    }
  }

  /**
   * Deletes segments that only hold entries below index: everything before the last segment
   * whose first index is at or below index. The tail segment is never deleted.
   */
  async releaseTo(index: number): Promise<void> {
    this.begin('releaseTo');
    try {
      const keep = Math.min(segmentContaining(this.s.segments, index), this.s.segments.length - 1);
      if (keep <= 0) return;
      const doomed = this.s.segments.slice(0, keep);
      await this.io('releaseTo', async () => {
        // Oldest first, so a crash midway leaves a contiguous run of segments.
        for (const seg of doomed) {
          await unlink(join(this.s.dir, seg.name));
          this.s.segments.shift();
        }
        await fsyncDir(this.s.dir);
      });
    } finally {
      this.inFlight = undefined;
    }
  }

  /** Flushes and closes the tail segment. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.inFlight !== undefined) throw new WalBusyError('close', this.inFlight);
    this.closed = true;
    openDirs.delete(this.s.lockKey);
    try {
      if (!this.failure && this.s.synced < this.s.size) await this.s.fh.datasync();
    } finally {
      await this.s.fhDsync?.close();
      await this.s.fh.close();
    }
  }

  private begin(operation: string): void {
    if (this.closed) throw new WalClosedError(operation);
    if (this.failure) throw new WalFailedError(this.failure.operation, this.failure.cause);
    if (this.inFlight !== undefined) throw new WalBusyError(operation, this.inFlight);
    this.inFlight = operation;
  }

  /** Runs file I/O; after any failure the on-disk state is unknown, so the WAL is poisoned. */
  private async io(operation: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (cause) {
      this.failure = { operation, cause };
      throw new WalFailedError(operation, cause);
    }
  }

  /** Seals the tail segment (fsync) and starts the next one, named after the next entry index. */
  private async cut(): Promise<void> {
    await this.s.fh.datasync();
    this.s.synced = this.s.size;
    const seq = this.s.tail.seq + 1;
    const firstIndex = this.s.lastIndex + 1;
    const seg: SegmentFile = { seq, firstIndex, name: segmentName(seq, firstIndex) };
    const next = await writeSegment(this.s.dir, seg, this.s.runningCrc, this.s.metadata, this.s.hardState, undefined);
    const old = this.s.fh;
    const oldDsync = this.s.fhDsync;
    this.s.fh = next.fh;
    this.s.fhDsync = undefined;
    this.s.segments.push(seg);
    this.s.tail = seg;
    this.s.size = next.size;
    this.s.synced = next.size;
    this.s.runningCrc = next.runningCrc;
    await oldDsync?.close();
    await old.close();
    this.s.fhDsync = await openDsync(join(this.s.dir, seg.name));
  }
}
