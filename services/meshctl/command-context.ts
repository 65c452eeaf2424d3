// What every command works with: the parsed flags, the io, and a client for the kubeconfig
// context the global flags select (created on first use).
import { KubeClient } from '../../lib/api/kube-client/index.js';
import type { ConfigOverrides } from '../../lib/api/kube-client/index.js';
import type { FlagValues } from './args.js';
import { boolFlag, stringFlag } from './args.js';
import { parseGoDuration } from './go-duration.js';
import type { CliIo } from './io.js';

/** --request-timeout: a duration, or a bare number of seconds; 0 means none. */
function requestTimeout(text: string | undefined): number | undefined {
  if (text === undefined || text === '' || text === '0') return undefined;
  return /^\d+$/.test(text) ? Number(text) * 1000 : parseGoDuration(text, 'request-timeout');
}

export class CommandContext {
  private clientPromise: Promise<KubeClient> | undefined;

  constructor(
    readonly io: CliIo,
    readonly flags: FlagValues,
    readonly positionals: string[],
  ) {}

  out(text: string): void {
    this.io.stdout.write(text);
  }

  err(text: string): void {
    this.io.stderr.write(text);
  }

  private overrides(): ConfigOverrides {
    const o: ConfigOverrides = {};
    const set = (k: keyof ConfigOverrides, flag: string): void => {
      const v = stringFlag(this.flags, flag);
      if (v !== undefined) (o as Record<string, string>)[k] = v;
    };
    set('context', 'context');
    set('cluster', 'cluster');
    set('user', 'user');
    set('namespace', 'namespace');
    set('server', 'server');
    set('token', 'token');
    if (boolFlag(this.flags, 'insecure-skip-tls-verify')) o.insecureSkipTlsVerify = true;
    return o;
  }

  client(): Promise<KubeClient> {
    this.clientPromise ??= KubeClient.fromKubeconfig({
      explicitPath: stringFlag(this.flags, 'kubeconfig'),
      envValue: this.io.env.KUBECONFIG,
      homeDir: this.io.env.HOME,
      cwd: this.io.cwd,
      overrides: this.overrides(),
      userAgent: 'meshctl/v1.32.0 (linux/amd64) kubernetes/meshkube',
      timeoutMs: requestTimeout(stringFlag(this.flags, 'request-timeout')),
      onWarning: (text) => this.err(`Warning: ${text}\n`),
    });
    return this.clientPromise;
  }

  /** The namespace of the context or -n, and whether -n gave it. */
  async namespace(): Promise<{ namespace: string; explicit: boolean }> {
    const c = await this.client();
    return { namespace: c.config.namespace, explicit: c.config.explicitNamespace };
  }

  async close(): Promise<void> {
    if (!this.clientPromise) return;
    try {
      (await this.clientPromise).close();
    } catch {
      // The client never came up; nothing to close.
    }
  }
}
