// A cross-object check Istio's analyzers do (IST0101): every subset a VirtualService routes to
// must be defined by a DestinationRule for the destination's host. Short host names resolve
// in the namespace of the object that uses them ("reviews" in "default" is
// "reviews.default.svc.cluster.local"), as Istio resolves them.
import type { KubeObject } from '../../../lib/api/object.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import { hostsOverlap, isIPAddress } from './istio-common.js';
import { indexedRecords, rec, str } from './json-access.js';

const DOMAIN = 'cluster.local';

/** ResolveShortnameToFQDN: a name without a dot gets the namespace and the cluster domain. */
export function resolveIstioHost(host: string, namespace: string): string {
  if (host === '' || host === '*' || host.includes('.') || isIPAddress(host)) return host;
  return namespace === '' ? `${host}.svc.${DOMAIN}` : `${host}.${namespace}.svc.${DOMAIN}`;
}

function namespaceOf(obj: KubeObject): string {
  return str(rec(obj.metadata)?.namespace);
}

/** The subsets DestinationRules define for a (resolved) host. */
function subsetsFor(host: string, destinationRules: readonly KubeObject[]): Set<string> {
  const subsets = new Set<string>();
  for (const dr of destinationRules) {
    const spec = rec(dr.spec);
    if (!spec) continue;
    const drHost = resolveIstioHost(str(spec.host), namespaceOf(dr));
    if (drHost === '' || !(drHost === host || (drHost.startsWith('*') && hostsOverlap(drHost, host)))) continue;
    for (const [, subset] of indexedRecords(spec.subsets)) {
      const name = str(subset.name);
      if (name !== '') subsets.add(name);
    }
  }
  return subsets;
}

/**
 * Subsets named by the VirtualService's http, tls and tcp route destinations that no
 * DestinationRule defines, each reported at its `...destination.subset` path.
 */
export function validateVirtualServiceSubsets(vs: KubeObject, destinationRules: readonly KubeObject[]): FieldError[] {
  const spec = rec(vs.spec);
  if (!spec) return [];
  const namespace = namespaceOf(vs);
  const errs: FieldError[] = [];
  for (const kind of ['http', 'tls', 'tcp'] as const) {
    for (const [i, route] of indexedRecords(spec[kind])) {
      for (const [j, dest] of indexedRecords(route.route)) {
        const destination = rec(dest.destination);
        const subset = str(destination?.subset);
        if (!destination || subset === '') continue;
        const host = resolveIstioHost(str(destination.host), namespace);
        if (subsetsFor(host, destinationRules).has(subset)) continue;
        const path = FieldPath.root('spec').child(kind).index(i).child('route').index(j).child('destination', 'subset');
        errs.push(fieldErrors.invalid(path, subset, `Referenced host+subset in destinationrule not found: "${host}+${subset}"`));
      }
    }
  }
  return errs;
}
