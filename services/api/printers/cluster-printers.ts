// Namespace and Node rows (printNamespace, printNode).
import type { KubeObject } from '../../../lib/api/object.js';
import { translateTimestampSince } from './age.js';
import { NAMESPACE_STATUS, NODE } from './descriptions.js';
import { asArray, asBool, asString, asStringMap, at } from './fields.js';
import type { KindPrinter, PrintedRow } from './kind-printer.js';
import { AGE_COLUMN, NAME_COLUMN, column, wide } from './kind-printer.js';
import { compareStrings } from './label-format.js';

export const namespacePrinter: KindPrinter = {
  columns: [NAME_COLUMN, column('Status', 'string', NAMESPACE_STATUS), AGE_COLUMN],
  row(obj: KubeObject, now: Date): PrintedRow {
    return {
      cells: [
        asString(obj.metadata.name),
        asString(at(obj, 'status', 'phase')),
        translateTimestampSince(obj.metadata.creationTimestamp, now),
      ],
    };
  },
};

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';

/** Roles from node-role.kubernetes.io/<role> label keys and the kubernetes.io/role label value, sorted. */
export function nodeRoles(labels: Record<string, string>): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (k === NODE_ROLE_LABEL && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort(compareStrings);
}

function nodeStatus(node: KubeObject): string {
  // Only the Ready condition is shown; with duplicates the last one wins, as in Go's map.
  let ready: unknown;
  for (const c of asArray(at(node, 'status', 'conditions'))) {
    if (asString(at(c, 'type')) === 'Ready') ready = c;
  }
  const status: string[] = [];
  if (ready === undefined) status.push('Unknown');
  else status.push(asString(at(ready, 'status')) === 'True' ? 'Ready' : 'NotReady');
  if (asBool(at(node, 'spec', 'unschedulable'))) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeAddress(node: KubeObject, type: string): string {
  const address = asArray(at(node, 'status', 'addresses')).find((a) => asString(at(a, 'type')) === type);
  return address === undefined ? '<none>' : asString(at(address, 'address'));
}

export const nodePrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', NODE.status),
    column('Roles', 'string', NODE.roles),
    AGE_COLUMN,
    column('Version', 'string', NODE.kubeletVersion),
    wide('Internal-IP', 'string', NODE.addresses),
    wide('External-IP', 'string', NODE.addresses),
    wide('OS-Image', 'string', NODE.osImage),
    wide('Kernel-Version', 'string', NODE.kernelVersion),
    wide('Container-Runtime', 'string', NODE.containerRuntimeVersion),
  ],
  row(obj: KubeObject, now: Date): PrintedRow {
    const info = at(obj, 'status', 'nodeInfo');
    return {
      cells: [
        asString(obj.metadata.name),
        nodeStatus(obj),
        nodeRoles(asStringMap(obj.metadata.labels)).join(',') || '<none>',
        translateTimestampSince(obj.metadata.creationTimestamp, now),
        asString(at(info, 'kubeletVersion')),
        nodeAddress(obj, 'InternalIP'),
        nodeAddress(obj, 'ExternalIP'),
        asString(at(info, 'osImage')) || '<unknown>',
        asString(at(info, 'kernelVersion')) || '<unknown>',
        asString(at(info, 'containerRuntimeVersion')) || '<unknown>',
      ],
    };
  },
};
