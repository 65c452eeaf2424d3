import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StatusFileError, liveSupervisorPid, readPidFile, readStatusFile, removePidFile, writePidFile, writeStatusFile } from './status-file.js';
import type { SupervisorStatus } from './status-file.js';

const status: SupervisorStatus = {
  pid: 7,
  startedAt: '2026-01-01T00:00:00.000Z',
  state: 'running',
  components: [{ name: 'store', pid: 8, state: 'running', restarts: 1, startedAt: '2026-01-01T00:00:01.000Z', lastExit: { code: 1, signal: null, at: '2026-01-01T00:00:00.500Z' }, log: '/d/logs/store.log' }],
};

describe('status and pid files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'host-supervisor-status-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes supervisor.json by rename, leaving no temporary file, and reads it back', () => {
    writeStatusFile(dir, status);
    writeStatusFile(dir, { ...status, state: 'stopped' });
    expect(readdirSync(dir)).toEqual(['supervisor.json']);
    expect(JSON.parse(readFileSync(path.join(dir, 'supervisor.json'), 'utf8'))).toEqual({ ...status, state: 'stopped' });
    expect(readStatusFile(dir)).toEqual({ ...status, state: 'stopped' });
  });

  it('rejects a file that is not a status', () => {
    expect(() => readStatusFile(dir)).toThrow(StatusFileError);
    writeFileSync(path.join(dir, 'supervisor.json'), '{"pid":1,"startedAt":"x","components":[{"name":"a"}]}');
    expect(() => readStatusFile(dir)).toThrow('a component entry is malformed');
  });

  it('writes, reads and removes supervisor.pid', () => {
    expect(readPidFile(dir)).toBeUndefined();
    writePidFile(dir, 1234);
    expect(readFileSync(path.join(dir, 'supervisor.pid'), 'utf8')).toBe('1234\n');
    expect(readPidFile(dir)).toBe(1234);
    removePidFile(dir);
    removePidFile(dir);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('sees another supervisor only in a live process that is one', () => {
    writePidFile(dir, process.pid);
    expect(liveSupervisorPid(dir)).toBeUndefined();
    // This test process is alive but is no host-supervisor.
    expect(liveSupervisorPid(dir, 1)).toBeUndefined();
    writePidFile(dir, 2 ** 22 + 1);
    expect(liveSupervisorPid(dir)).toBeUndefined();
  });
});
