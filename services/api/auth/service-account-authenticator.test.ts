import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { generatePrivateKey, publicKeyPem } from './pki.js';
import { serviceAccountTokenAuthenticator, userInfoFromClaims } from './service-account-authenticator.js';
import { serviceAccountClaims, signServiceAccountToken } from './service-account-token.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const key = generatePrivateKey();
const pub = publicKeyPem(key);

const sa = (uid: string, deletionTimestamp?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'builder', namespace: 'ci', uid, ...(deletionTimestamp ? { deletionTimestamp } : {}) },
});
const pod = (uid: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'runner', namespace: 'ci', uid } });

const token = signServiceAccountToken(
  key,
  serviceAccountClaims(
    { namespace: 'ci', serviceAccount: { name: 'builder', uid: 'sa-1' }, pod: { name: 'runner', uid: 'pod-1' }, node: { name: 'n1', uid: 'node-1' } },
    { now: NOW, jti: 'j1' },
  ),
);

describe('userInfoFromClaims', () => {
  it('gives the ServiceAccount user with Kubernetes groups and extras', () => {
    const claims = serviceAccountClaims(
      { namespace: 'ci', serviceAccount: { name: 'builder', uid: 'sa-1' }, pod: { name: 'runner', uid: 'pod-1' }, node: { name: 'n1', uid: 'node-1' } },
      { now: NOW, jti: 'j1' },
    );
    expect(userInfoFromClaims(claims)).toEqual({
      name: 'system:serviceaccount:ci:builder',
      uid: 'sa-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ci'],
      extra: {
        'authentication.kubernetes.io/pod-name': ['runner'],
        'authentication.kubernetes.io/pod-uid': ['pod-1'],
        'authentication.kubernetes.io/credential-id': ['JTI=j1'],
        'authentication.kubernetes.io/node-name': ['n1'],
        'authentication.kubernetes.io/node-uid': ['node-1'],
      },
    });
  });
});

describe('serviceAccountTokenAuthenticator', () => {
  const rejected: string[] = [];
  const make = (lookup?: { sa?: KubeObject; pod?: KubeObject }) =>
    serviceAccountTokenAuthenticator({
      publicKeys: pub,
      now: () => NOW,
      onRejected: (r) => rejected.push(r),
      ...(lookup ? { lookup: { getServiceAccount: () => lookup.sa, getPod: () => Promise.resolve(lookup.pod) } } : {}),
    });

  it('accepts a valid token whose objects still exist', async () => {
    expect((await make({ sa: sa('sa-1'), pod: pod('pod-1') })(token))?.name).toBe('system:serviceaccount:ci:builder');
  });

  it('without a lookup checks only the token', async () => {
    expect((await make()(token))?.uid).toBe('sa-1');
  });

  it.each<[string, { sa?: KubeObject; pod?: KubeObject }, string]>([
    ['a deleted ServiceAccount', { pod: pod('pod-1') }, 'serviceaccounts "builder" not found'],
    ['a recreated ServiceAccount', { sa: sa('sa-2'), pod: pod('pod-1') }, 'service account UID (sa-2) does not match claim (sa-1)'],
    ['a ServiceAccount deleted over a minute ago', { sa: sa('sa-1', '2025-06-01T11:58:00Z'), pod: pod('pod-1') }, 'service account ci/builder has been deleted'],
    ['a missing pod', { sa: sa('sa-1') }, 'pods "runner" not found'],
    ['a recreated pod', { sa: sa('sa-1'), pod: pod('pod-2') }, 'pod UID (pod-2) does not match claim (pod-1)'],
  ])('refuses a token for %s', async (_name, objects, reason) => {
    rejected.length = 0;
    expect(await make(objects)(token)).toBeUndefined();
    expect(rejected).toEqual([reason]);
  });

  it('still accepts during the minute after the ServiceAccount began deleting', async () => {
    expect(await make({ sa: sa('sa-1', '2025-06-01T11:59:30Z'), pod: pod('pod-1') })(token)).toBeDefined();
  });

  it('refuses a token signed by another key', async () => {
    rejected.length = 0;
    const other = signServiceAccountToken(generatePrivateKey(), serviceAccountClaims({ namespace: 'ci', serviceAccount: { name: 'builder', uid: 'sa-1' } }, { now: NOW }));
    expect(await make()(other)).toBeUndefined();
    expect(rejected).toEqual(['invalid signature']);
  });
});
