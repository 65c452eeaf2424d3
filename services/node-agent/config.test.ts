import os from 'node:os';
import { describe, expect, it } from 'vitest';
import type { NodeAgentConfig } from './config.js';
import { ConfigError, HELP, parseNodeAgentArgs } from './config.js';

const FLAGS = [
  'kubeconfig', 'node-name', 'hostname-override', 'node-ip', 'node-labels', 'root-dir', 'container-runtime-endpoint', 'pod-infra-container-image',
  'address', 'port', 'tls-cert-file', 'tls-private-key-file', 'client-ca-file', 'healthz-bind-address', 'healthz-port', 'cluster-dns',
  'cluster-domain', 'serve-dns', 'proxy-mode', 'cluster-cidr', 'pod-bridge', 'metrics-bind-address', 'min-sync-period', 'sync-period',
  'sync-frequency', 'node-lease-duration-seconds', 'runtime-node-id',
];

function parse(argv: string[], env: NodeJS.ProcessEnv = {}): NodeAgentConfig {
  const c = parseNodeAgentArgs(argv, env);
  if (c === 'help') throw new Error('unexpected help');
  return c;
}

function error(argv: string[]): ConfigError {
  try {
    parseNodeAgentArgs(argv, {});
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('parseNodeAgentArgs', () => {
  it('defaults every flag but --node-ip', () => {
    expect(parse(['--node-ip', '10.10.0.21', '--node-name', 'n1'])).toEqual({
      kubeconfig: undefined,
      nodeName: 'n1',
      nodeIP: '10.10.0.21',
      nodeLabels: {},
      runtimeNodeId: 'n1',
      rootDir: '/var/lib/kubelet',
      containerRuntimeEndpoint: 'unix:///var/run/docker.sock',
      podInfraContainerImage: 'mesh/pause:latest',
      address: '0.0.0.0',
      port: 10250,
      tlsCertFile: undefined,
      tlsPrivateKeyFile: undefined,
      clientCAFile: undefined,
      healthzBindAddress: '127.0.0.1',
      healthzPort: 10248,
      clusterDNS: '10.96.0.10',
      clusterDomain: 'cluster.local',
      serveDNS: true,
      proxyMode: 'nftables',
      clusterCIDR: '10.244.0.0/16',
      podBridge: 'cni0',
      metricsBindAddress: '127.0.0.1:10249',
      minSyncPeriodMs: 1000,
      syncPeriodMs: 30_000,
      syncFrequencyMs: 10_000,
      nodeLeaseDurationSeconds: 40,
    });
  });

  it('names the node after the host, lowercased, by default', () => {
    expect(parse(['--node-ip', '10.10.0.21']).nodeName).toBe(os.hostname().toLowerCase());
  });

  it('takes --hostname-override, --node-name first, lowercased', () => {
    expect(parse(['--node-ip', '10.10.0.21', '--hostname-override', 'Node-A']).nodeName).toBe('node-a');
    expect(parse(['--node-ip', '10.10.0.21', '--hostname-override', 'node-a', '--node-name', 'node-b']).nodeName).toBe('node-b');
  });

  it('reads KUBECONFIG from the environment unless --kubeconfig is given', () => {
    expect(parse(['--node-ip', '10.10.0.21', '--node-name', 'n1'], { KUBECONFIG: '/etc/kube/node.conf' }).kubeconfig).toBe('/etc/kube/node.conf');
    expect(parse(['--node-ip', '10.10.0.21', '--node-name', 'n1'], { KUBECONFIG: '' }).kubeconfig).toBeUndefined();
    expect(parse(['--node-ip', '10.10.0.21', '--node-name', 'n1', '--kubeconfig', '/k'], { KUBECONFIG: '/etc/kube/node.conf' }).kubeconfig).toBe('/k');
  });

  it('takes every flag, in both --flag value and --flag=value forms', () => {
    const argv = [
      '--kubeconfig=/etc/kube/node.conf',
      '--node-name', 'worker-1',
      '--node-ip', '10.10.0.22',
      '--node-labels=zone=a,role=edge,empty=',
      '--root-dir', '/srv/kubelet',
      '--container-runtime-endpoint', 'unix:///run/docker.sock',
      '--pod-infra-container-image', 'mesh/pause:3.9',
      '--address', '10.10.0.22',
      '--port', '11250',
      '--tls-cert-file', '/pki/kubelet.crt',
      '--tls-private-key-file', '/pki/kubelet.key',
      '--client-ca-file', '/pki/ca.crt',
      '--healthz-bind-address', '0.0.0.0',
      '--healthz-port', '0',
      '--cluster-dns', '10.96.0.53',
      '--cluster-domain', 'example.org',
      '--serve-dns', 'false',
      '--proxy-mode', 'ipvs',
      '--cluster-cidr', '10.32.0.0/12',
      '--pod-bridge', 'br-pods',
      '--metrics-bind-address', '',
      '--min-sync-period', '500ms',
      '--sync-period', '1m30s',
      '--sync-frequency', '1m',
      '--node-lease-duration-seconds', '20',
      '--runtime-node-id', 'local-w1',
    ];
    expect(parse(argv)).toEqual({
      kubeconfig: '/etc/kube/node.conf',
      nodeName: 'worker-1',
      nodeIP: '10.10.0.22',
      nodeLabels: { zone: 'a', role: 'edge', empty: '' },
      runtimeNodeId: 'local-w1',
      rootDir: '/srv/kubelet',
      containerRuntimeEndpoint: 'unix:///run/docker.sock',
      podInfraContainerImage: 'mesh/pause:3.9',
      address: '10.10.0.22',
      port: 11250,
      tlsCertFile: '/pki/kubelet.crt',
      tlsPrivateKeyFile: '/pki/kubelet.key',
      clientCAFile: '/pki/ca.crt',
      healthzBindAddress: '0.0.0.0',
      healthzPort: 0,
      clusterDNS: '10.96.0.53',
      clusterDomain: 'example.org',
      serveDNS: false,
      proxyMode: 'ipvs',
      clusterCIDR: '10.32.0.0/12',
      podBridge: 'br-pods',
      metricsBindAddress: '',
      minSyncPeriodMs: 500,
      syncPeriodMs: 90_000,
      syncFrequencyMs: 60_000,
      nodeLeaseDurationSeconds: 20,
    });
  });

  it('keeps "=" inside a label value and skips empty pairs', () => {
    expect(parse(['--node-ip', '10.10.0.21', '--node-name', 'n1', '--node-labels', 'a=1,,b=x=y']).nodeLabels).toEqual({ a: '1', b: 'x=y' });
  });

  it.each([
    [[], '--node-ip is required'],
    [['--node-name', 'n1'], '--node-ip is required'],
    [['--node-ip', '10.0.0.256'], 'invalid --node-ip "10.0.0.256": an IPv4 address'],
    [['--node-ip', 'node1'], 'invalid --node-ip "node1": an IPv4 address'],
    [['--node-ip', '10.0.0.1', '--address', '::'], 'invalid --address "::": an IPv4 address'],
    [['--node-ip', '10.0.0.1', '--healthz-bind-address', 'localhost'], 'invalid --healthz-bind-address "localhost": an IPv4 address'],
    [['--node-ip', '10.0.0.1', '--cluster-dns', '10.96.0'], 'invalid --cluster-dns "10.96.0": an IPv4 address'],
    [['--node-ip', '10.0.0.1', '--node-name', 'bad_name'], 'invalid --node-name "bad_name": a DNS subdomain'],
    [['--node-ip', '10.0.0.1', '--node-name=-lead'], 'invalid --node-name "-lead": a DNS subdomain'],
    [['--node-ip', '10.0.0.1', '--sync-period', '10'], 'invalid --sync-period "10": a duration like 500ms, 40s or 1m30s'],
    [['--node-ip', '10.0.0.1', '--min-sync-period', '1 s'], 'invalid --min-sync-period "1 s": a duration like 500ms, 40s or 1m30s'],
    [['--node-ip', '10.0.0.1', '--sync-frequency', ''], 'invalid --sync-frequency "": a duration like 500ms, 40s or 1m30s'],
    [['--node-ip', '10.0.0.1', '--proxy-mode', 'iptables'], 'invalid --proxy-mode "iptables": nftables or ipvs'],
    [['--node-ip', '10.0.0.1', '--node-labels', 'zone'], 'invalid --node-labels "zone": key=value'],
    [['--node-ip', '10.0.0.1', '--node-labels', 'a=1,=x'], 'invalid --node-labels "=x": key=value'],
    [['--node-ip', '10.0.0.1', '--port', '70000'], 'invalid --port "70000": a port number'],
    [['--node-ip', '10.0.0.1', '--healthz-port', 'http'], 'invalid --healthz-port "http": a port number'],
    [['--node-ip', '10.0.0.1', '--runtime-node-id', 'a b'], 'invalid --runtime-node-id "a b": letters, digits, \'-\', \'_\' and \'.\''],
    [['--node-ip', '10.0.0.1', '--node-lease-duration-seconds', '0'], 'invalid --node-lease-duration-seconds "0": a whole number of seconds, at least 1'],
    [['--node-ip', '10.0.0.1', '--node-lease-duration-seconds', '2.5'], 'invalid --node-lease-duration-seconds "2.5": a whole number of seconds, at least 1'],
    [['--node-ip', '10.0.0.1', '--serve-dns', 'yes'], 'invalid --serve-dns "yes": true or false'],
    [['--node-ip', '10.0.0.1', '--cluster-cidr', '10.244.0.0'], 'invalid --cluster-cidr "10.244.0.0": an IPv4 CIDR like 10.244.0.0/16'],
  ])('%j: %s', (argv, message) => {
    expect(error(argv).message).toBe(message);
  });

  it('refuses an unknown flag, a flag without its value and a positional argument', () => {
    expect(error(['--node-ip', '10.0.0.1', '--bogus', 'x']).message).toContain('--bogus');
    expect(error(['--node-ip']).message).toContain('--node-ip');
    expect(error(['--node-ip', '10.0.0.1', 'extra']).message).toContain('extra');
  });

  it.each([[['--help']], [['-h']], [['--node-ip', 'bad', '--help']]])('%j asks for help', (argv) => {
    expect(parseNodeAgentArgs(argv, {})).toBe('help');
  });

  it('the help text documents every flag', () => {
    for (const f of FLAGS) expect(HELP).toContain(`  --${f} `);
    expect(HELP.startsWith('Usage: node-agent [flags]\n')).toBe(true);
  });
});
