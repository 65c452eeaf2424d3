// The cluster's PKI: a self-signed CA and the server and client certificates it issues, as
// kubeadm makes them (CA 10 years, leaves 1 year, SHA-256 signatures, SKI/AKI, critical
// basicConstraints and keyUsage, serverAuth/clientAuth extended usage).
//
// Keys are ECDSA P-256 by default: node:crypto makes one in well under a millisecond where
// RSA-2048 takes tens to hundreds (it matters when every node and test issues certificates),
// handshakes are smaller, and Go's crypto/tls (kubectl), OpenSSL (Node) and kubeadm's
// "ECDSA-P256" all support it. RSA-2048 stays available for anyone who needs it.
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { DerError, Tag, children, decodeOid, der, readTlv } from './der.js';
import type { DerNode } from './der.js';

export type KeyAlgorithm = 'ecdsa-p256' | 'rsa-2048';

export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = 'ecdsa-p256';
export const CA_DAYS = 3650;
export const LEAF_DAYS = 365;
/** NotBefore is set this far in the past so hosts whose clocks lag a little accept new certificates. */
const CLOCK_SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

/** A certificate and its private key, both PEM. */
export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

/** The CA that signs: its certificate and key, PEM. */
export type CertificateAuthority = CertificateAndKey;

export interface IssueOptions {
  /** Validity in days from now (default 365). */
  days?: number;
  keyAlgorithm?: KeyAlgorithm;
  /** Issue time; defaults to the current time. */
  now?: Date;
}

export interface ServerCertOptions extends IssueOptions {
  commonName: string;
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
  organizations?: readonly string[];
}

export interface ClientCertOptions extends IssueOptions {
  commonName: string;
  organizations: readonly string[];
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;

/** KeyUsage bit numbers (RFC 5280 4.2.1.3). */
export const KeyUsageBit = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

export function generatePrivateKey(algorithm: KeyAlgorithm = DEFAULT_KEY_ALGORITHM): KeyObject {
  return algorithm === 'rsa-2048'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
}

/** PKCS#8 PEM ("PRIVATE KEY"), which Go's tls.X509KeyPair and OpenSSL both read. */
export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** PKIX PEM ("PUBLIC KEY"), the format of kube-apiserver's --service-account-key-file. */
export function publicKeyPem(key: KeyObject): string {
  return toPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** The public half (createPublicKey refuses a key that is already public). */
export function toPublicKey(key: KeyObject): KeyObject {
  return key.type === 'public' ? key : createPublicKey(key);
}

export function pemEncode(label: string, body: Uint8Array): string {
  const b64 = Buffer.from(body).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER of the first PEM block with this label. */
export function pemDecode(pem: string, label = 'CERTIFICATE'): Buffer {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!m?.[1]) throw new DerError(`no ${label} PEM block`);
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

function signatureAlgorithm(key: KeyObject): { identifier: Buffer; digest: string } {
  if (key.asymmetricKeyType === 'rsa') return { identifier: der.sequence(der.oid(OID.sha256WithRsa), der.null()), digest: 'sha256' };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'secp384r1') return { identifier: der.sequence(der.oid(OID.ecdsaWithSha384)), digest: 'sha384' };
    return { identifier: der.sequence(der.oid(OID.ecdsaWithSha256)), digest: 'sha256' };
  }
  throw new Error(`unsupported CA key type ${String(key.asymmetricKeyType)}`);
}

/** SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2, method 1), as Go computes it. */
export function subjectKeyIdentifier(publicKey: KeyObject): Buffer {
  const spki = readTlv(toPublicKey(publicKey).export({ type: 'spki', format: 'der' })).node;
  const bits = children(spki)[1];
  if (!bits || bits.tag !== Tag.BIT_STRING) throw new DerError('malformed SubjectPublicKeyInfo');
  return createHash('sha1').update(bits.content.subarray(1)).digest();
}

export interface DistinguishedName {
  commonName: string;
  organizations: readonly string[];
}

/** Name: one RDN per attribute, organizations first and the common name last, as Go orders them. */
function encodeName(name: DistinguishedName): Buffer {
  const rdn = (oid: string, value: string): Buffer => der.set(der.sequence(der.oid(oid), der.utf8(value)));
  return der.sequence(...name.organizations.map((o) => rdn(OID.organization, o)), rdn(OID.commonName, name.commonName));
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical ? der.sequence(der.oid(oid), der.boolean(true), der.octetString(value)) : der.sequence(der.oid(oid), der.octetString(value));
}

/** An IPv4 or IPv6 address as the 4 or 16 bytes of an iPAddress SAN. */
export function ipAddressBytes(ip: string): Buffer {
  const family = isIP(ip);
  if (family === 4) return Buffer.from(ip.split('.').map((p) => Number(p)));
  if (family !== 6) throw new Error(`not an IP address: ${ip}`);
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups first.
  const text = ip.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) => {
    const hex = (hi: string, lo: string): string => ((Number(hi) << 8) | Number(lo)).toString(16);
    return `${hex(a, b)}:${hex(c, d)}`;
  });
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const [head = '', rest] = text.split('::');
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const groups = rest === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

