import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createServer, request } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, peerCertificateOf } from './authenticate.js';
import type { PeerCertificateInfo } from './authenticate.js';
import { KeyUsageBit, createCa, ipAddressBytes, issueClientCert, issueServerCert, readCertificateFields } from './pki.js';
import type { CertificateAndKey } from './pki.js';
import { apiServerTlsOptions } from './tls-options.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

describe('createCa', () => {
  const ca = createCa('kubernetes');
  const x = new X509Certificate(ca.certPem);

  it('is a self-signed CA with critical basicConstraints and certificate-signing key usage', () => {
    expect(x.ca).toBe(true);
    expect(x.subject).toBe('CN=kubernetes');
    expect(x.issuer).toBe('CN=kubernetes');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
    const f = readCertificateFields(ca.certPem);
    expect(f.basicConstraintsCritical).toBe(true);
    expect(f.keyUsage).toEqual([KeyUsageBit.digitalSignature, KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign]);
    expect(f.subjectKeyId?.length).toBe(20);
  });

  it('uses ECDSA P-256 by default and lasts ten years', () => {
    expect(x.publicKey.asymmetricKeyType).toBe('ec');
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const years = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / (365 * 86_400_000);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
  });

  it('backdates notBefore a little for clock skew', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const c = new X509Certificate(createCa('x', { now }).certPem);
    expect(new Date(c.validFrom).toISOString()).toBe('2029-12-31T23:55:00.000Z');
  });
});

