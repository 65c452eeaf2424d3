// VirtualService routes that name a subset must find it in a DestinationRule for their host.
// Only hosts that already have a DestinationRule are checked: a file that creates the
// VirtualService before its DestinationRule (kubectl apply goes in file order) still applies,
// while a subset missing from an existing rule is refused with its field path.
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { Errors } from '../../../lib/api/status-error.js';
import { resolveIstioHost, validateVirtualServiceSubsets } from '../validation/index.js';
import type { AdmissionAttributes, ValidatingPlugin } from './types.js';

const ROUTE_KINDS = ['http', 'tls', 'tcp'] as const;

export class IstioSubsetReferences implements ValidatingPlugin {
  readonly name = 'IstioSubsetReferences';

  constructor(private readonly destinationRules: () => readonly KubeObject[]) {}

  handles(a: AdmissionAttributes): boolean {
    return a.resource.group === 'networking.istio.io' && a.resource.kind === 'VirtualService' && (a.operation === 'CREATE' || a.operation === 'UPDATE');
  }

  validate(a: AdmissionAttributes): void {
    const vs = a.object;
    if (!vs || !isRecord(vs.spec)) return;
    const rules = this.destinationRules();
    const ruled = new Set(rules.map((dr) => (isRecord(dr.spec) && typeof dr.spec.host === 'string' ? resolveIstioHost(dr.spec.host, dr.metadata.namespace ?? '') : '')));
    // Destinations whose host has no rule yet are left out of the check.
    const checked = structuredClone(vs);
    const spec = checked.spec as Record<string, unknown>;
    for (const kind of ROUTE_KINDS) {
      for (const route of Array.isArray(spec[kind]) ? spec[kind].filter(isRecord) : []) {
        for (const r of Array.isArray(route.route) ? route.route.filter(isRecord) : []) {
          const dest = isRecord(r.destination) ? r.destination : undefined;
          if (dest && typeof dest.host === 'string' && !ruled.has(resolveIstioHost(dest.host, a.namespace))) delete dest.subset;
        }
      }
    }
    const errs = validateVirtualServiceSubsets(checked, rules);
    if (errs.length > 0) throw Errors.invalid({ group: a.resource.group, kind: a.resource.kind }, vs.metadata.name ?? a.name, errs);
  }
}
