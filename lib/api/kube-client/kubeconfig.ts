// kubeconfig files (clientcmd v1 Config) as kubectl reads them: clusters, users and contexts
// by name, and the current context. File paths inside a file are relative to that file.
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isRecord } from '../object.js';

export interface KubeconfigCluster {
  server: string;
  /** A PEM file, absolute once parsed. */
  certificateAuthority?: string;
  /** Base64 of PEM, as in the file. */
  certificateAuthorityData?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
}

export interface KubeconfigUser {
  clientCertificate?: string;
  clientCertificateData?: string;
  clientKey?: string;
  clientKeyData?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
}

export interface KubeconfigContext {
  cluster: string;
  user: string;
  namespace?: string;
}

export interface Kubeconfig {
  clusters: Map<string, KubeconfigCluster>;
  users: Map<string, KubeconfigUser>;
  contexts: Map<string, KubeconfigContext>;
  /** '' when unset. */
  currentContext: string;
}

export class KubeconfigError extends Error {
  override readonly name: string = 'KubeconfigError';
}

/** The selected configuration is unusable (kubectl prints "Error in configuration: ..."). */
export class InvalidConfigurationError extends KubeconfigError {
  override readonly name = 'InvalidConfigurationError';
}

export function emptyKubeconfig(): Kubeconfig {
  return { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: '' };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Resolves a path from the file against the file's directory, as clientcmd does. */
function fileRef(v: unknown, file: string | undefined): string | undefined {
  const p = str(v);
  if (p === undefined || p === '') return undefined;
  if (file === undefined || path.isAbsolute(p)) return p;
  return path.resolve(path.dirname(file), p);
}

function namedEntries(list: unknown, field: string, what: string, source: string): [string, Record<string, unknown>][] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new KubeconfigError(`error loading config file "${source}": ${what} must be a list`);
  const out: [string, Record<string, unknown>][] = [];
  for (const entry of list) {
    if (!isRecord(entry)) continue;
    const name = str(entry.name) ?? '';
    const body = entry[field];
    out.push([name, isRecord(body) ? body : {}]);
  }
  return out;
}

function withDefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * Parses one kubeconfig document. `file` (the file's path) makes relative certificate and
 * token paths absolute and names the file in errors.
 */
export function parseKubeconfig(text: string, file?: string): Kubeconfig {
  const source = file ?? '<inline>';
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new KubeconfigError(`error loading config file "${source}": ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const cfg = emptyKubeconfig();
  if (doc === null || doc === undefined) return cfg;
  if (!isRecord(doc)) throw new KubeconfigError(`error loading config file "${source}": not a kubeconfig object`);
  for (const [name, c] of namedEntries(doc.clusters, 'cluster', 'clusters', source)) {
    if (cfg.clusters.has(name)) continue;
    cfg.clusters.set(
      name,
      withDefined({
        server: str(c.server) ?? '',
        certificateAuthority: fileRef(c['certificate-authority'], file),
        certificateAuthorityData: str(c['certificate-authority-data']),
        insecureSkipTlsVerify: c['insecure-skip-tls-verify'] === true ? true : undefined,
        tlsServerName: str(c['tls-server-name']),
      }),
    );
  }
  for (const [name, u] of namedEntries(doc.users, 'user', 'users', source)) {
    if (cfg.users.has(name)) continue;
    cfg.users.set(
      name,
      withDefined({
        clientCertificate: fileRef(u['client-certificate'], file),
        clientCertificateData: str(u['client-certificate-data']),
        clientKey: fileRef(u['client-key'], file),
        clientKeyData: str(u['client-key-data']),
        token: str(u.token),
        tokenFile: fileRef(u.tokenFile, file),
        username: str(u.username),
        password: str(u.password),
      }),
    );
  }
  for (const [name, c] of namedEntries(doc.contexts, 'context', 'contexts', source)) {
    if (cfg.contexts.has(name)) continue;
    cfg.contexts.set(name, withDefined({ cluster: str(c.cluster) ?? '', user: str(c.user) ?? '', namespace: str(c.namespace) }));
  }
  cfg.currentContext = str(doc['current-context']) ?? '';
  return cfg;
}

/**
 * Merges kubeconfigs in KUBECONFIG order the way kubectl does: the first file to define a
 * cluster, user or context name wins, and the first non-empty current-context wins.
 */
export function mergeKubeconfigs(configs: readonly Kubeconfig[]): Kubeconfig {
  const out = emptyKubeconfig();
  for (const c of configs) {
    for (const [k, v] of c.clusters) if (!out.clusters.has(k)) out.clusters.set(k, v);
    for (const [k, v] of c.users) if (!out.users.has(k)) out.users.set(k, v);
    for (const [k, v] of c.contexts) if (!out.contexts.has(k)) out.contexts.set(k, v);
    if (out.currentContext === '') out.currentContext = c.currentContext;
  }
  return out;
}