describe('issued certificates', () => {
  const ca = createCa('kubernetes');
  const caX = new X509Certificate(ca.certPem);
  const server = issueServerCert(ca, {
    commonName: 'kube-apiserver',
    dnsNames: ['localhost', 'kubernetes.default.svc'],
    ipAddresses: ['127.0.0.1', '10.96.0.1', '::1'],
    days: 30,
  });
  const client = issueClientCert(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters', 'team-a'], days: 365 });

  it('server certificate: issuer, subject, SANs, serverAuth, not a CA, verifies against the CA', () => {
    const x = new X509Certificate(server.certPem);
    expect(x.issuer).toBe('CN=kubernetes');
    expect(x.subject).toBe('CN=kube-apiserver');
    expect(x.subjectAltName).toContain('DNS:localhost');
    expect(x.subjectAltName).toContain('DNS:kubernetes.default.svc');
    expect(x.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x.subjectAltName).toContain('IP Address:10.96.0.1');
    expect(x.checkIP('::1')).toBe('::1');
    expect(x.checkHost('kubernetes.default.svc')).toBe('kubernetes.default.svc');
    expect(x.checkHost('evil.example')).toBeUndefined();
    expect(x.keyUsage).toEqual([SERVER_AUTH]);
    expect(x.ca).toBe(false);
    expect(x.checkIssued(caX)).toBe(true);
    expect(x.verify(caX.publicKey)).toBe(true);
    expect(readCertificateFields(server.certPem).keyUsage).toEqual([KeyUsageBit.digitalSignature]);
    const days = (Date.parse(x.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
  });

  it('client certificate: CN is the user, each O a group, clientAuth, verifies against the CA', () => {
    const x = new X509Certificate(client.certPem);
    expect(readCertificateFields(client.certPem).subject).toEqual({ commonName: 'kubernetes-admin', organizations: ['system:masters', 'team-a'] });
    expect(x.keyUsage).toEqual([CLIENT_AUTH]);
    expect(x.verify(caX.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(client.keyPem))).toBe(true);
  });

  it('does not verify against another CA', () => {
    const other = new X509Certificate(createCa('other').certPem);
    expect(new X509Certificate(client.certPem).verify(other.publicKey)).toBe(false);
    expect(new X509Certificate(client.certPem).checkIssued(other)).toBe(false);
  });

  it('serial numbers are positive and unique', () => {
    const a = new X509Certificate(issueClientCert(ca, { commonName: 'a', organizations: [] }).certPem);
    const b = new X509Certificate(issueClientCert(ca, { commonName: 'a', organizations: [] }).certPem);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(parseInt(a.serialNumber.slice(0, 2), 16)).toBeLessThan(0x80);
  });

  it('supports RSA-2048 CAs and leaves (sha256WithRSAEncryption, keyEncipherment)', () => {
    const rsaCa = createCa('rsa-ca', { keyAlgorithm: 'rsa-2048' });
    const leaf = issueServerCert(rsaCa, { commonName: 's', dnsNames: ['s'], ipAddresses: [], keyAlgorithm: 'rsa-2048' });
    const x = new X509Certificate(leaf.certPem);
    expect(x.publicKey.asymmetricKeyType).toBe('rsa');
    expect(x.verify(new X509Certificate(rsaCa.certPem).publicKey)).toBe(true);
    expect(readCertificateFields(leaf.certPem).keyUsage).toEqual([KeyUsageBit.digitalSignature, KeyUsageBit.keyEncipherment]);
  });

  it('refuses to sign with a CA whose key does not match', () => {
    const other = createCa('other');
    expect(() => issueClientCert({ certPem: ca.certPem, keyPem: other.keyPem }, { commonName: 'x', organizations: [] })).toThrow('does not match');
    expect(() => issueClientCert({ certPem: client.certPem, keyPem: client.keyPem }, { commonName: 'x', organizations: [] })).toThrow('not a CA');
  });
});

describe('ipAddressBytes', () => {
  it.each([
    ['10.96.0.1', '0a600001'],
    ['::1', '00000000000000000000000000000001'],
    ['fe80::1:2', 'fe800000000000000000000000010002'],
    ['::ffff:10.0.0.1', '00000000000000000000ffff0a000001'],
    ['2001:db8:0:0:0:0:0:1', '20010db8000000000000000000000001'],
  ])('%s', (ip, expected) => {
    expect(ipAddressBytes(ip).toString('hex')).toBe(expected);
  });
});

describe('TLS with the issued certificates (loopback)', () => {
  const ca = createCa('kubernetes');
  const server = issueServerCert(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost', 'kubernetes.default.svc'], ipAddresses: ['127.0.0.1'] });
  let srv: Server;
  let port = 0;
  const seen: (PeerCertificateInfo | undefined)[] = [];

  beforeAll(async () => {
    srv = createServer(apiServerTlsOptions({ ca, server }), (req, res) => {
      const peer = peerCertificateOf(req.socket as TLSSocket);
      seen.push(peer);
      void authenticate({ peerCertificate: peer, authorization: req.headers.authorization }, { verifyToken: () => undefined }).then((user) => {
        res.writeHead(user ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(user ?? null));
      });
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    port = (srv.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });

  const get = (opts: { client?: CertificateAndKey; ca?: string; servername?: string }): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/',
          agent: false,
          ca: opts.ca ?? ca.certPem,
          ...(opts.servername ? { servername: opts.servername } : {}),
          ...(opts.client ? { cert: opts.client.certPem, key: opts.client.keyPem } : {}),
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('a client with a CA-signed certificate is authenticated as CN with O groups', async () => {
    const client = issueClientCert(ca, { commonName: 'system:node:n1', organizations: ['system:nodes'] });
    const res = await get({ client });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] });
    expect(seen.at(-1)).toEqual({ subject: expect.objectContaining({ CN: 'system:node:n1', O: 'system:nodes' }) as unknown, verified: true });
  });

  it('several organizations arrive as an array', async () => {
    const client = issueClientCert(ca, { commonName: 'alice', organizations: ['dev', 'ops'] });
    const res = await get({ client });
    expect(res.body).toEqual({ name: 'alice', groups: ['dev', 'ops', 'system:authenticated'] });
  });

  it('the server certificate is valid for its DNS SANs', async () => {
    const client = issueClientCert(ca, { commonName: 'bob', organizations: [] });
    expect((await get({ client, servername: 'kubernetes.default.svc' })).status).toBe(200);
    await expect(get({ client, servername: 'other.example' })).rejects.toThrow(/altnames/);
  });

  it('a client that does not trust the CA refuses the server', async () => {
    await expect(get({ ca: createCa('other').certPem })).rejects.toThrow(/self-signed|unable to verify|certificate/i);
  });

  it('a certificate from another CA is presented but not verified: 401', async () => {
    const stranger = issueClientCert(createCa('other'), { commonName: 'mallory', organizations: ['system:masters'] });
    const res = await get({ client: stranger });
    expect(res.status).toBe(401);
    expect(seen.at(-1)?.verified).toBe(false);
  });

  it('a serving certificate is not accepted as a client certificate', async () => {
    const res = await get({ client: server });
    expect(res.status).toBe(401);
  });

  it('no client certificate: no peer certificate, no user', async () => {
    const res = await get({});
    expect(res.status).toBe(401);
    expect(seen.at(-1)).toBeUndefined();
  });
});