interface CertificateSpec {
  subject: DistinguishedName;
  subjectKey: KeyObject;
  isCa: boolean;
  keyUsage: readonly number[];
  extKeyUsage: readonly string[];
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
  notBefore: Date;
  notAfter: Date;
}

interface Issuer {
  name: Buffer;
  key: KeyObject;
  keyId: Buffer | undefined;
}

function buildCertificate(spec: CertificateSpec, issuer: Issuer): string {
  const publicKey = toPublicKey(spec.subjectKey);
  const spkiDer = publicKey.export({ type: 'spki', format: 'der' });
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive, as RFC 5280 requires
  const alg = signatureAlgorithm(issuer.key);

  const exts: Buffer[] = [];
  exts.push(extension(OID.keyUsage, true, der.namedBits(spec.keyUsage)));
  if (spec.extKeyUsage.length > 0) exts.push(extension(OID.extKeyUsage, false, der.sequence(...spec.extKeyUsage.map((o) => der.oid(o)))));
  exts.push(extension(OID.basicConstraints, true, spec.isCa ? der.sequence(der.boolean(true)) : der.sequence()));
  exts.push(extension(OID.subjectKeyIdentifier, false, der.octetString(subjectKeyIdentifier(publicKey))));
  if (issuer.keyId && !spec.isCa) exts.push(extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicitPrimitive(0, issuer.keyId))));
  const sans = [
    ...spec.dnsNames.map((d) => der.implicitPrimitive(2, Buffer.from(d, 'ascii'))),
    ...spec.ipAddresses.map((ip) => der.implicitPrimitive(7, ipAddressBytes(ip))),
  ];
  if (sans.length > 0) exts.push(extension(OID.subjectAltName, false, der.sequence(...sans)));

  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(serial),
    alg.identifier,
    issuer.name,
    der.sequence(der.time(spec.notBefore), der.time(spec.notAfter)),
    encodeName(spec.subject),
    spkiDer,
    der.explicit(3, der.sequence(...exts)),
  );
  const signature = sign(alg.digest, tbs, issuer.key);
  return pemEncode('CERTIFICATE', der.sequence(tbs, alg.identifier, der.bitString(signature)));
}

function validity(opts: IssueOptions, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const now = opts.now ?? new Date();
  const days = opts.days ?? defaultDays;
  // Whole seconds: certificate times carry no fractions.
  const base = Math.floor(now.getTime() / 1000) * 1000;
  return { notBefore: new Date(base - CLOCK_SKEW_MS), notAfter: new Date(base + days * DAY_MS) };
}

/** A self-signed CA certificate and its key. */
export function createCa(commonName: string, opts: IssueOptions = {}): CertificateAuthority {
  const key = generatePrivateKey(opts.keyAlgorithm);
  const subject = { commonName, organizations: [] };
  const certPem = buildCertificate(
    {
      subject,
      subjectKey: key,
      isCa: true,
      keyUsage: [KeyUsageBit.digitalSignature, KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign],
      extKeyUsage: [],
      dnsNames: [],
      ipAddresses: [],
      ...validity(opts, CA_DAYS),
    },
    { name: encodeName(subject), key, keyId: undefined },
  );
  return { certPem, keyPem: privateKeyPem(key) };
}

function issuerOf(ca: CertificateAuthority): Issuer {
  const key = createPrivateKey(ca.keyPem);
  const x509 = new X509Certificate(ca.certPem);
  if (!x509.ca) throw new Error('the CA certificate is not a CA (basicConstraints CA:FALSE)');
  if (!x509.checkPrivateKey(key)) throw new Error('the CA key does not match the CA certificate');
  const fields = readCertificateFields(ca.certPem);
  return { name: fields.subjectRaw, key, keyId: fields.subjectKeyId ?? subjectKeyIdentifier(x509.publicKey) };
}

