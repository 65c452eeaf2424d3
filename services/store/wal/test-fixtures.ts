// Shared helpers for the WAL tests: fresh temp dirs and deterministic entries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '../raft/types.js';
import { EntryType } from '../raft/types.js';

const made: string[] = [];

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wal-test-'));
  made.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Entry whose data is derived from index and term, including bytes that are not valid UTF-8. */
export function entry(index: number, term = 1, size = 8): Entry {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (index * 31 + term * 7 + i * 13) & 0xff;
  return { index, term, type: EntryType.Normal, data };
}

export function entries(from: number, to: number, term = 1, size = 8): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term, size));
  return out;
}
