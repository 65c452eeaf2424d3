// `get -o json|yaml|name`: whole objects, one by itself or several as a List.
import type { KubeClient } from '../../../lib/api/kube-client/index.js';
import { isApiError } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { withTypeMeta } from '../resources/resource-args.js';
import type { GetRequest } from './get-request.js';
import type { FetchOptions } from './get-tables.js';

export async function fetchObjects(client: KubeClient, requests: readonly GetRequest[], o: FetchOptions): Promise<{ objects: KubeObject[]; errors: unknown[] }> {
  const objects: KubeObject[] = [];
  const errors: unknown[] = [];
  for (const r of requests) {
    try {
      if (r.name !== undefined) {
        objects.push(withTypeMeta(await client.get(r.resource, r.name, { namespace: r.namespace, signal: o.signal }), r.resource));
      } else {
        const list = await client.list(r.resource, { namespace: r.namespace, labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, signal: o.signal });
        for (const item of list.items) objects.push(withTypeMeta(item, r.resource));
      }
    } catch (err) {
      if (!(o.ignoreNotFound === true && isApiError(err, 404))) errors.push(err);
    }
  }
  return { objects, errors };
}
