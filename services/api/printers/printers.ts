// Which printer renders which kind: kube-apiserver's printers for built-in kinds, the default
// Name/Created At table for built-in kinds without one, and CRD printer columns for the rest.
import type { KindKey } from '../registry/resources.js';
import { namespacePrinter, nodePrinter } from './cluster-printers.js';
import { configMapPrinter, leasePrinter, secretPrinter, serviceAccountPrinter } from './config-printers.js';
import { crdPrinter } from './crd-printer.js';
import { defaultPrinter } from './default-printer.js';
import { eventPrinter } from './event-printer.js';
import { ISTIO_PRINTER_COLUMNS } from './istio-columns.js';
import type { KindPrinter } from './kind-printer.js';
import { podPrinter } from './pod-printer.js';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac-printers.js';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './service-printers.js';
import { deploymentPrinter, replicaSetPrinter } from './workload-printers.js';

const BUILT_IN_PRINTERS = new Map<KindKey, KindPrinter>([
  ['/Pod', podPrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/Namespace', namespacePrinter],
  ['/Node', nodePrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/Secret', secretPrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Event', eventPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingPrinter],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', clusterRoleBindingPrinter],
]);

/** API groups served by kube-apiserver itself; anything else is a custom resource. */
const BUILT_IN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

const crdPrinters = new Map<KindKey, KindPrinter>();

function groupOf(key: KindKey): string {
  return key.slice(0, key.lastIndexOf('/'));
}

export function printerFor(key: KindKey): KindPrinter {
  const builtIn = BUILT_IN_PRINTERS.get(key);
  if (builtIn) return builtIn;
  if (BUILT_IN_GROUPS.has(groupOf(key))) return defaultPrinter;
  let printer = crdPrinters.get(key);
  if (!printer) {
    printer = crdPrinter(ISTIO_PRINTER_COLUMNS.get(key) ?? []);
    crdPrinters.set(key, printer);
  }
  return printer;
}
