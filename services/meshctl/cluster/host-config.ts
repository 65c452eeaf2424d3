// Writes what a host needs before its start script runs: the cluster's PKI (one CA, made once and
// then kept), the host's host.env, and its components' kubeconfigs and certificates. Used by
// `meshctl cluster up` for every namespace host and by Vagrant's provisioning for its VM
// (`meshctl cluster configure-host`). Files that exist and still fit are kept, so running it
// again changes nothing.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CertFiles, ensureCertDir, issueComponentCredentials } from '../../api/auth/cert-dir.js';
import { kubeconfigYaml } from '../../api/auth/kubeconfig.js';
import type { KubeconfigOptions } from '../../api/auth/kubeconfig.js';
import { issueServerCert } from '../../api/auth/pki.js';
import { ComponentIdentities } from '../../api/auth/user-info.js';
import type { ClusterPlan, HostPlan } from './cluster-plan.js';
import { apiServerFor, apiServerUrl, clusterDir, controlPlaneHosts, envFileText, hostDir, hostEnv, pkiDir } from './cluster-plan.js';

/** What `cluster up` saved about the cluster, read by the other cluster and chaos commands. */
export const CLUSTER_FILE = 'cluster.json';
export const ADMIN_KUBECONFIG = 'admin.kubeconfig';

/** Writes `data` unless the file already holds exactly it; through a temporary file and a rename. */
async function writeIfChanged(file: string, data: string, mode: number): Promise<boolean> {
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === data) return false;
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, file);
  return true;
}

export function adminKubeconfigPath(plan: Pick<ClusterPlan, 'stateDir' | 'name'>): string {
  return path.join(clusterDir(plan), ADMIN_KUBECONFIG);
}

export async function writeClusterFile(plan: ClusterPlan): Promise<void> {
  await writeIfChanged(path.join(clusterDir(plan), CLUSTER_FILE), `${JSON.stringify(plan, null, 2)}\n`, 0o644);
}

/** The plan an earlier `cluster up` saved, if any. */
export async function savedPlan(stateDir: string, name: string): Promise<ClusterPlan | undefined> {
  const text = await readFile(path.join(stateDir, name, CLUSTER_FILE), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as ClusterPlan);
}

/** The CA, the API servers' serving certificate (every control-plane address), the admin credentials. */
export async function ensureClusterPki(plan: ClusterPlan): Promise<void> {
  const dir = pkiDir(plan);
  const cps = controlPlaneHosts(plan.hosts);
  const certs = await ensureCertDir(dir, { hostIps: cps.map((h) => h.ip) });
  // Made here rather than by the first API server so several servers sharing the folder never race on it.
  await issueComponentCredentials(dir, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] });
  const first = cps[0];
  if (!first) throw new Error(`cluster ${plan.name} has no control-plane host`);
  const admin: KubeconfigOptions = {
    server: apiServerUrl(first.ip),
    caPem: certs.ca.certPem,
    clientCertPem: certs.admin.certPem,
    clientKeyPem: certs.admin.keyPem,
    clusterName: plan.name,
    userName: 'kubernetes-admin',
    contextName: `kubernetes-admin@${plan.name}`,
  };
  const text = kubeconfigYaml(admin);
  await writeIfChanged(adminKubeconfigPath(plan), text, 0o600);
  // The API server writes <cert-dir>/admin.kubeconfig when absent; give it ours.
  await writeIfChanged(path.join(dir, ADMIN_KUBECONFIG), text, 0o600);
}

async function componentKubeconfig(plan: ClusterPlan, host: HostPlan, file: string, identity: { commonName: string; organizations: readonly string[] }): Promise<void> {
  const dir = pkiDir(plan);
  const creds = await issueComponentCredentials(dir, { commonName: identity.commonName, organizations: [...identity.organizations] });
  const caPem = await readFile(path.join(dir, CertFiles.caCert), 'utf8');
  const text = kubeconfigYaml({
    server: apiServerFor(plan, host),
    caPem,
    clientCertPem: creds.certPem,
    clientKeyPem: creds.keyPem,
    clusterName: plan.name,
    userName: identity.commonName,
    contextName: `${identity.commonName}@${plan.name}`,
  });
  await writeIfChanged(path.join(hostDir(plan, host.name), file), text, 0o600);
}

/** host.env, ca.crt and the credentials of the host's roles in <cluster>/hosts/<host>/. Needs ensureClusterPki first. */
export async function configureHost(plan: ClusterPlan, host: HostPlan): Promise<void> {
  const dir = hostDir(plan, host.name);
  await mkdir(path.join(dir, 'logs'), { recursive: true });
  await writeIfChanged(path.join(dir, 'host.env'), envFileText(hostEnv(plan, host)), 0o644);
  const caPem = await readFile(path.join(pkiDir(plan), CertFiles.caCert), 'utf8');
  await writeIfChanged(path.join(dir, 'ca.crt'), caPem, 0o644);
  if (host.roles.includes('sched')) {
    await componentKubeconfig(plan, host, 'controller-manager.kubeconfig', ComponentIdentities.controllerManager);
    await componentKubeconfig(plan, host, 'scheduler.kubeconfig', ComponentIdentities.scheduler);
  }
  if (host.roles.includes('node-agent')) {
    await componentKubeconfig(plan, host, 'node-agent.kubeconfig', ComponentIdentities.node(host.name));
    const certFile = path.join(dir, 'kubelet.crt');
    const keyFile = path.join(dir, 'kubelet.key');
    if (!existsSync(certFile) || !existsSync(keyFile)) {
      const caKey = await readFile(path.join(pkiDir(plan), CertFiles.caKey), 'utf8');
      const serving = issueServerCert({ certPem: caPem, keyPem: caKey }, { commonName: host.name, dnsNames: [host.name], ipAddresses: [host.ip] });
      await writeIfChanged(keyFile, serving.keyPem, 0o600);
      await writeIfChanged(certFile, serving.certPem, 0o644);
    }
  }
}
