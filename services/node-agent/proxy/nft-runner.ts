// Adapters that hand nftables transactions to the kernel through the `nft` command. Each run()
// is one atomic transaction: nft applies all of a script or none of it.
import type { ResultPromise } from 'execa';
import { execa } from 'execa';
import { NftError } from './errors.js';

export interface NftRunner {
  /** Applies the script as one transaction; rejects with nft's stderr if nft refuses it. */
  run(script: string): Promise<void>;
  /** Runs a read-only command (e.g. `list map ip t m`) and returns nft's JSON output. Optional. */
  listJson?(command: string): Promise<unknown>;
  /** Applies independent transactions side by side: each is atomic, together they are not. Optional. */
  runConcurrently?(scripts: readonly string[]): Promise<void>;
  close?(): Promise<void>;
}

export interface NftRunnerOptions {
  /** argv put before `nft`, e.g. ['ip', 'netns', 'exec', 'px-router'] to act in a namespace. */
  prefix?: readonly string[];
  /** Kill a wedged nft after this long (default 120 s: a 30k-service full load takes about 1 s). */
  timeoutMs?: number;
}

function argv(prefix: readonly string[] | undefined, args: string[]): [string, string[]] {
  const all = [...(prefix ?? []), 'nft', ...args];
  return [all[0] as string, all.slice(1)];
}

/** One `nft -f -` process per transaction. */
export class NftFileRunner implements NftRunner {
  constructor(private readonly o: NftRunnerOptions = {}) {}

  async run(script: string): Promise<void> {
    const [file, args] = argv(this.o.prefix, ['-f', '-']);
    const r = await execa(file, args, { input: script, reject: false, timeout: this.o.timeoutMs ?? 120_000 });
    if (r.exitCode !== 0) {
      const stderr = String(r.stderr ?? '');
      throw new NftError(`nft -f failed (exit ${String(r.exitCode)}): ${stderr.slice(0, 4000)}`, stderr);
    }
  }

  async runConcurrently(scripts: readonly string[]): Promise<void> {
    await Promise.all(scripts.map((s) => this.run(s)));
  }

  async listJson(command: string): Promise<unknown> {
    const [file, args] = argv(this.o.prefix, ['-j', ...command.split(/\s+/)]);
    const r = await execa(file, args, { reject: false, timeout: this.o.timeoutMs ?? 120_000 });
    if (r.exitCode !== 0) throw new NftError(`nft -j ${command} failed: ${String(r.stderr)}`, String(r.stderr));
    return JSON.parse(String(r.stdout)) as unknown;
  }
}

interface Pending {
  marker: string;
  resolve: (stderr: string) => void;
  reject: (err: Error) => void;
}

/**
 * A long-lived `nft -i` process: each transaction is written as one line (commands separated by
 * ';', which nft applies as one batch, all or nothing), followed by a marker line that is a
 * syntax error on purpose (a unique word): nft reports errors on stderr in order, echoing the
 * offending line, so the text before the marker's error is the transaction's own error, if any.
 * A parse error costs no netlink round trip or cache load (a failing `list` command did: it
 * fetched the ruleset, 7 ms per change at 30k services). This saves starting nft
 * (and its cache load) for every change. Scripts larger than `maxInteractiveBytes` (full syncs)
 * go through a one-shot `nft -f -` instead.
 */
export class NftInteractiveRunner implements NftRunner {
  private proc: ResultPromise | undefined;
  private stderrBuf = '';
  private readonly queue: Pending[] = [];
  private seq = 0;
  private readonly file: NftFileRunner;
  private readonly markerPrefix = `meshkube-marker-${process.pid}-`;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: NftRunnerOptions & { maxInteractiveBytes?: number } = {}) {
    this.file = new NftFileRunner(o);
  }

  run(script: string): Promise<void> {
    // One transaction at a time, in order.
    const next = this.chain.then(() => this.runOne(script));
    this.chain = next.catch(() => undefined);
    return next;
  }

  listJson(command: string): Promise<unknown> {
    return this.file.listJson(command);
  }

  /** After the transactions before it, each in its own `nft -f -`, side by side. */
  runConcurrently(scripts: readonly string[]): Promise<void> {
    const next = this.chain.then(() => this.file.runConcurrently(scripts));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async runOne(script: string): Promise<void> {
    if (script.trim() === '') return;
    if (script.length > (this.o.maxInteractiveBytes ?? 256 * 1024)) return this.file.run(script);
    const line = script
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .join(' ; ');
    const proc = this.ensure();
    const marker = `${this.markerPrefix}${++this.seq}`;
    const stderr = await new Promise<string>((resolve, reject) => {
      this.queue.push({ marker, resolve, reject });
      proc.stdin?.write(`${line}\n${marker}\n`);
    });
    if (stderr.trim() !== '') throw new NftError(`nft transaction failed: ${stderr.slice(0, 4000)}`, stderr);
  }

  private ensure(): ResultPromise {
    if (this.proc !== undefined) return this.proc;
    const [file, args] = argv(this.o.prefix, ['-i']);
    const proc = execa(file, args, { reject: false, stdin: 'pipe', stdout: 'ignore', stderr: 'pipe', buffer: false });
    this.proc = proc;
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      this.stderrBuf += chunk;
      this.drain();
    });
    void proc.then(() => {
      if (this.proc === proc) this.proc = undefined;
      for (const p of this.queue.splice(0)) p.reject(new NftError('nft -i exited', this.stderrBuf));
      this.stderrBuf = '';
    });
    return proc;
  }

  /** Resolves every transaction whose marker error has arrived. */
  private drain(): void {
    for (;;) {
      const head = this.queue[0];
      if (head === undefined) return;
      const i = this.stderrBuf.indexOf(`\n${head.marker}\n`) + 1;
      if (i === 0) return;
      // The marker's own error is "Error: ...\n<command line>\n<carets>\n": cut its three lines.
      const lineEnd = this.stderrBuf.indexOf('\n', i);
      const after = lineEnd < 0 ? -1 : this.stderrBuf.indexOf('\n', lineEnd + 1);
      if (after < 0) return; // the caret line has not arrived yet
      const start = this.stderrBuf.lastIndexOf('Error:', i);
      const before = this.stderrBuf.slice(0, start < 0 ? i : start);
      this.stderrBuf = this.stderrBuf.slice(after + 1);
      this.queue.shift();
      head.resolve(before);
    }
  }

  async close(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc === undefined) return;
    proc.stdin?.end();
    await proc;
  }
}
