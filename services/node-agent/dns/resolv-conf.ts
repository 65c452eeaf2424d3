// The resolv.conf the kubelet gives a pod with dnsPolicy ClusterFirst: the cluster DNS as
// nameserver, the search path <ns>.svc.<domain> svc.<domain> <domain>, and ndots:5.

export interface PodResolvConfOptions {
  nameserver: string;
  clusterDomain: string;
}

export function podResolvConf(namespace: string, opts: PodResolvConfOptions): string {
  const domain = opts.clusterDomain.replace(/\.$/, '');
  const search = [`${namespace}.svc.${domain}`, `svc.${domain}`, domain];
  return `nameserver ${opts.nameserver}\nsearch ${search.join(' ')}\noptions ndots:5\n`;
}
