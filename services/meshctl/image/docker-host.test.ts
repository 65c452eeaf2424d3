import { describe, expect, it } from 'vitest';
import { DEFAULT_DOCKER_HOST, DockerUnreachableError, connectDocker, dockerHostFrom, parseDockerHost } from './docker-host.js';

describe('parseDockerHost', () => {
  it('takes unix sockets and tcp addresses as the docker CLI does', () => {
    expect(parseDockerHost('unix:///var/run/docker.sock')).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(parseDockerHost('/run/x.sock')).toEqual({ socketPath: '/run/x.sock' });
    expect(parseDockerHost('tcp://127.0.0.1:2375')).toEqual({ host: '127.0.0.1', port: 2375 });
    expect(parseDockerHost('tcp://[::1]:2375/')).toEqual({ host: '::1', port: 2375 });
  });

  it('refuses what it cannot reach', () => {
    expect(() => parseDockerHost('unix://relative.sock')).toThrow(/absolute path/);
    expect(() => parseDockerHost('tcp://host')).toThrow(/use unix:/);
    expect(() => parseDockerHost('tcp://host:70000')).toThrow(/port out of range/);
    expect(() => parseDockerHost('ssh://me@host')).toThrow(/invalid docker host "ssh:\/\/me@host"/);
  });
});

describe('dockerHostFrom', () => {
  it('prefers the flag, then DOCKER_HOST, then the default socket', () => {
    expect(dockerHostFrom('unix:///a.sock', { DOCKER_HOST: 'unix:///b.sock' })).toBe('unix:///a.sock');
    expect(dockerHostFrom(undefined, { DOCKER_HOST: 'unix:///b.sock' })).toBe('unix:///b.sock');
    expect(dockerHostFrom('', { DOCKER_HOST: '' })).toBe(DEFAULT_DOCKER_HOST);
    expect(DEFAULT_DOCKER_HOST).toBe('unix:///var/run/docker.sock');
  });
});

describe('connectDocker', () => {
  it('says how to start dockerd when nothing answers on the socket', async () => {
    const err = await connectDocker('unix:///nonexistent/meshkube-test-docker.sock').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerUnreachableError);
    expect((err as Error).message).toMatch(/^cannot reach dockerd at unix:\/\/\/nonexistent\/meshkube-test-docker\.sock \(.*ENOENT.*\)\. Start one: `meshctl cluster up` starts one .*`dockerd --iptables=false --bridge=none`/);
  });
});
