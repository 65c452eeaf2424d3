// -o json, -o yaml and -o name: one object as itself, several as a kubectl List.
import { groupKindLower, parseApiVersion } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { goJsonIndent } from './go-json.js';
import { toGoYaml } from './go-yaml.js';

export type ObjectFormat = 'json' | 'yaml' | 'name';

/** kind.group/name, e.g. deployment.apps/web. */
export function objectName(obj: KubeObject): string {
  const { group } = parseApiVersion(obj.apiVersion ?? '');
  return `${groupKindLower({ group, kind: obj.kind ?? '' })}/${obj.metadata?.name ?? ''}`;
}

/** kubectl leaves managedFields out of -o json/yaml unless --show-managed-fields. */
export function withoutManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata?.managedFields === undefined) return obj;
  const metadata = { ...obj.metadata };
  delete metadata.managedFields;
  return { ...obj, metadata };
}

/** What kubectl prints for these objects; `asList` wraps even a single object in a List. */
export function formatObjects(objs: readonly KubeObject[], format: ObjectFormat, asList: boolean): string {
  if (format === 'name') return objs.map((o) => `${objectName(o)}\n`).join('');
  const value = !asList && objs.length === 1 ? objs[0] : { apiVersion: 'v1', items: objs, kind: 'List', metadata: { resourceVersion: '' } };
  return format === 'json' ? goJsonIndent(value) : toGoYaml(value);
}
