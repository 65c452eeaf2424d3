import { describe, expect, it } from 'vitest';
import { run } from '../cli.js';
import type { CliIo } from '../io.js';

async function meshctl(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    readStdin: () => Promise.resolve(''),
    env,
    cwd: '/',
  };
  return { code: await run(args, io), out, err };
}

describe('meshctl image', () => {
  it('is listed in the help and has its own', async () => {
    expect((await meshctl([])).out).toMatch(/^ {2}image +Build and list the local images/m);
    const help = await meshctl(['image', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('meshctl image build [--docker-host=ADDRESS] [--only=IMAGE]...');
  });

  it('fails with how to start dockerd when none answers', async () => {
    const r = await meshctl(['image', 'build', '--docker-host', 'unix:///nonexistent/docker.sock']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: cannot reach dockerd at unix:\/\/\/nonexistent\/docker\.sock .*`meshctl cluster up` starts one.*`dockerd --iptables=false --bridge=none`/);
    const fromEnv = await meshctl(['image', 'list'], { DOCKER_HOST: 'unix:///nonexistent/env.sock' });
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.err).toContain('cannot reach dockerd at unix:///nonexistent/env.sock');
  });

  it('rejects a missing or unknown subcommand and stray arguments', async () => {
    expect((await meshctl(['image'])).err).toBe("error: must specify a subcommand: build or list\nSee 'meshctl image --help' for usage.\n");
    expect((await meshctl(['image', 'push'])).err).toBe('error: unknown command "push" for "meshctl image"\nRun \'meshctl image --help\' for usage.\n');
    const stray = await meshctl(['image', 'build', 'mesh/base']);
    expect(stray.code).toBe(1);
    expect(stray.err).toMatch(/unexpected arguments for "meshctl image build": mesh\/base/);
    const unknown = await meshctl(['image', 'build', '--only', 'mesh/base,mesh/nope', '--docker-host', 'unix:///nonexistent/docker.sock']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^error: unknown image "mesh\/nope:latest"; meshctl builds mesh\/base:latest, /);
  });
});
