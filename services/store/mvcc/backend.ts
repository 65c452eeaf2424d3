import { ClassicLevel } from 'classic-level';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { CorruptDataError } from './errors.js';
import { MvccStore } from './mvcc-store.js';
import type { MvccStoreOptions } from './mvcc-store.js';
import { decodeRecord, decodeRevision, encodeRecord, encodeRevision } from './record-codec.js';
import type { PendingChanges, StoredRevision } from './types.js';

// LevelDB layout (one keyspace, split by the first byte):
//   0x00                      -> store header: format byte | varint currentRevision | varint compactRevision
//   0x01 main(8 BE) sub(8 BE) -> one key revision (record-codec); bytewise order = revision order
//   0x02 utf8 name            -> server metadata (consistent index, leases, membership, ...)
// currentRevision is stored explicitly because compaction can delete every record of the
// newest revisions (e.g. tombstones), so it cannot always be recovered from the records.

const HEADER_KEY = Buffer.from([0x00]);
const RECORD_PREFIX = 0x01;
const META_PREFIX = 0x02;
const FORMAT = 1;

type Db = ClassicLevel<Buffer, Buffer>;

/**
 * Write-behind persistence of an MvccStore. Writes are not fsynced (the Raft WAL is the durable
 * log) but every commit is one atomic LevelDB batch, and commits are applied in call order.
 */
export class Backend {
  private readonly db: Db;
  /** Tail of the queued writes: LevelDB does not order concurrent batches by call order. */
  private tail: Promise<void> = Promise.resolve();

  private constructor(db: Db) {
    this.db = db;
  }

  static async open(dir: string): Promise<Backend> {
    const db: Db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    return new Backend(db);
  }

  /** Rebuilds the in-memory store (no pending changes) and the metadata from disk. */
  async load(options: MvccStoreOptions = {}): Promise<{ store: MvccStore; meta: Map<string, Buffer> }> {
    await this.tail;
    const header = await this.db.get(HEADER_KEY);
    let currentRevision = 1;
    let compactRevision = 0;
    if (header !== undefined) ({ currentRevision, compactRevision } = decodeHeader(header));

    const revisions: StoredRevision[] = [];
    for await (const [key, value] of this.db.iterator({ gte: Buffer.from([RECORD_PREFIX]), lt: Buffer.from([RECORD_PREFIX + 1]) })) {
      revisions.push(decodeRecord(decodeRevision(key, 1), value));
    }
    const meta = new Map<string, Buffer>();
    for await (const [key, value] of this.db.iterator({ gte: Buffer.from([META_PREFIX]), lt: Buffer.from([META_PREFIX + 1]) })) {
      meta.set(key.subarray(1).toString('utf8'), value);
    }
    if (header === undefined && revisions.length > 0) throw new CorruptDataError('revisions without a store header');
    return { store: MvccStore.fromImage({ currentRevision, compactRevision, revisions }, options), meta };
  }

  /**
   * One atomic batch: the store's pending changes plus the given metadata entries (upserted)
   * and deletions of the named metadata entries.
   */
  async commit(changes: PendingChanges, meta: Map<string, Buffer>, deleteMeta: Iterable<string> = []): Promise<void> {
    await this.enqueue(async () => {
      const batch = this.db.batch();
      // Puts before deletes: a revision added and compacted within one window must end up gone.
      for (const rec of changes.added) batch.put(recordKey(rec), encodeRecord(rec));
      for (const rev of changes.removed) batch.del(recordKey(rev));
      batch.put(HEADER_KEY, encodeHeader(changes.currentRevision, changes.compactRevision));
      for (const name of deleteMeta) batch.del(metaKey(name));
      for (const [name, value] of meta) batch.put(metaKey(name), value);
      await batch.write();
    });
  }

  /**
   * Replaces everything on disk with the store's full state and exactly the given metadata,
   * in one atomic batch (after a Raft snapshot install). Consumes the store's pending changes,
   * since they are part of the state written.
   */
  async replaceAll(store: MvccStore, meta: Map<string, Buffer>): Promise<void> {
    await this.enqueue(async () => {
      const existing: Buffer[] = [];
      for await (const key of this.db.keys()) existing.push(key);
      store.takePendingChanges();
      const batch = this.db.batch();
      // Within a LevelDB batch later operations win, so rewritten keys survive these deletes.
      for (const key of existing) batch.del(key);
      for (const rec of store.revisions()) batch.put(recordKey(rec), encodeRecord(rec));
      batch.put(HEADER_KEY, encodeHeader(store.currentRevision, store.compactRevision));
      for (const [name, value] of meta) batch.put(metaKey(name), value);
      await batch.write();
    });
  }

  async close(): Promise<void> {
    await this.tail;
    await this.db.close();
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.tail.then(work);
    // Keep the queue going after a failure; the caller still sees the rejection via run.
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function recordKey(rev: { main: number; sub: number }): Buffer {
  return encodeRevision(rev, RECORD_PREFIX);
}

function metaKey(name: string): Buffer {
  return Buffer.concat([Buffer.from([META_PREFIX]), Buffer.from(name, 'utf8')]);
}

function encodeHeader(currentRevision: number, compactRevision: number): Buffer {
  return new ByteWriter(20).byte(FORMAT).varint(currentRevision).varint(compactRevision).finish();
}

function decodeHeader(data: Buffer): { currentRevision: number; compactRevision: number } {
  const r = new ByteReader(data);
  const format = r.byte();
  if (format !== FORMAT) throw new CorruptDataError(`unknown backend format ${format}`);
  return { currentRevision: r.varint(), compactRevision: r.varint() };
}
