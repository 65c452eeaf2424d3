import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isRecord } from '../../../lib/api/object.js';
import { CertFiles, apiServerSans, componentFileBase, ensureCertDir, issueComponentCredentials, missingSans, writeKubeconfig } from './cert-dir.js';
import { readCertificateFields } from './pki.js';
import { signServiceAccountToken, serviceAccountClaims, verifyServiceAccountToken } from './service-account-token.js';
import { ComponentIdentities } from './user-info.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cert-dir-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mode = async (name: string): Promise<number> => (await stat(path.join(dir, name))).mode & 0o777;

describe('ensureCertDir', () => {
  it('creates the CA, serving cert, ServiceAccount keys and admin cert on first run', async () => {
    const c = await ensureCertDir(dir, { hostIps: ['10.10.0.11'] });
    expect((await readdir(dir)).sort()).toEqual(['admin.crt', 'admin.key', 'apiserver.crt', 'apiserver.key', 'ca.crt', 'ca.key', 'sa.key', 'sa.pub']);
    expect([...c.created].sort()).toEqual((await readdir(dir)).sort());
    expect(c.warnings).toEqual([]);
    for (const key of [CertFiles.caKey, CertFiles.serverKey, CertFiles.serviceAccountKey, CertFiles.adminKey]) expect(await mode(key)).toBe(0o600);
    expect(await mode(CertFiles.caCert)).toBe(0o644);

    const ca = new X509Certificate(c.ca.certPem);
    const server = new X509Certificate(c.server.certPem);
    expect(server.verify(ca.publicKey)).toBe(true);
    for (const san of [
      'DNS:localhost',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local',
      'IP Address:127.0.0.1',
      'IP Address:10.10.0.11',
      'IP Address:10.96.0.1',
    ]) {
      expect(server.subjectAltName?.split(', ')).toContain(san);
    }
    expect(readCertificateFields(c.admin.certPem).subject).toEqual({ commonName: 'kubernetes-admin', organizations: ['system:masters'] });
    expect(new X509Certificate(c.admin.certPem).verify(ca.publicKey)).toBe(true);
  });

  it('the ServiceAccount key pair signs and verifies tokens', async () => {
    const c = await ensureCertDir(dir, { hostIps: [] });
    const now = new Date();
    const token = signServiceAccountToken(c.serviceAccountKeyPem, serviceAccountClaims({ namespace: 'default', serviceAccount: { name: 'default', uid: 'u' } }, { now }));
    expect(verifyServiceAccountToken(c.serviceAccountPublicKeyPem, token, now).ok).toBe(true);
  });

  it('keeps every existing file on a second run', async () => {
    const first = await ensureCertDir(dir, { hostIps: ['10.10.0.11'] });
    const before = await Promise.all((await readdir(dir)).map(async (f) => [f, await readFile(path.join(dir, f), 'utf8')]));
    const second = await ensureCertDir(dir, { hostIps: ['10.10.0.11'] });
    const after = await Promise.all((await readdir(dir)).map(async (f) => [f, await readFile(path.join(dir, f), 'utf8')]));
    expect(second.created).toEqual([]);
    expect(after).toEqual(before);
    expect(second.ca).toEqual(first.ca);
    expect(second.serviceAccountKeyPem).toBe(first.serviceAccountKeyPem);
  });

  it('warns, but keeps the serving cert, when a new host IP is not in it', async () => {
    await ensureCertDir(dir, { hostIps: ['10.10.0.11'] });
    const again = await ensureCertDir(dir, { hostIps: ['10.10.0.12'], extraSans: ['api.example'] });
    expect(again.created).toEqual([]);
    expect(again.warnings).toEqual(['apiserver.crt lacks DNS:api.example, IP Address:10.10.0.12']);
  });

  it('re-issues leaves when the CA is new, and derives a missing sa.pub', async () => {
    await ensureCertDir(dir, { hostIps: [] });
    await rm(path.join(dir, CertFiles.caCert));
    await rm(path.join(dir, CertFiles.caKey));
    await rm(path.join(dir, CertFiles.serviceAccountPublicKey));
    const c = await ensureCertDir(dir, { hostIps: [] });
    expect([...c.created].sort()).toEqual(['admin.crt', 'admin.key', 'apiserver.crt', 'apiserver.key', 'ca.crt', 'ca.key', 'sa.pub']);
    expect(new X509Certificate(c.server.certPem).verify(new X509Certificate(c.ca.certPem).publicKey)).toBe(true);
  });

  it('refuses half a key pair', async () => {
    await ensureCertDir(dir, { hostIps: [] });
    await rm(path.join(dir, CertFiles.caKey));
    await expect(ensureCertDir(dir, { hostIps: [] })).rejects.toThrow(`has ca.crt but not ca.key`);
  });

  it('warns about a kept leaf that another CA issued', async () => {
    await ensureCertDir(dir, { hostIps: [] });
    const otherDir = await mkdtemp(path.join(tmpdir(), 'cert-dir-other-'));
    const other = await ensureCertDir(otherDir, { hostIps: [] });
    await rm(otherDir, { recursive: true, force: true });
    await writeFile(path.join(dir, CertFiles.adminCert), other.admin.certPem);
    await writeFile(path.join(dir, CertFiles.adminKey), other.admin.keyPem);
    const c = await ensureCertDir(dir, { hostIps: [] });
    expect(c.warnings).toEqual(['admin.crt was not issued by ca.crt']);
  });
});

