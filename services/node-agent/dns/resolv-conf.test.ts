import { describe, expect, it } from 'vitest';
import { podResolvConf } from './resolv-conf.js';

describe('podResolvConf', () => {
  it("writes kubelet's ClusterFirst resolv.conf", () => {
    expect(podResolvConf('shop', { nameserver: '10.96.0.10', clusterDomain: 'cluster.local' })).toBe(
      'nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n',
    );
  });

  it('takes the cluster domain with or without the trailing dot', () => {
    expect(podResolvConf('default', { nameserver: '10.96.0.10', clusterDomain: 'corp.internal.' })).toBe(
      'nameserver 10.96.0.10\nsearch default.svc.corp.internal svc.corp.internal corp.internal\noptions ndots:5\n',
    );
  });
});
