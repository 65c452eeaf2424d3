import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { StatusError } from '../../../lib/api/status-error.js';
import { generatePrivateKey, publicKeyPem } from './pki.js';
import { verifyServiceAccountToken } from './service-account-token.js';
import { issueTokenRequest } from './token-request.js';
import type { TokenRequestInput } from './token-request.js';

const NOW = new Date('2025-06-01T12:00:00.500Z');
const key = generatePrivateKey();
const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'ci', uid: 'sa-1' } };
const pods: Record<string, KubeObject> = {
  runner: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'runner', namespace: 'ci', uid: 'pod-1' }, spec: { serviceAccountName: 'builder', nodeName: 'n1' } },
  other: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', namespace: 'ci', uid: 'pod-2' }, spec: { serviceAccountName: 'default' } },
};
const base = (body: unknown, more: Partial<TokenRequestInput> = {}): TokenRequestInput => ({
  body,
  serviceAccount: sa,
  signingKey: key,
  now: NOW,
  getPod: (_ns, name) => pods[name],
  getNode: (name) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-of-${name}` } }),
  ...more,
});

async function failure(input: TokenRequestInput): Promise<StatusError> {
  try {
    await issueTokenRequest(input);
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('issueTokenRequest', () => {
  it('defaults audiences and expiration and answers with status.token and expirationTimestamp', async () => {
    const { tokenRequest, warnings } = await issueTokenRequest(base({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} }));
    expect(warnings).toEqual([]);
    expect(tokenRequest).toMatchObject({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: 'builder', namespace: 'ci', creationTimestamp: '2025-06-01T12:00:00Z' },
      spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600, boundObjectRef: null },
      status: { expirationTimestamp: '2025-06-01T13:00:00Z' },
    });
    const v = verifyServiceAccountToken(publicKeyPem(key), tokenRequest.status.token, NOW);
    expect(v.ok && v.claims['kubernetes.io']).toEqual({ namespace: 'ci', serviceaccount: { name: 'builder', uid: 'sa-1' } });
  });

  it('binds to a pod and its node', async () => {
    const { tokenRequest } = await issueTokenRequest(
      base({ spec: { audiences: ['vault'], expirationSeconds: 7200, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'runner' } } }),
    );
    expect(tokenRequest.spec).toEqual({ audiences: ['vault'], expirationSeconds: 7200, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'runner', uid: 'pod-1' } });
    const v = verifyServiceAccountToken(publicKeyPem(key), tokenRequest.status.token, NOW, { audiences: ['vault'] });
    expect(v.ok && v.claims['kubernetes.io']).toEqual({
      namespace: 'ci',
      serviceaccount: { name: 'builder', uid: 'sa-1' },
      pod: { name: 'runner', uid: 'pod-1' },
      node: { name: 'n1', uid: 'uid-of-n1' },
    });
  });

  it('shortens to the maximum expiration with a warning', async () => {
    const r = await issueTokenRequest(base({ spec: { expirationSeconds: 100000 } }, { maxExpirationSeconds: 86400 }));
    expect(r.tokenRequest.spec.expirationSeconds).toBe(86400);
    expect(r.warnings).toEqual(['requested expiration of 100000 seconds shortened to 86400 seconds']);
  });

  it.each<[string, unknown, number, string]>([
    [
      'too short',
      { spec: { expirationSeconds: 599 } },
      422,
      'TokenRequest.authentication.k8s.io "builder" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
    ],
    [
      'too long',
      { spec: { expirationSeconds: 2 ** 32 + 1 } },
      422,
      'TokenRequest.authentication.k8s.io "builder" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds',
    ],
    [
      'another name',
      { metadata: { name: 'x' } },
      422,
      'TokenRequest.authentication.k8s.io "builder" is invalid: metadata.name: Invalid value: "x": must match the service account name if specified',
    ],
    [
      'a pod of another ServiceAccount',
      { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'other' } } },
      400,
      'cannot bind token for serviceaccount "builder" to pod running with different serviceaccount name.',
    ],
    ['a missing pod', { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'gone' } } }, 404, 'pods "gone" not found'],
    [
      'a stale pod UID',
      { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'runner', uid: 'old' } } },
      409,
      'Operation cannot be fulfilled on Pod "runner": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated',
    ],
    ['an unsupported kind', { spec: { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'c' } } }, 400, 'cannot bind token to object of type /v1, Kind=ConfigMap'],
  ])('refuses %s', async (_name, body, code, message) => {
    const err = await failure(base(body));
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
  });
});
