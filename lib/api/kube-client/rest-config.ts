// From a kubeconfig and the command-line overrides (--context, --cluster, --user, -n, --server,
// --token) to what a connection needs: server URL, TLS material, credentials, namespace.
import { readFile } from 'node:fs/promises';
import type { Kubeconfig, KubeconfigCluster, KubeconfigUser } from './kubeconfig.js';
import { InvalidConfigurationError, KubeconfigError } from './kubeconfig.js';

export interface ConfigOverrides {
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  server?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
}

/** The chosen context, before files are read. */
export interface SelectedContext {
  contextName: string;
  cluster: KubeconfigCluster;
  user: KubeconfigUser;
  namespace: string;
  /** True when the namespace came from -n/--namespace rather than the context. */
  explicitNamespace: boolean;
}

export interface RestConfig {
  server: string;
  caPem?: Buffer;
  clientCertPem?: Buffer;
  clientKeyPem?: Buffer;
  token?: string;
  username?: string;
  password?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  namespace: string;
  explicitNamespace: boolean;
  contextName: string;
}

/** kubectl's fallback when nothing names a server. */
export const DEFAULT_SERVER = 'http://localhost:8080';

/** Picks context, cluster and user as clientcmd does. Throws KubeconfigError for unknown names. */
export function selectContext(cfg: Kubeconfig, o: ConfigOverrides = {}): SelectedContext {
  const contextName = o.context !== undefined && o.context !== '' ? o.context : cfg.currentContext;
  const ctx = contextName === '' ? undefined : cfg.contexts.get(contextName);
  if (contextName !== '' && ctx === undefined && o.context !== undefined && o.context !== '') {
    throw new InvalidConfigurationError(`context was not found for specified context: ${contextName}`);
  }
  const clusterName = o.cluster !== undefined && o.cluster !== '' ? o.cluster : (ctx?.cluster ?? '');
  const userName = o.user !== undefined && o.user !== '' ? o.user : (ctx?.user ?? '');
  const cluster = clusterName === '' ? undefined : cfg.clusters.get(clusterName);
  if (o.cluster !== undefined && o.cluster !== '' && cluster === undefined) throw new KubeconfigError(`no server found for cluster "${clusterName}"`);
  const user = userName === '' ? undefined : cfg.users.get(userName);
  if (o.user !== undefined && o.user !== '' && user === undefined) throw new KubeconfigError(`auth info "${userName}" does not exist`);
  const explicitNamespace = o.namespace !== undefined && o.namespace !== '';
  const namespace = explicitNamespace ? (o.namespace ?? '') : ctx?.namespace !== undefined && ctx.namespace !== '' ? ctx.namespace : 'default';
  const mergedCluster: KubeconfigCluster = { ...(cluster ?? { server: '' }) };
  if (o.server !== undefined && o.server !== '') mergedCluster.server = o.server;
  if (mergedCluster.server === '') mergedCluster.server = DEFAULT_SERVER;
  if (o.insecureSkipTlsVerify === true) mergedCluster.insecureSkipTlsVerify = true;
  const mergedUser: KubeconfigUser = { ...(user ?? {}) };
  if (o.token !== undefined && o.token !== '') {
    mergedUser.token = o.token;
    delete mergedUser.tokenFile;
  }
  return { contextName, cluster: mergedCluster, user: mergedUser, namespace, explicitNamespace };
}

async function material(data: string | undefined, file: string | undefined, what: string): Promise<Buffer | undefined> {
  if (data !== undefined && data !== '') return Buffer.from(data, 'base64');
  if (file === undefined) return undefined;
  try {
    return await readFile(file);
  } catch (err) {
    throw new KubeconfigError(`unable to read ${what} from "${file}": ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Reads the certificate, key and token files a selected context refers to. */
export async function restConfigFrom(sel: SelectedContext): Promise<RestConfig> {
  const { cluster, user } = sel;
  const out: RestConfig = {
    server: cluster.server.replace(/\/+$/, ''),
    insecureSkipTlsVerify: cluster.insecureSkipTlsVerify === true,
    namespace: sel.namespace,
    explicitNamespace: sel.explicitNamespace,
    contextName: sel.contextName,
  };
  const ca = await material(cluster.certificateAuthorityData, cluster.certificateAuthority, 'certificate-authority');
  if (ca) out.caPem = ca;
  const cert = await material(user.clientCertificateData, user.clientCertificate, 'client-certificate');
  if (cert) out.clientCertPem = cert;
  const key = await material(user.clientKeyData, user.clientKey, 'client-key');
  if (key) out.clientKeyPem = key;
  if (user.token !== undefined && user.token !== '') out.token = user.token;
  else if (user.tokenFile !== undefined) {
    const t = await material(undefined, user.tokenFile, 'tokenFile');
    if (t) out.token = t.toString('utf8').trim();
  }
  if (user.username !== undefined) out.username = user.username;
  if (user.password !== undefined) out.password = user.password;
  if (cluster.tlsServerName !== undefined) out.tlsServerName = cluster.tlsServerName;
  return out;
}
