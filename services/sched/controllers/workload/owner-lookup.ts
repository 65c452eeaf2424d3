// Finding the controller an event concerns: the owner a controllerRef names (checked by uid),
// or, for an orphan, every controller whose selector picks its labels.
import type { KubeObject, OwnerReference } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import { isEverything, matchesLabels, selectorFromMetav1 } from '../../../../lib/api/labels.js';
import type { ObjectCache } from '../../../../lib/controller/object-cache.js';

/** resolveControllerRef: the cached owner of that kind and name, if its uid is the referenced one. */
export function resolveControllerRef<T extends KubeObject>(cache: ObjectCache<T>, namespace: string, ref: OwnerReference, kind: string): T | undefined {
  if (ref.kind !== kind) return undefined;
  const owner = cache.getByName(namespace, ref.name);
  return owner !== undefined && owner.metadata.uid === ref.uid ? owner : undefined;
}

/**
 * The controllers in the object's namespace whose spec.selector matches its labels. Selectors
 * that select everything or do not parse are skipped, as the listers' Get*ForX helpers do.
 */
export function controllersSelecting<T extends KubeObject>(cache: ObjectCache<T>, obj: KubeObject): T[] {
  const out: T[] = [];
  for (const c of cache.listNamespace(obj.metadata.namespace ?? '')) {
    const spec = isRecord(c.spec) ? c.spec : {};
    let matches: boolean;
    try {
      const sel = selectorFromMetav1(spec.selector);
      matches = !isEverything(sel) && matchesLabels(sel, obj.metadata.labels);
    } catch {
      matches = false;
    }
    if (matches) out.push(c);
  }
  return out;
}
