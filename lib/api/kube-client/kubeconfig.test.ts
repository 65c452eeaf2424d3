import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { InvalidConfigurationError, KubeconfigError, mergeKubeconfigs, parseKubeconfig } from './kubeconfig.js';
import { kubeconfigPaths, loadKubeconfig } from './kubeconfig-loader.js';
import { DEFAULT_SERVER, restConfigFrom, selectContext } from './rest-config.js';

const A = `
apiVersion: v1
kind: Config
current-context: a@one
clusters:
- name: one
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: pki/ca.crt
- name: two
  cluster:
    server: https://10.0.0.2:6443
    certificate-authority-data: ${Buffer.from('CA-TWO').toString('base64')}
    insecure-skip-tls-verify: true
users:
- name: a
  user:
    client-certificate: /abs/a.crt
    client-key: a.key
- name: b
  user:
    token: tok-b
contexts:
- name: a@one
  context: {cluster: one, user: a}
- name: b@two
  context: {cluster: two, user: b, namespace: team}
`;

const B = `
current-context: b@two
clusters:
- name: one
  cluster: {server: https://shadowed:1}
- name: three
  cluster: {server: https://10.0.0.3:6443}
users:
- name: c
  user: {token: tok-c}
contexts:
- name: c@three
  context: {cluster: three, user: c}
`;

describe('parseKubeconfig', () => {
  it('reads clusters, users, contexts and the current context, resolving relative paths', () => {
    const cfg = parseKubeconfig(A, '/home/u/.kube/config');
    expect(cfg.currentContext).toBe('a@one');
    expect(cfg.clusters.get('one')).toEqual({ server: 'https://10.0.0.1:6443', certificateAuthority: '/home/u/.kube/pki/ca.crt' });
    expect(cfg.clusters.get('two')).toEqual({ server: 'https://10.0.0.2:6443', certificateAuthorityData: Buffer.from('CA-TWO').toString('base64'), insecureSkipTlsVerify: true });
    expect(cfg.users.get('a')).toEqual({ clientCertificate: '/abs/a.crt', clientKey: '/home/u/.kube/a.key' });
    expect(cfg.users.get('b')).toEqual({ token: 'tok-b' });
    expect(cfg.contexts.get('b@two')).toEqual({ cluster: 'two', user: 'b', namespace: 'team' });
  });

  it('treats an empty file as an empty config and reports bad YAML with the file name', () => {
    expect(parseKubeconfig('', '/x').contexts.size).toBe(0);
    expect(() => parseKubeconfig('clusters: [\n', '/bad/config')).toThrow(/^error loading config file "\/bad\/config": /);
    expect(() => parseKubeconfig('clusters: 3', '/bad/config')).toThrow(KubeconfigError);
  });
});

describe('mergeKubeconfigs', () => {
  it('keeps the first definition of each name and the first current-context', () => {
    const merged = mergeKubeconfigs([parseKubeconfig(A, '/a/config'), parseKubeconfig(B, '/b/config')]);
    expect(merged.currentContext).toBe('a@one');
    expect(merged.clusters.get('one')?.server).toBe('https://10.0.0.1:6443');
    expect([...merged.clusters.keys()]).toEqual(['one', 'two', 'three']);
    expect([...merged.contexts.keys()]).toEqual(['a@one', 'b@two', 'c@three']);
    expect(merged.users.get('c')).toEqual({ token: 'tok-c' });
  });

  it('takes the current-context from a later file when earlier files leave it empty', () => {
    const merged = mergeKubeconfigs([parseKubeconfig('clusters: []'), parseKubeconfig(B)]);
    expect(merged.currentContext).toBe('b@two');
  });
});