describe('apiServerSans and missingSans', () => {
  it('sorts extra SANs into IPs and names, without duplicates', () => {
    expect(apiServerSans({ hostIps: ['10.10.0.11', '127.0.0.1'], extraSans: ['fd00::1', 'api.local'], clusterDomain: 'corp' })).toEqual({
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.corp', 'api.local'],
      ipAddresses: ['127.0.0.1', '10.10.0.11', '10.96.0.1', 'fd00::1'],
    });
  });

  it('compares IPv6 SANs as addresses', async () => {
    const c = await ensureCertDir(dir, { hostIps: ['fd00:0:0::1'] });
    expect(missingSans(c.server.certPem, { dnsNames: ['kubernetes'], ipAddresses: ['fd00::1', 'fd00::2'] })).toEqual(['IP Address:fd00::2']);
  });
});

describe('writeKubeconfig', () => {
  it('writes a 0600 kubeconfig whose data fields decode to the PEMs', async () => {
    const c = await ensureCertDir(dir, { hostIps: [] });
    const file = path.join(dir, 'admin.kubeconfig');
    await writeKubeconfig(file, {
      server: 'https://127.0.0.1:6443',
      caPem: c.ca.certPem,
      clientCertPem: c.admin.certPem,
      clientKeyPem: c.admin.keyPem,
      clusterName: 'local',
      userName: 'kubernetes-admin',
      contextName: 'kubernetes-admin@local',
    });
    expect(await mode('admin.kubeconfig')).toBe(0o600);
    const cfg: unknown = parse(await readFile(file, 'utf8'));
    if (!isRecord(cfg)) throw new Error('not a map');
    expect(cfg['current-context']).toBe('kubernetes-admin@local');
    const users = cfg['users'] as { user: Record<string, string> }[];
    const clusters = cfg['clusters'] as { cluster: Record<string, string> }[];
    const decode = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');
    expect(decode(users[0]?.user['client-key-data'])).toBe(c.admin.keyPem);
    expect(decode(users[0]?.user['client-certificate-data'])).toBe(c.admin.certPem);
    expect(decode(clusters[0]?.cluster['certificate-authority-data'])).toBe(c.ca.certPem);
  });
});

describe('issueComponentCredentials', () => {
  it('issues node, scheduler, controller-manager and mesh-control certificates signed by the CA', async () => {
    const c = await ensureCertDir(dir, { hostIps: [] });
    const ca = new X509Certificate(c.ca.certPem);
    const node = await issueComponentCredentials(dir, ComponentIdentities.node('n1'));
    expect(node.certPath).toBe(path.join(dir, 'node-n1.crt'));
    expect(readCertificateFields(node.certPem).subject).toEqual({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
    expect(new X509Certificate(node.certPem).verify(ca.publicKey)).toBe(true);
    expect(await mode('node-n1.key')).toBe(0o600);
    for (const id of [ComponentIdentities.scheduler, ComponentIdentities.controllerManager, ComponentIdentities.meshControl]) {
      const cred = await issueComponentCredentials(dir, id);
      expect(readCertificateFields(cred.certPem).subject.commonName).toBe(id.commonName);
      expect(new X509Certificate(cred.certPem).checkPrivateKey(createPrivateKey(cred.keyPem))).toBe(true);
    }
    expect((await readdir(dir)).filter((f) => f.endsWith('.crt')).sort()).toEqual([
      'admin.crt',
      'apiserver.crt',
      'ca.crt',
      'kube-controller-manager.crt',
      'kube-scheduler.crt',
      'mesh-control.crt',
      'node-n1.crt',
    ]);
  });

  it('reuses valid files and re-issues when the identity changed', async () => {
    await ensureCertDir(dir, { hostIps: [] });
    const first = await issueComponentCredentials(dir, { commonName: 'system:node:n2', organizations: ['system:nodes'] });
    const again = await issueComponentCredentials(dir, { commonName: 'system:node:n2', organizations: ['system:nodes'] });
    expect(again.created).toBe(false);
    expect(again.certPem).toBe(first.certPem);
    const changed = await issueComponentCredentials(dir, { commonName: 'system:node:n2', organizations: ['system:nodes', 'extra'], fileBase: 'node-n2' });
    expect(changed.created).toBe(true);
    expect(readCertificateFields(changed.certPem).subject.organizations).toEqual(['system:nodes', 'extra']);
  });

  it.each([
    ['system:node:worker-1', 'node-worker-1'],
    ['system:kube-scheduler', 'kube-scheduler'],
    ['alice@example.com', 'alice-example.com'],
  ])('file base of %s is %s', (cn, base) => {
    expect(componentFileBase(cn)).toBe(base);
  });
});
