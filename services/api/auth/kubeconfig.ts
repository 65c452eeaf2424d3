// A kubeconfig (clientcmd v1 Config) for one cluster, user and context, with the certificates
// inline (*-data, base64 PEM) so the file stands alone. Keys are in the order kubectl writes them.
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** https://host:port of the API server. */
  server: string;
  caPem: string;
  /** Client certificate credentials; or a bearer token instead. */
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
  clusterName: string;
  userName: string;
  contextName: string;
  namespace?: string;
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

export function kubeconfigObject(opts: KubeconfigOptions): Record<string, unknown> {
  const user: Record<string, string> = {};
  if (opts.clientCertPem !== undefined) user['client-certificate-data'] = b64(opts.clientCertPem);
  if (opts.clientKeyPem !== undefined) user['client-key-data'] = b64(opts.clientKeyPem);
  if (opts.token !== undefined) user['token'] = opts.token;
  const context: Record<string, string> = { cluster: opts.clusterName };
  if (opts.namespace !== undefined) context['namespace'] = opts.namespace;
  context['user'] = opts.userName;
  return {
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': b64(opts.caPem), server: opts.server }, name: opts.clusterName }],
    contexts: [{ context, name: opts.contextName }],
    'current-context': opts.contextName,
    kind: 'Config',
    preferences: {},
    users: [{ name: opts.userName, user }],
  };
}

export function kubeconfigYaml(opts: KubeconfigOptions): string {
  // Values are quoted: kubectl reads YAML 1.1, where a bare n, y, on or off would be a boolean.
  return stringify(kubeconfigObject(opts), { lineWidth: 0, indentSeq: false, version: '1.1' });
}
