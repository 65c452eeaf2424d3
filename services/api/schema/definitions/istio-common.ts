// Pieces shared by the Istio kinds, and the way a CRD-served kind is published: its schema is
// inline (no $refs below spec), status keeps unknown fields, and every served version carries
// the same schema under io.istio.<group>.<version>.<Kind>.
import type { Schema } from '../dsl.js';
import { bool, gvk, kind, list, listKind, map, obj, preserveUnknown, str } from '../dsl.js';

export const stringList = (description: string): Schema => list(str(), description);
export const labels = (description: string): Schema => map(str(), description);
/** google.protobuf.Duration as Istio's CRDs publish it: a string such as "1s" or "100ms". */
export const duration = (description: string): Schema => str(description);
/** google.protobuf.BoolValue: a boolean that may be left unset. */
export const boolValue = (description: string): Schema => bool(description);

export const workloadSelector = obj(
  { matchLabels: labels('One or more labels that indicate a specific set of pods/VMs on which a policy should be applied.') },
  'Optional. The selector decides where to apply the policy.',
);

export const policyTargetReference = obj(
  {
    group: str('group is the group of the target resource.'),
    kind: str('kind is kind of the target resource.'),
    name: str('name is the name of the target resource.'),
    namespace: str('namespace is the namespace of the referent.'),
  },
  { description: 'PolicyTargetReference format as defined by the Kubernetes Gateway API.', required: ['kind', 'name'] },
);

const istioStatus = preserveUnknown('Status of the resource as Istio reports it.', { type: 'object' });

/** "networking.istio.io" -> "io.istio.networking". */
export function istioDefinitionPrefix(group: string): string {
  const first = group.split('.')[0] ?? group;
  return `io.istio.${first}`;
}

/**
 * The definitions a CRD-served Istio kind publishes: `<prefix>.<version>.<Kind>` and its List for
 * every served version, all sharing one spec schema.
 */
export function istioKind(group: string, versions: readonly string[], kindName: string, description: string, spec: Schema): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const prefix = istioDefinitionPrefix(group);
  for (const version of versions) {
    const name = `${prefix}.${version}.${kindName}`;
    out[name] = kind([gvk(group, version, kindName)], description, { spec: { ...spec, description }, status: istioStatus });
    out[`${name}List`] = listKind([gvk(group, version, `${kindName}List`)], name, `${kindName}List is a list of ${kindName}`);
  }
  return out;
}