describe('kubeconfigPaths', () => {
  it.each([
    [{ explicitPath: 'k.yaml', envValue: '/e1', homeDir: '/h', cwd: '/w' }, { paths: ['/w/k.yaml'], mustExist: true }],
    [{ envValue: '/e1::/e2:/e1', homeDir: '/h', cwd: '/w' }, { paths: ['/e1', '/e2'], mustExist: false }],
    [{ envValue: '', homeDir: '/h', cwd: '/w' }, { paths: ['/h/.kube/config'], mustExist: false }],
    [{ cwd: '/w' }, { paths: [], mustExist: false }],
  ])('%j', (src, want) => {
    expect(kubeconfigPaths(src)).toEqual(want);
  });
});

describe('selectContext', () => {
  const cfg = mergeKubeconfigs([parseKubeconfig(A, '/a/config'), parseKubeconfig(B, '/b/config')]);

  it('uses the current context and "default" when the context names no namespace', () => {
    const s = selectContext(cfg);
    expect(s.contextName).toBe('a@one');
    expect(s.cluster.server).toBe('https://10.0.0.1:6443');
    expect(s.namespace).toBe('default');
    expect(s.explicitNamespace).toBe(false);
  });

  it('honours --context, -n, --server and --token', () => {
    const s = selectContext(cfg, { context: 'b@two' });
    expect(s.namespace).toBe('team');
    expect(s.user.token).toBe('tok-b');
    const o = selectContext(cfg, { context: 'b@two', namespace: 'other', server: 'https://override:1', token: 't2' });
    expect(o.namespace).toBe('other');
    expect(o.explicitNamespace).toBe(true);
    expect(o.cluster.server).toBe('https://override:1');
    expect(o.user.token).toBe('t2');
  });

  it('rejects unknown names as kubectl does', () => {
    expect(() => selectContext(cfg, { context: 'nope' })).toThrow(InvalidConfigurationError);
    expect(() => selectContext(cfg, { context: 'nope' })).toThrow('context was not found for specified context: nope');
    expect(() => selectContext(cfg, { cluster: 'nope' })).toThrow('no server found for cluster "nope"');
    expect(() => selectContext(cfg, { user: 'nope' })).toThrow('auth info "nope" does not exist');
  });

  it('falls back to localhost:8080 without any configuration', () => {
    expect(selectContext(mergeKubeconfigs([])).cluster.server).toBe(DEFAULT_SERVER);
  });
});

describe('loading files', () => {
  it('merges KUBECONFIG files, skips missing ones and reads certificate files relative to their file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-test-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'ca.crt'), 'CA-PEM');
    writeFileSync(path.join(dir, 'a.crt'), 'CERT-PEM');
    writeFileSync(path.join(dir, 'a.key'), 'KEY-PEM');
    const first = path.join(dir, 'first');
    writeFileSync(
      first,
      `current-context: x\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1/', certificate-authority: ca.crt}\nusers:\n- name: u\n  user: {client-certificate: a.crt, client-key: a.key}\ncontexts:\n- name: x\n  context: {cluster: c, user: u, namespace: ns1}\n`,
    );
    const cfg = await loadKubeconfig({ envValue: [path.join(dir, 'missing'), first].join(path.delimiter), cwd: dir });
    const rest = await restConfigFrom(selectContext(cfg));
    expect(rest.server).toBe('https://127.0.0.1:1');
    expect(rest.caPem?.toString()).toBe('CA-PEM');
    expect(rest.clientCertPem?.toString()).toBe('CERT-PEM');
    expect(rest.clientKeyPem?.toString()).toBe('KEY-PEM');
    expect(rest.namespace).toBe('ns1');
    await expect(loadKubeconfig({ explicitPath: path.join(dir, 'missing') })).rejects.toThrow(`stat ${path.join(dir, 'missing')}: no such file or directory`);
  });

  it('decodes *-data fields', async () => {
    const cfg = parseKubeconfig(A);
    const rest = await restConfigFrom(selectContext(cfg, { context: 'b@two' }));
    expect(rest.caPem?.toString()).toBe('CA-TWO');
    expect(rest.insecureSkipTlsVerify).toBe(true);
    expect(rest.token).toBe('tok-b');
  });
});
