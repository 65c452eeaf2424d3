// The API server's --cert-dir: on first start it is filled with the cluster CA, the serving
// certificate, the ServiceAccount signing key pair and the admin client certificate; on later
// starts whatever is there is kept. This is the one file of the auth code that touches disk.
// Keys are written 0600, certificates 0644, each through a temporary file and a rename so a
// crash never leaves half a PEM behind.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { kubeconfigYaml } from './kubeconfig.js';
import type { KubeconfigOptions } from './kubeconfig.js';
import { createCa, generatePrivateKey, ipAddressBytes, issueClientCert, issueServerCert, privateKeyPem, publicKeyPem, readCertificateFields } from './pki.js';
import type { CertificateAndKey, CertificateAuthority, KeyAlgorithm } from './pki.js';
import { ComponentIdentities } from './user-info.js';
import type { ComponentIdentity } from './user-info.js';

export const CertFiles = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'apiserver.crt',
  serverKey: 'apiserver.key',
  serviceAccountKey: 'sa.key',
  serviceAccountPublicKey: 'sa.pub',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
} as const;

export const DEFAULT_SERVICE_IP = '10.96.0.1';
export const CA_COMMON_NAME = 'kubernetes';
export const API_SERVER_COMMON_NAME = 'kube-apiserver';

export interface CertDirOptions {
  /** The addresses the API server is reached at (node IPs). */
  hostIps: readonly string[];
  /** The ClusterIP of the "kubernetes" Service (default 10.96.0.1). */
  serviceIp?: string;
  /** More names or addresses for the serving certificate. */
  extraSans?: readonly string[];
  clusterDomain?: string;
  keyAlgorithm?: KeyAlgorithm;
}

export interface CertDirContents {
  dir: string;
  ca: CertificateAuthority;
  server: CertificateAndKey;
  serviceAccountKeyPem: string;
  serviceAccountPublicKeyPem: string;
  admin: CertificateAndKey;
  /** Files this call wrote. */
  created: string[];
  /** Problems with kept files that the caller should log (missing SANs, another issuer, expiry). */
  warnings: string[];
}

