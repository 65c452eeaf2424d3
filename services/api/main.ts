// bin/api: wires flags, certificates, the store connection, HTTPS and signals around the API
// server's core.
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import { ApiServerCore, SYSTEM_USER } from './api-server.js';
import { Defaulting } from './admission/defaulting.js';
import { IstioSubsetReferences } from './admission/istio-subset-references.js';
import { Validation } from './admission/validation.js';
import { authenticate, peerCertificateOf } from './auth/authenticate.js';
import { bootstrapPolicy } from './auth/bootstrap-policy.js';
import { ensureCertDir, issueComponentCredentials, writeKubeconfig } from './auth/cert-dir.js';
import { NodeAuthorizer } from './auth/node-authorizer.js';
import { nodeRestrictionPlugin } from './auth/node-restriction.js';
import { authorize } from './auth/rbac.js';
import type { RbacPolicySource } from './auth/rbac.js';
import { serviceAccountTokenAuthenticator } from './auth/service-account-authenticator.js';
import { logLine as log, runMain } from '../../lib/process/main-entry.js';
import { ConfigError, HELP, parseApiArgs } from './config.js';
import type { ApiConfig } from './config.js';
import { genericPatch, patchApplier } from './extensions.js';
import { ApiHandler, requestAttributes } from './http/api-handler.js';
import type { SubresourceHandler } from './http/api-handler.js';
import { toTable } from './printers/index.js';
import { openapi, patchMetaFor, validateFields } from './schema-bridge.js';
import { EtcdStorage } from './storage/etcd-storage.js';
import { BindingSubresource, EvictionSubresource } from './subresources/binding.js';
import { LogSubresource } from './subresources/log.js';
import { ScaleSubresource } from './subresources/scale.js';
import { TokenSubresource } from './subresources/token.js';


async function run(cfg: ApiConfig): Promise<void> {
  const hostIps = [...new Set([cfg.advertiseAddress, ...(cfg.bindAddress !== '0.0.0.0' ? [cfg.bindAddress] : [])])];
  const certs = await ensureCertDir(cfg.certDir, { hostIps });
  for (const w of certs.warnings) log('warn', 'certificate directory', { warning: w });
  const kubeconfigPath = path.join(cfg.certDir, 'admin.kubeconfig');
  if (!existsSync(kubeconfigPath)) {
    await writeKubeconfig(kubeconfigPath, {
      server: `https://${cfg.advertiseAddress}:${cfg.securePort}`,
      caPem: certs.ca.certPem,
      clientCertPem: certs.admin.certPem,
      clientKeyPem: certs.admin.keyPem,
      clusterName: 'meshkube',
      userName: 'kubernetes-admin',
      contextName: 'kubernetes-admin@meshkube',
    });
  }

  // The identity the API server shows node agents when it proxies logs (kube-apiserver-kubelet-client).
  const kubeletClient = await issueComponentCredentials(cfg.certDir, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] });
  const storage = new EtcdStorage(cfg.etcdServers);
  const core: { c?: ApiServerCore } = {};
  const cached = (group: string, resource: string, ns: string, name: string): KubeObject | undefined => {
    const s = core.c?.store(group, resource);
    return s?.cache.get(s.key(ns, name))?.obj;
  };
  const c = new ApiServerCore({
    config: cfg,
    storage,
    mutating: [new Defaulting()],
    validating: [new Validation(), new IstioSubsetReferences(() => core.c?.store('networking.istio.io', 'destinationrules').cache.objects() ?? []), nodeRestrictionPlugin({ getPod: (ns, name) => cached('', 'pods', ns, name) })],
    bootstrapObjects: bootstrapPolicy(),
    log: (msg, fields) => log('info', msg, fields),
  });
  core.c = c;

  const rbacSource: RbacPolicySource = {
    listClusterRoleBindings: () => c.store('rbac.authorization.k8s.io', 'clusterrolebindings').cache.objects(),
    listRoleBindings: (ns) => {
      const s = c.store('rbac.authorization.k8s.io', 'rolebindings');
      return s.cache.objects().filter((o) => o.metadata.namespace === ns);
    },
    getClusterRole: (name) => cached('rbac.authorization.k8s.io', 'clusterroles', '', name),
    getRole: (ns, name) => cached('rbac.authorization.k8s.io', 'roles', ns, name),
  };
  const verifyToken = serviceAccountTokenAuthenticator({
    publicKeys: certs.serviceAccountPublicKeyPem,
    lookup: {
      getServiceAccount: (ns, name) => cached('', 'serviceaccounts', ns, name),
      getPod: (ns, name) => cached('', 'pods', ns, name),
    },
  });
  const nodeAuthorizer = new NodeAuthorizer((node) =>
    c.store('', 'pods').cache.objects().filter((p) => isRecord(p.spec) && p.spec.nodeName === node),
  );
  const subresources = new Map<string, SubresourceHandler>([
    ['deployments/scale', new ScaleSubresource(genericPatch)],
    ['replicasets/scale', new ScaleSubresource(genericPatch)],
    ['pods/binding', new BindingSubresource(() => new Date())],
    ['pods/eviction', new EvictionSubresource()],
    ['pods/log', new LogSubresource({ ca: certs.ca.certPem, cert: kubeletClient.certPem, key: kubeletClient.keyPem }, (name) => cached('', 'nodes', '', name))],
    ['serviceaccounts/token', new TokenSubresource(certs.serviceAccountKeyPem, (ns, name) => cached('', 'pods', ns, name), (name) => cached('', 'nodes', '', name))],
  ]);
  const handler = new ApiHandler({
    resources: [...c.stores.values()].map((s) => s.info),
    stores: c.stores,
    serverAddress: `${cfg.advertiseAddress}:${cfg.securePort}`,
    now: () => new Date(),
    toTable: (key, objects, opts) => toTable(key, objects, opts) as unknown as Record<string, unknown>,
    applyPatch: patchApplier(patchMetaFor),
    validateFields,
    authenticate: async (req: IncomingMessage) => {
      const socket = req.socket as TLSSocket;
      return authenticate({ peerCertificate: peerCertificateOf(socket), authorization: req.headers.authorization }, { verifyToken });
    },
    presentsCredentials: (req: IncomingMessage) => req.headers.authorization !== undefined || peerCertificateOf(req.socket as TLSSocket) !== undefined,
    authorizer: {
      authorize: async (user, info) => {
        const attrs = requestAttributes(user, info);
        return nodeAuthorizer.authorize(attrs) ?? authorize(attrs, rbacSource);
      },
    },
    openapi,
    subresources,
    bookmarkIntervalMs: cfg.watchBookmarkIntervalMs,
    isReady: () => c.isReady,
    log: (msg, fields) => log('error', msg, fields),
  });

  const server = https.createServer(
    {
      key: certs.server.keyPem,
      cert: certs.server.certPem,
      ca: certs.ca.certPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => void handler.handle(req, res),
  );
  server.keepAliveTimeout = 65_000;
  await c.start();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.securePort, cfg.bindAddress, resolve);
  });
  log('info', 'serving', { address: `https://${cfg.bindAddress}:${cfg.securePort}`, etcdServers: cfg.etcdServers, kubeconfig: kubeconfigPath, user: SYSTEM_USER.name });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down', { why: signal });
    server.close();
    server.closeAllConnections();
    c.stop();
    storage.close();
    log('info', 'stopped');
    setTimeout(() => process.exit(0), 50).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

runMain({ name: 'api', help: HELP, parse: (argv) => parseApiArgs(argv), isUsageError: (err): err is ConfigError => err instanceof ConfigError, run });
