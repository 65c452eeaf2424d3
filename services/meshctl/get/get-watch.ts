// `get -w`: the current state, then every change as it happens, until the watch ends or the
// run is interrupted.
import type { KubeClient, Table, WatchOptions } from '../../../lib/api/kube-client/index.js';
import { ApiError, isStatus } from '../../../lib/api/kube-client/index.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { escapeFieldValue } from '../../../lib/api/fields.js';
import type { ObjectFormat } from '../output/object-printer.js';
import { formatObjects, withoutManagedFields } from '../output/object-printer.js';
import type { TableOutput } from '../output/table-output.js';
import { withTypeMeta } from '../resources/resource-args.js';
import type { GetRequest } from './get-request.js';

export interface WatchGetOptions {
  watchOnly: boolean;
  outputWatchEvents: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  signal?: AbortSignal;
  showManagedFields?: boolean;
}

function watchOptions(r: GetRequest, o: WatchGetOptions, resourceVersion: string): WatchOptions {
  const fields = [o.fieldSelector, r.name !== undefined ? `metadata.name=${escapeFieldValue(r.name)}` : undefined].filter((x): x is string => x !== undefined && x !== '');
  return { namespace: r.namespace, labelSelector: o.labelSelector, fieldSelector: fields.join(','), resourceVersion, signal: o.signal };
}

function failed(obj: unknown): never {
  if (isStatus(obj)) throw new ApiError(obj);
  throw new Error('unexpected watch event');
}

export async function watchTables(client: KubeClient, r: GetRequest, out: TableOutput, o: WatchGetOptions): Promise<void> {
  // A single object's watch starts at "0", which replays it as a synthetic ADDED: skip that one.
  let skipFirst = r.name !== undefined;
  let rv = '0';
  const initial: Table = r.name !== undefined
    ? await client.getTable(r.resource, r.name, { namespace: r.namespace, signal: o.signal })
    : await client.listTable(r.resource, { namespace: r.namespace, labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, signal: o.signal });
  if (r.name === undefined) rv = initial.metadata.resourceVersion ?? '0';
  // Even unprinted, the first table gives the printer its columns.
  out.print(r.resource, o.watchOnly ? { ...initial, rows: [] } : initial, o.outputWatchEvents ? 'ADDED' : undefined);
  out.flush();
  for await (const ev of client.watchTable(r.resource, watchOptions(r, o, rv))) {
    if (ev.type === 'BOOKMARK') continue;
    if (ev.type === 'ERROR') failed(ev.object);
    if (isStatus(ev.object)) failed(ev.object);
    if (skipFirst) {
      skipFirst = false;
      continue;
    }
    out.print(r.resource, ev.object, o.outputWatchEvents ? ev.type : undefined);
    out.flush();
  }
}

export async function watchObjects(client: KubeClient, r: GetRequest, format: ObjectFormat, sink: (s: string) => void, o: WatchGetOptions): Promise<void> {
  let count = 0;
  const emit = (raw: KubeObject, type: string): void => {
    const obj = o.showManagedFields === true ? raw : withoutManagedFields(raw);
    const shown = o.outputWatchEvents ? ({ type, object: obj } as unknown as KubeObject) : obj;
    const text = format === 'name' ? formatObjects([obj], 'name', false) : formatObjects([shown], format, false);
    sink(format === 'yaml' && count > 0 ? `---\n${text}` : text);
    count++;
  };
  let skipFirst = r.name !== undefined;
  let rv = '0';
  if (r.name !== undefined) {
    const obj = withTypeMeta(await client.get(r.resource, r.name, { namespace: r.namespace, signal: o.signal }), r.resource);
    if (!o.watchOnly) emit(obj, 'ADDED');
  } else {
    const list = await client.list(r.resource, { namespace: r.namespace, labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, signal: o.signal });
    rv = list.metadata.resourceVersion ?? '0';
    if (!o.watchOnly) for (const item of list.items) emit(withTypeMeta(item, r.resource), 'ADDED');
  }
  for await (const ev of client.watch(r.resource, watchOptions(r, o, rv))) {
    if (ev.type === 'BOOKMARK') continue;
    if (ev.type === 'ERROR' || isStatus(ev.object)) failed(ev.object);
    if (skipFirst) {
      skipFirst = false;
      continue;
    }
    emit(withTypeMeta(ev.object, r.resource), ev.type);
  }
}
