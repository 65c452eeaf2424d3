import { describe, expect, it } from 'vitest';
import { ConfigError, parseDuration, parseSchedArgs } from './config.js';

describe('bin/sched flags', () => {
  it('has kube-controller-manager and kube-scheduler defaults', () => {
    const c = parseSchedArgs([], {});
    if (c === 'help') throw new Error('help');
    expect(c).toMatchObject({
      leaderElect: true,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      leaseNamespace: 'kube-system',
      nodeMonitorPeriodMs: 5_000,
      nodeMonitorGracePeriodMs: 40_000,
      nodeStartupGracePeriodMs: 60_000,
      clusterCidr: '10.244.0.0/16',
      nodeCidrMaskSize: 24,
      healthzBindAddress: '0.0.0.0:10259',
      roles: { scheduler: true, controllers: true },
    });
    expect(c.kubeconfig).toBeUndefined();
  });

  it('reads Go durations and the kubeconfig from flags or $KUBECONFIG', () => {
    const c = parseSchedArgs(['--node-monitor-grace-period', '4s', '--leader-elect-lease-duration=1m30s', '--roles', 'scheduler'], { KUBECONFIG: '/k' });
    if (c === 'help') throw new Error('help');
    expect(c.nodeMonitorGracePeriodMs).toBe(4000);
    expect(c.leaseDurationMs).toBe(90_000);
    expect(c.kubeconfig).toBe('/k');
    expect(c.schedulerKubeconfig).toBe('/k');
    expect(c.roles).toEqual({ scheduler: true, controllers: false });
  });

  it.each([
    [['--node-monitor-grace-period', '40'], 'invalid --node-monitor-grace-period "40"'],
    [['--roles', 'kubelet'], 'invalid --roles "kubelet"'],
    [['--leader-elect', 'maybe'], 'invalid --leader-elect "maybe"'],
    [['--leader-elect-renew-deadline', '20s'], '--leader-elect-renew-deadline must be less than --leader-elect-lease-duration'],
    [['--cluster-cidr', '10.244.0.0'], 'invalid --cluster-cidr'],
    [['--no-such-flag'], "Unknown option '--no-such-flag'"],
  ])('refuses %j', (args, message) => {
    expect(() => parseSchedArgs(args, {})).toThrow(ConfigError);
    expect(() => parseSchedArgs(args, {})).toThrow(message);
  });

  it('parses durations', () => {
    expect(parseDuration('x', '500ms')).toBe(500);
    expect(parseDuration('x', '1h1m1s')).toBe(3_661_000);
    expect(parseDuration('x', '1.5s')).toBe(1500);
    expect(() => parseDuration('x', '5 s')).toThrow(ConfigError);
  });
});