function leafKeyUsage(key: KeyObject): number[] {
  // keyEncipherment only means something for RSA key transport.
  return key.asymmetricKeyType === 'rsa' ? [KeyUsageBit.digitalSignature, KeyUsageBit.keyEncipherment] : [KeyUsageBit.digitalSignature];
}

/** A serving certificate (serverAuth) with DNS and IP SANs. */
export function issueServerCert(ca: CertificateAuthority, opts: ServerCertOptions): CertificateAndKey {
  const key = generatePrivateKey(opts.keyAlgorithm);
  const certPem = buildCertificate(
    {
      subject: { commonName: opts.commonName, organizations: opts.organizations ?? [] },
      subjectKey: key,
      isCa: false,
      keyUsage: leafKeyUsage(key),
      extKeyUsage: [OID.serverAuth],
      dnsNames: [...new Set(opts.dnsNames)],
      ipAddresses: [...new Set(opts.ipAddresses)],
      ...validity(opts, LEAF_DAYS),
    },
    issuerOf(ca),
  );
  return { certPem, keyPem: privateKeyPem(key) };
}

/** A client certificate (clientAuth): Kubernetes reads the user from CN and the groups from O. */
export function issueClientCert(ca: CertificateAuthority, opts: ClientCertOptions): CertificateAndKey {
  const key = generatePrivateKey(opts.keyAlgorithm);
  const certPem = buildCertificate(
    {
      subject: { commonName: opts.commonName, organizations: opts.organizations },
      subjectKey: key,
      isCa: false,
      keyUsage: leafKeyUsage(key),
      extKeyUsage: [OID.clientAuth],
      dnsNames: [],
      ipAddresses: [],
      ...validity(opts, LEAF_DAYS),
    },
    issuerOf(ca),
  );
  return { certPem, keyPem: privateKeyPem(key) };
}

/** What the PKI needs to know about an existing certificate, read from its DER. */
export interface CertificateFields {
  subjectRaw: Buffer;
  subject: DistinguishedName;
  subjectKeyId: Buffer | undefined;
  /** KeyUsage bit numbers that are set, if the extension is present. */
  keyUsage: number[] | undefined;
  basicConstraintsCritical: boolean | undefined;
}

function readName(node: DerNode): DistinguishedName {
  let commonName = '';
  const organizations: string[] = [];
  for (const rdn of children(node)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (!type || !value) continue;
      const oid = decodeOid(type.content);
      const text = value.content.toString(value.tag === Tag.UTF8_STRING ? 'utf8' : 'latin1');
      if (oid === OID.commonName) commonName = text;
      else if (oid === OID.organization) organizations.push(text);
    }
  }
  return { commonName, organizations };
}

function readNamedBits(content: Buffer): number[] {
  const bits: number[] = [];
  content.subarray(1).forEach((byte, i) => {
    for (let b = 0; b < 8; b++) if (byte & (0x80 >> b)) bits.push(i * 8 + b);
  });
  return bits;
}

export function readCertificateFields(certPem: string): CertificateFields {
  const cert = readTlv(pemDecode(certPem)).node;
  const tbs = children(cert)[0];
  if (!tbs) throw new DerError('malformed certificate');
  const parts = children(tbs);
  const offset = parts[0]?.tag === 0xa0 ? 1 : 0;
  const subject = parts[offset + 4];
  if (!subject) throw new DerError('malformed TBSCertificate');
  const fields: CertificateFields = {
    subjectRaw: Buffer.from(subject.raw),
    subject: readName(subject),
    subjectKeyId: undefined,
    keyUsage: undefined,
    basicConstraintsCritical: undefined,
  };
  const extWrapper = parts.find((p) => p.tag === 0xa3);
  const extList = extWrapper ? children(extWrapper)[0] : undefined;
  for (const ext of extList ? children(extList) : []) {
    const items = children(ext);
    const oid = items[0] ? decodeOid(items[0].content) : '';
    const critical = items[1]?.tag === Tag.BOOLEAN && items[1].content[0] !== 0;
    const value = items[items.length - 1];
    if (!value || value.tag !== Tag.OCTET_STRING) continue;
    const inner = readTlv(value.content).node;
    if (oid === OID.subjectKeyIdentifier) fields.subjectKeyId = Buffer.from(inner.content);
    else if (oid === OID.keyUsage) fields.keyUsage = readNamedBits(inner.content);
    else if (oid === OID.basicConstraints) fields.basicConstraintsCritical = critical;
  }
  return fields;
}
