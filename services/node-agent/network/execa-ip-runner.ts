// The IpRunner that runs iproute2 for real, through execa. Commands for another namespace go
// through `nsenter --net=<path> ip ...` (`ip -n` only takes names under /var/run/netns, while a
// sandbox's namespace is a /proc/<pid>/ns/net path).
import { access, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import type { IpBatchOptions, IpBatchResult, IpQueryResult, IpRunner, IpTarget } from './ip-runner.js';
import { assertNetnsPath } from './ip-commands.js';
import { IpCommandError } from './errors.js';

export interface ExecaIpRunnerOptions {
  /**
   * The network namespace the agent's "host" side lives in, when the agent process itself runs
   * elsewhere (a test driving a node namespace from the root namespace). Default: the process's own.
   */
  hostNetnsPath?: string;
  /** Kill a command after this long, so a wedged `ip` cannot hang the agent. Default 30 s. */
  timeoutMs?: number;
}

interface Output {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const FAILED_LINE_RE = /Command failed -:(\d+)/;

export class ExecaIpRunner implements IpRunner {
  private readonly hostNetnsPath: string | undefined;
  private readonly timeoutMs: number;

  constructor(opts: ExecaIpRunnerOptions = {}) {
    if (opts.hostNetnsPath !== undefined) assertNetnsPath(opts.hostNetnsPath);
    this.hostNetnsPath = opts.hostNetnsPath;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async batch(lines: readonly string[], opts: IpBatchOptions = {}): Promise<IpBatchResult> {
    if (lines.length === 0) return { ok: true };
    const args = opts.force === true ? ['-force', '-batch', '-'] : ['-batch', '-'];
    const r = await this.exec(this.argv(opts, args), `${lines.join('\n')}\n`);
    if (r.exitCode === 0) return { ok: true };
    const m = FAILED_LINE_RE.exec(r.stderr);
    return m?.[1] === undefined
      ? { ok: false, exitCode: r.exitCode, stderr: r.stderr }
      : { ok: false, exitCode: r.exitCode, stderr: r.stderr, failedLine: Number(m[1]) };
  }

  async query(args: readonly string[], opts: IpTarget = {}): Promise<IpQueryResult> {
    const r = await this.exec(this.argv(opts, ['-j', ...args]));
    if (r.exitCode !== 0) return { ok: false, exitCode: r.exitCode, stderr: r.stderr };
    if (r.stdout.trim() === '') return { ok: true, value: [] };
    return { ok: true, value: JSON.parse(r.stdout) as unknown };
  }

  async setSysctl(key: string, value: string): Promise<void> {
    if (!/^[a-z0-9_.-]+$/i.test(key)) throw new Error(`invalid sysctl key ${JSON.stringify(key)}`);
    const path = `/proc/sys/${key.replaceAll('.', '/')}`;
    if (this.hostNetnsPath === undefined) {
      await writeFile(path, value);
      return;
    }
    // /proc/sys/net answers for the namespace of the process that opens it, so write from inside.
    const r = await this.exec(['nsenter', `--net=${this.hostNetnsPath}`, 'tee', path], value);
    if (r.exitCode !== 0) throw new IpCommandError(`nsenter --net=${this.hostNetnsPath} tee ${path}`, r.stderr, r.exitCode);
  }

  async netnsExists(path: string): Promise<boolean> {
    try {
      await access(path);
      return true;
    } catch {
      return false;
    }
  }

  private argv(target: IpTarget, ipArgs: string[]): string[] {
    const ns = target.netnsPath ?? this.hostNetnsPath;
    if (ns === undefined) return ['ip', ...ipArgs];
    assertNetnsPath(ns);
    return ['nsenter', `--net=${ns}`, 'ip', ...ipArgs];
  }

  private async exec(argv: string[], input?: string): Promise<Output> {
    const [file, ...args] = argv as [string, ...string[]];
    const r = await execa(file, args, {
      reject: false,
      timeout: this.timeoutMs,
      input,
      stdin: input === undefined ? 'ignore' : undefined,
      stdout: 'pipe',
      stderr: 'pipe',
      stripFinalNewline: true,
    });
    return {
      exitCode: r.exitCode ?? -1,
      stdout: typeof r.stdout === 'string' ? r.stdout : '',
      stderr: typeof r.stderr === 'string' ? r.stderr : '',
    };
  }
}
