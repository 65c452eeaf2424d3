import { describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { containerStateOf, listStateOf, parseDockerTime } from './status.js';

type State = Dockerode.ContainerInspectInfo['State'];
const ZERO = '0001-01-01T00:00:00Z';
const base: State = { Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO, FinishedAt: ZERO };

describe('containerStateOf', () => {
  it('created and running', () => {
    expect(containerStateOf(base)).toEqual({ state: 'created', reason: '', message: '' });
    expect(containerStateOf({ ...base, Status: 'running', Running: true, Pid: 7, StartedAt: '2024-01-01T00:00:00Z' }).state).toBe('running');
  });

  it('exited: Completed, Error, OOMKilled', () => {
    const done = { ...base, Status: 'exited', StartedAt: '2024-01-01T00:00:00Z', FinishedAt: '2024-01-01T00:00:01Z' };
    expect(containerStateOf(done)).toEqual({ state: 'exited', reason: 'Completed', message: '' });
    expect(containerStateOf({ ...done, ExitCode: 3 }).reason).toBe('Error');
    expect(containerStateOf({ ...done, ExitCode: 137, OOMKilled: true }).reason).toBe('OOMKilled');
  });

  it('a container that could not start', () => {
    expect(containerStateOf({ ...base, ExitCode: 127, Error: 'exec: "nope": executable file not found in $PATH' })).toEqual({
      state: 'exited',
      reason: 'ContainerCannotRun',
      message: 'exec: "nope": executable file not found in $PATH',
    });
  });

  it('unknown for dead containers', () => {
    expect(containerStateOf({ ...base, Status: 'dead', Dead: true }).state).toBe('unknown');
  });
});

describe('list states and times', () => {
  it('map docker ps states', () => {
    expect(['created', 'running', 'paused', 'restarting', 'exited', 'dead', 'removing'].map(listStateOf)).toEqual(['created', 'running', 'running', 'running', 'exited', 'unknown', 'unknown']);
  });

  it('treat Docker\'s zero time as unset', () => {
    expect(parseDockerTime(ZERO)).toBeUndefined();
    expect(parseDockerTime('')).toBeUndefined();
    expect(parseDockerTime('2024-05-06T07:08:09.123456789Z')?.toISOString()).toBe('2024-05-06T07:08:09.123Z');
  });
});