/** The serving certificate's names: loopback, the host IPs, the Service IP and the kubernetes Service's DNS names. */
export function apiServerSans(opts: CertDirOptions): { dnsNames: string[]; ipAddresses: string[] } {
  const domain = opts.clusterDomain ?? 'cluster.local';
  const dnsNames = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${domain}`];
  const ipAddresses = ['127.0.0.1', ...opts.hostIps, opts.serviceIp ?? DEFAULT_SERVICE_IP];
  for (const san of opts.extraSans ?? []) (isIP(san) ? ipAddresses : dnsNames).push(san);
  return { dnsNames: [...new Set(dnsNames)], ipAddresses: [...new Set(ipAddresses)] };
}

/** The wanted SANs a certificate does not carry (IPs compared as addresses, not text). */
export function missingSans(certPem: string, wanted: { dnsNames: readonly string[]; ipAddresses: readonly string[] }): string[] {
  const present = (new X509Certificate(certPem).subjectAltName ?? '').split(', ');
  const dns = new Set(present.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)));
  const ips = new Set(
    present
      .filter((s) => s.startsWith('IP Address:') && isIP(s.slice(11)) !== 0)
      .map((s) => ipAddressBytes(s.slice(11)).toString('hex')),
  );
  return [
    ...wanted.dnsNames.filter((d) => !dns.has(d)).map((d) => `DNS:${d}`),
    ...wanted.ipAddresses.filter((ip) => !ips.has(ipAddressBytes(ip).toString('hex'))).map((ip) => `IP Address:${ip}`),
  ];
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomic(file: string, data: string, mode: number): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(tmp, data, { mode, flag: 'wx' });
  await rename(tmp, file);
}

const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

/** Problems with a kept leaf certificate: not from this CA, or expired. */
function leafWarnings(file: string, certPem: string, ca: CertificateAuthority, now: Date): string[] {
  const out: string[] = [];
  const leaf = new X509Certificate(certPem);
  if (!leaf.checkIssued(new X509Certificate(ca.certPem)) || !leaf.verify(new X509Certificate(ca.certPem).publicKey)) {
    out.push(`${file} was not issued by ${CertFiles.caCert}`);
  }
  if (Date.parse(leaf.validTo) <= now.getTime()) out.push(`${file} expired at ${leaf.validTo}`);
  return out;
}

/** Creates whatever of the cert dir is missing and returns all of it. */
export async function ensureCertDir(certDir: string, opts: CertDirOptions): Promise<CertDirContents> {
  await mkdir(certDir, { recursive: true, mode: 0o700 });
  const file = (name: string): string => path.join(certDir, name);
  const created: string[] = [];
  const warnings: string[] = [];
  const now = new Date();

  const put = async (name: string, data: string, mode: number): Promise<void> => {
    await writeAtomic(file(name), data, mode);
    created.push(name);
  };

  // A pair is either both there (kept) or both absent (made); half a pair is an operator's mistake.
  const loadPair = async (certName: string, keyName: string): Promise<CertificateAndKey | undefined> => {
    const [hasCert, hasKey] = await Promise.all([exists(file(certName)), exists(file(keyName))]);
    if (hasCert !== hasKey) throw new Error(`${certDir} has ${hasCert ? certName : keyName} but not ${hasCert ? keyName : certName}`);
    if (!hasCert) return undefined;
    return { certPem: await readFile(file(certName), 'utf8'), keyPem: await readFile(file(keyName), 'utf8') };
  };

  let ca = await loadPair(CertFiles.caCert, CertFiles.caKey);
  const newCa = ca === undefined;
  if (!ca) {
    ca = createCa(CA_COMMON_NAME, opts.keyAlgorithm ? { keyAlgorithm: opts.keyAlgorithm } : {});
    await put(CertFiles.caKey, ca.keyPem, KEY_MODE);
    await put(CertFiles.caCert, ca.certPem, CERT_MODE);
  }
  const caPair = ca;

  // Leaves signed by a CA that was just replaced are useless, so a new CA means new leaves.
  const leaf = async (certName: string, keyName: string, issue: () => CertificateAndKey): Promise<CertificateAndKey> => {
    const kept = newCa ? undefined : await loadPair(certName, keyName);
    if (kept) {
      warnings.push(...leafWarnings(certName, kept.certPem, caPair, now));
      return kept;
    }
    const made = issue();
    await put(keyName, made.keyPem, KEY_MODE);
    await put(certName, made.certPem, CERT_MODE);
    return made;
  };

  const sans = apiServerSans(opts);
  const alg = opts.keyAlgorithm ? { keyAlgorithm: opts.keyAlgorithm } : {};
  const server = await leaf(CertFiles.serverCert, CertFiles.serverKey, () =>
    issueServerCert(caPair, { commonName: API_SERVER_COMMON_NAME, ...sans, days: 365, ...alg }),
  );
  const missing = missingSans(server.certPem, sans);
  if (missing.length > 0) warnings.push(`${CertFiles.serverCert} lacks ${missing.join(', ')}`);

  const admin = await leaf(CertFiles.adminCert, CertFiles.adminKey, () =>
    issueClientCert(caPair, { ...ComponentIdentities.admin, days: 365, ...alg }),
  );

  // The ServiceAccount key pair is independent of the CA: kept whenever it exists.
  let saKeyPem: string;
  let saPubPem: string;
  const [hasSaKey, hasSaPub] = await Promise.all([exists(file(CertFiles.serviceAccountKey)), exists(file(CertFiles.serviceAccountPublicKey))]);
  if (hasSaKey) {
    saKeyPem = await readFile(file(CertFiles.serviceAccountKey), 'utf8');
    if (hasSaPub) saPubPem = await readFile(file(CertFiles.serviceAccountPublicKey), 'utf8');
    else {
      saPubPem = publicKeyPem(createPrivateKey(saKeyPem));
      await put(CertFiles.serviceAccountPublicKey, saPubPem, CERT_MODE);
    }
  } else {
    if (hasSaPub) throw new Error(`${certDir} has ${CertFiles.serviceAccountPublicKey} but not ${CertFiles.serviceAccountKey}`);
    const key = generatePrivateKey(opts.keyAlgorithm);
    saKeyPem = privateKeyPem(key);
    saPubPem = publicKeyPem(key);
    await put(CertFiles.serviceAccountKey, saKeyPem, KEY_MODE);
    await put(CertFiles.serviceAccountPublicKey, saPubPem, CERT_MODE);
  }

  return { dir: certDir, ca: caPair, server, serviceAccountKeyPem: saKeyPem, serviceAccountPublicKeyPem: saPubPem, admin, created, warnings };
}

/** Writes a kubeconfig (0600: it holds a private key or token). */
export async function writeKubeconfig(file: string, opts: KubeconfigOptions): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeAtomic(file, kubeconfigYaml(opts), KEY_MODE);
}

export interface ComponentCredentials extends CertificateAndKey {
  certPath: string;
  keyPath: string;
  /** False when valid files from an earlier run were kept. */
  created: boolean;
}

export interface ComponentCredentialOptions extends ComponentIdentity {
  /** File name without extension; defaults to the CN without "system:" and with ":" as "-" (system:node:n1 -> node-n1). */
  fileBase?: string;
  days?: number;
  keyAlgorithm?: KeyAlgorithm;
}

export function componentFileBase(commonName: string): string {
  return commonName.replace(/^system:/, '').replace(/[^A-Za-z0-9._-]/g, '-');
}

/**
 * A client certificate for a component (node agent, scheduler, controllers, mesh control),
 * signed by the cert dir's CA and kept beside it as <base>.crt/<base>.key. Files from an earlier
 * run are reused while they name the same identity, chain to the CA and have not expired.
 */
export async function issueComponentCredentials(certDir: string, opts: ComponentCredentialOptions): Promise<ComponentCredentials> {
  const ca: CertificateAuthority = {
    certPem: await readFile(path.join(certDir, CertFiles.caCert), 'utf8'),
    keyPem: await readFile(path.join(certDir, CertFiles.caKey), 'utf8'),
  };
  const base = opts.fileBase ?? componentFileBase(opts.commonName);
  const certPath = path.join(certDir, `${base}.crt`);
  const keyPath = path.join(certDir, `${base}.key`);

  if ((await exists(certPath)) && (await exists(keyPath))) {
    const certPem = await readFile(certPath, 'utf8');
    const keyPem = await readFile(keyPath, 'utf8');
    const subject = readCertificateFields(certPem).subject;
    const sameIdentity = subject.commonName === opts.commonName && JSON.stringify(subject.organizations) === JSON.stringify([...opts.organizations]);
    const x509 = new X509Certificate(certPem);
    const valid = leafWarnings(base, certPem, ca, new Date()).length === 0 && x509.checkPrivateKey(createPrivateKey(keyPem));
    if (sameIdentity && valid) return { certPem, keyPem, certPath, keyPath, created: false };
  }

  const made = issueClientCert(ca, {
    commonName: opts.commonName,
    organizations: opts.organizations,
    ...(opts.days === undefined ? {} : { days: opts.days }),
    ...(opts.keyAlgorithm ? { keyAlgorithm: opts.keyAlgorithm } : {}),
  });
  await writeAtomic(keyPath, made.keyPem, KEY_MODE);
  await writeAtomic(certPath, made.certPem, CERT_MODE);
  return { ...made, certPath, keyPath, created: true };
}
