import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubeconfigYaml } from './kubeconfig.js';

describe('kubeconfigYaml', () => {
  it('writes one cluster, user and context with inline base64 data, as kubectl lays it out', () => {
    const text = kubeconfigYaml({
      server: 'https://10.10.0.11:6443',
      caPem: 'CA',
      clientCertPem: 'CERT',
      clientKeyPem: 'KEY',
      clusterName: 'local',
      userName: 'kubernetes-admin',
      contextName: 'kubernetes-admin@local',
    });
    expect(text).toBe(
      [
        'apiVersion: v1',
        'clusters:',
        '- cluster:',
        '    certificate-authority-data: Q0E=',
        '    server: https://10.10.0.11:6443',
        '  name: local',
        'contexts:',
        '- context:',
        '    cluster: local',
        '    user: kubernetes-admin',
        '  name: kubernetes-admin@local',
        'current-context: kubernetes-admin@local',
        'kind: Config',
        'preferences: {}',
        'users:',
        '- name: kubernetes-admin',
        '  user:',
        '    client-certificate-data: Q0VSVA==',
        '    client-key-data: S0VZ',
        '',
      ].join('\n'),
    );
  });

  it('supports a token user and a default namespace', () => {
    const cfg = parse(
      kubeconfigYaml({ server: 'https://s', caPem: 'CA', token: 'tok', clusterName: 'c', userName: 'u', contextName: 'x', namespace: 'shop' }),
    ) as { users: { user: unknown }[]; contexts: { context: unknown }[] };
    expect(cfg.users[0]?.user).toEqual({ token: 'tok' });
    expect(cfg.contexts[0]?.context).toEqual({ cluster: 'c', namespace: 'shop', user: 'u' });
  });
});
