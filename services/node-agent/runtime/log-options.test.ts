import { describe, expect, it } from 'vitest';
import { dockerLogsQuery } from './log-options.js';

const NOW = 1_700_000_000_000;

describe('dockerLogsQuery', () => {
  it('defaults to the whole log, both streams, no timestamps', () => {
    expect(dockerLogsQuery({}, NOW)).toEqual({ stdout: true, stderr: true, follow: false, timestamps: false, tail: 'all', since: 0 });
  });

  it('maps tailLines, follow and timestamps', () => {
    expect(dockerLogsQuery({ tailLines: 0, follow: true, timestamps: true }, NOW)).toMatchObject({ tail: 0, follow: true, timestamps: true });
    expect(dockerLogsQuery({ tailLines: 10 }, NOW).tail).toBe(10);
  });

  it('turns sinceSeconds and sinceTime into unix seconds, sinceTime first', () => {
    expect(dockerLogsQuery({ sinceSeconds: 60 }, NOW).since).toBe(1_700_000_000 - 60);
    expect(dockerLogsQuery({ sinceSeconds: 60, sinceTime: new Date(1_600_000_000_500) }, NOW).since).toBe(1_600_000_000.5);
  });
});
