// TLS settings for the API server's listener: serve the cluster certificate, ask every client
// for a certificate but let the handshake succeed without one (bearer tokens and anonymous
// requests still need to get through), and leave the verdict in socket.authorized for
// authenticate() to act on, as kube-apiserver's VerifyClientCertIfGiven does.
import type { TlsOptions } from 'node:tls';
import type { CertificateAndKey, CertificateAuthority } from './pki.js';

export function apiServerTlsOptions(files: { ca: CertificateAuthority; server: CertificateAndKey }): TlsOptions {
  return {
    key: files.server.keyPem,
    cert: files.server.certPem,
    ca: [files.ca.certPem],
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  };
}
