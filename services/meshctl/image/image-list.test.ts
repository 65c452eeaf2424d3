import { describe, expect, it } from 'vitest';
import { dockerHumanDuration, formatImageList, humanSize } from './image-list.js';

describe('humanSize', () => {
  it('prints decimal units with three significant digits, as docker images does', () => {
    expect(humanSize(512)).toBe('512B');
    expect(humanSize(5_600)).toBe('5.6kB');
    expect(humanSize(83_245_000)).toBe('83.2MB');
    expect(humanSize(1_500_000_000)).toBe('1.5GB');
    expect(humanSize(100_000_000)).toBe('100MB');
  });
});

describe('dockerHumanDuration', () => {
  it('words ages as docker does', () => {
    expect(dockerHumanDuration(400)).toBe('Less than a second');
    expect(dockerHumanDuration(1_000)).toBe('1 second');
    expect(dockerHumanDuration(59_000)).toBe('59 seconds');
    expect(dockerHumanDuration(90_000)).toBe('About a minute');
    expect(dockerHumanDuration(45 * 60_000)).toBe('45 minutes');
    expect(dockerHumanDuration(80 * 60_000)).toBe('About an hour');
    expect(dockerHumanDuration(100 * 60_000)).toBe('2 hours');
    expect(dockerHumanDuration(3 * 86_400_000)).toBe('3 days');
    expect(dockerHumanDuration(20 * 86_400_000)).toBe('2 weeks');
    expect(dockerHumanDuration(100 * 86_400_000)).toBe('3 months');
    expect(dockerHumanDuration(800 * 86_400_000)).toBe('2 years');
  });
});

describe('formatImageList', () => {
  it('lays out repository, tag, short ID, age and size, sorted', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    const t = now.getTime() / 1000;
    const text = formatImageList(
      [
        { repository: 'mesh/demo-backend', tag: 'v2', id: `sha256:${'b'.repeat(64)}`, created: t - 300, size: 120_400_000 },
        { repository: 'mesh/base', tag: 'latest', id: `sha256:${'a'.repeat(64)}`, created: t - 7200, size: 120_300_000 },
        { repository: 'mesh/demo-backend', tag: 'v1', id: `sha256:${'c'.repeat(64)}`, created: t - 30, size: 120_400_000 },
      ],
      now,
    );
    expect(text).toBe(
      [
        'REPOSITORY          TAG       IMAGE ID       CREATED          SIZE',
        'mesh/base           latest    aaaaaaaaaaaa   2 hours ago      120MB',
        'mesh/demo-backend   v1        cccccccccccc   30 seconds ago   120MB',
        'mesh/demo-backend   v2        bbbbbbbbbbbb   5 minutes ago    120MB',
        '',
      ].join('\n'),
    );
  });
});
