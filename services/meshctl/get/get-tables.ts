// `get` in table form (default and -o wide): server-side Tables, printed per resource type.
import type { KubeClient, Table } from '../../../lib/api/kube-client/index.js';
import { isApiError } from '../../../lib/api/kube-client/index.js';
import type { TableOutput } from '../output/table-output.js';
import type { GetRequest } from './get-request.js';

export interface FetchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  ignoreNotFound?: boolean;
  signal?: AbortSignal;
}

/** Prints the tables; returns the errors met (printed by the caller after the output). */
export async function printTables(client: KubeClient, requests: readonly GetRequest[], out: TableOutput, o: FetchOptions): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (const r of requests) {
    let table: Table;
    try {
      table = r.name !== undefined
        ? await client.getTable(r.resource, r.name, { namespace: r.namespace, signal: o.signal })
        : await client.listTable(r.resource, { namespace: r.namespace, labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, signal: o.signal });
    } catch (err) {
      if (!(o.ignoreNotFound === true && isApiError(err, 404))) errors.push(err);
      continue;
    }
    out.print(r.resource, table);
  }
  out.flush();
  return errors;
}

