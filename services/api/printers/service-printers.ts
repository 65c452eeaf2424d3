// Service, Endpoints and EndpointSlice rows (printService, printEndpoints, printEndpointSlice).
import type { KubeObject } from '../../../lib/api/object.js';
import { translateTimestampSince } from './age.js';
import { ENDPOINTS_SUBSETS, ENDPOINT_SLICE, SERVICE } from './descriptions.js';
import { asArray, asInt, asString, asStringMap, at } from './fields.js';
import type { KindPrinter, PrintedRow } from './kind-printer.js';
import { AGE_COLUMN, NAME_COLUMN, column, wide } from './kind-printer.js';
import { compareStrings, formatLabels } from './label-format.js';

/** Load balancer ingress IPs (else hostnames), de-duplicated and sorted; never clipped, tables are wide. */
function loadBalancerIngress(service: KubeObject): string {
  const seen = new Set<string>();
  for (const ingress of asArray(at(service, 'status', 'loadBalancer', 'ingress'))) {
    const ip = asString(at(ingress, 'ip'));
    const hostname = asString(at(ingress, 'hostname'));
    if (ip !== '') seen.add(ip);
    else if (hostname !== '') seen.add(hostname);
  }
  return [...seen].sort(compareStrings).join(',');
}

function externalIP(service: KubeObject): string {
  const externalIPs = asArray(at(service, 'spec', 'externalIPs')).map(asString);
  switch (asString(at(service, 'spec', 'type'))) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(service);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return asString(at(service, 'spec', 'externalName'));
    default:
      return '<unknown>';
  }
}

function portsString(service: KubeObject): string {
  return asArray(at(service, 'spec', 'ports'))
    .map((p) => {
      const port = asInt(at(p, 'port'));
      const protocol = asString(at(p, 'protocol'));
      const nodePort = asInt(at(p, 'nodePort'));
      return nodePort > 0 ? `${port}:${nodePort}/${protocol}` : `${port}/${protocol}`;
    })
    .join(',');
}

export const servicePrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', SERVICE.type),
    column('Cluster-IP', 'string', SERVICE.clusterIP),
    column('External-IP', 'string', SERVICE.externalIPs),
    column('Port(s)', 'string', SERVICE.ports),
    AGE_COLUMN,
    wide('Selector', 'string', SERVICE.selector),
  ],
  row(obj: KubeObject, now: Date): PrintedRow {
    return {
      cells: [
        asString(obj.metadata.name),
        asString(at(obj, 'spec', 'type')),
        asString(at(obj, 'spec', 'clusterIPs', 0)) || '<none>',
        externalIP(obj),
        portsString(obj) || '<none>',
        translateTimestampSince(obj.metadata.creationTimestamp, now),
        formatLabels(asStringMap(at(obj, 'spec', 'selector'))),
      ],
    };
  },
};

/** net.JoinHostPort: IPv6 literals are bracketed. */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const LIST_MAX = 3;

/** formatEndpoints: up to three "ip:port" entries, then " + N more...". */
function formatEndpoints(endpoints: KubeObject): string {
  const subsets = asArray(endpoints['subsets']);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const subset of subsets) {
    const addresses = asArray(at(subset, 'addresses')).map((a) => asString(at(a, 'ip')));
    const ports = asArray(at(subset, 'ports'));
    if (ports.length === 0) {
      // Headless services may have no ports.
      count += addresses.length;
      for (const ip of addresses) {
        if (list.length === LIST_MAX) {
          more = true;
          break;
        }
        list.push(ip);
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const ip of addresses) {
        if (list.length === LIST_MAX) {
          more = true;
          break;
        }
        list.push(joinHostPort(ip, asInt(at(port, 'port'))));
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - LIST_MAX} more...` : joined;
}

export const endpointsPrinter: KindPrinter = {
  columns: [NAME_COLUMN, column('Endpoints', 'string', ENDPOINTS_SUBSETS), AGE_COLUMN],
  row(obj: KubeObject, now: Date): PrintedRow {
    return {
      cells: [asString(obj.metadata.name), formatEndpoints(obj), translateTimestampSince(obj.metadata.creationTimestamp, now)],
    };
  },
};

/** listWithMoreString: "<unset>" for an empty list. */
function listWithMore(list: readonly string[], more: boolean, count: number): string {
  const joined = list.join(',');
  if (more) return `${joined} + ${count - LIST_MAX} more...`;
  return joined || '<unset>';
}

function formatSlicePorts(ports: readonly unknown[]): string {
  const list: string[] = [];
  let more = false;
  for (const port of ports) {
    if (list.length < LIST_MAX) {
      const number = at(port, 'port');
      const name = at(port, 'name');
      list.push(typeof number === 'number' ? String(asInt(number)) : typeof name === 'string' ? name : '*');
    } else if (list.length === LIST_MAX) {
      more = true;
    }
  }
  return listWithMore(list, more, ports.length);
}

function formatSliceEndpoints(endpoints: readonly unknown[]): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const endpoint of endpoints) {
    for (const address of asArray(at(endpoint, 'addresses'))) {
      if (list.length < LIST_MAX) list.push(asString(address));
      else if (list.length === LIST_MAX) more = true;
      count++;
    }
  }
  return listWithMore(list, more, count);
}

export const endpointSlicePrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'string', ENDPOINT_SLICE.addressType),
    column('Ports', 'string', ENDPOINT_SLICE.ports),
    column('Endpoints', 'string', ENDPOINT_SLICE.endpoints),
    AGE_COLUMN,
  ],
  row(obj: KubeObject, now: Date): PrintedRow {
    return {
      cells: [
        asString(obj.metadata.name),
        asString(obj['addressType']),
        formatSlicePorts(asArray(obj['ports'])),
        formatSliceEndpoints(asArray(obj['endpoints'])),
        translateTimestampSince(obj.metadata.creationTimestamp, now),
      ],
    };
  },
};
