import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createSupervisorLog, formatLogLine } from './supervisor-log.js';

describe('supervisor log', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('formats lines like logLine', () => {
    expect(formatLogLine('warn', 'component store exited', { component: 'store' }, new Date(0))).toBe('{"level":"warn","ts":"1970-01-01T00:00:00.000Z","msg":"component store exited","component":"store"}\n');
  });

  it('appends each line to the file and writes it to the stream', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'host-supervisor-log-'));
    const file = path.join(dir, 'supervisor.log');
    const out = new PassThrough();
    let written = '';
    out.on('data', (b: Buffer) => (written += b.toString()));
    const log = createSupervisorLog(file, out);
    log('info', 'one', {});
    log('error', 'two', { pid: 3 });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.level, l.msg, l.pid])).toEqual([['info', 'one', undefined], ['error', 'two', 3]]);
    expect(written).toBe(readFileSync(file, 'utf8'));
  });
});
