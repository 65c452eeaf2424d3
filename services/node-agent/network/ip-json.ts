// Typed views of `ip -j` output: only the fields the pod network reads, all optional because the
// JSON comes from outside.

export interface IpAddrInfoJson {
  family?: string;
  local?: string;
  prefixlen?: number;
}

export interface IpLinkJson {
  ifindex?: number;
  /** For a veth: the peer's ifindex (in the peer's namespace). */
  link_index?: number;
  ifname?: string;
  flags?: string[];
  address?: string;
  master?: string;
  promiscuity?: number;
  linkinfo?: {
    info_kind?: string;
    info_slave_kind?: string;
    info_slave_data?: { hairpin?: boolean };
  };
  addr_info?: IpAddrInfoJson[];
}

export interface IpRouteJson {
  dst?: string;
  gateway?: string;
  dev?: string;
  protocol?: string | number;
}

/** The value as an array of records of type T (non-arrays and non-objects are dropped). */
export function jsonArray<T>(value: unknown): T[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is T => typeof v === 'object' && v !== null);
}

/** IPv4 addresses of a link as 'a.b.c.d/len'. */
export function ipv4Addresses(link: IpLinkJson): string[] {
  return (link.addr_info ?? [])
    .filter((a) => a.family === 'inet' && a.local !== undefined && a.prefixlen !== undefined)
    .map((a) => `${a.local ?? ''}/${a.prefixlen ?? ''}`);
}

export function isUp(link: IpLinkJson): boolean {
  return (link.flags ?? []).includes('UP');
}
