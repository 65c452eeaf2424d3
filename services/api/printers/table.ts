// metav1 Table, what kube-apiserver returns for Accept: application/json;as=Table;v=v1;g=meta.k8s.io
// and what `kubectl get` prints. Cells are computed as kube-apiserver computes them, always with
// the wide columns (priority 1), which kubectl shows only with -o wide.
import type { KubeObject, ListMeta, ObjectMeta } from '../../../lib/api/object.js';
import type { KindKey } from '../registry/resources.js';
import { printerFor } from './printers.js';

export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type: "string", "integer", "number", "boolean" or "date". */
  type: string;
  /** "name" for the column identifying the object, else "" (or an OpenAPI format). */
  format: string;
  description: string;
  /** 0 for the default columns, 1 (or more) for those kubectl shows only with -o wide. */
  priority: number;
}

export interface TableRowCondition {
  type: 'Completed';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  /** Per includeObject: PartialObjectMetadata (Metadata, kubectl's default), the object (Object), absent (None). */
  object?: KubeObject | PartialObjectMetadata;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface ToTableOptions {
  /** The time ages are computed against. */
  now: Date;
  includeObject: IncludeObject;
  /**
   * The table's metadata: the list's resourceVersion/continue/remainingItemCount, or for a single
   * object the object's resourceVersion. Omitted: empty metadata.
   */
  listMeta?: ListMeta;
  /**
   * Leave columnDefinitions empty. A watch in Table form sends the column definitions only with its
   * first event (kube-apiserver leaves them null on later events).
   */
  noHeaders?: boolean;
}

function tableMeta(listMeta: ListMeta | undefined): ListMeta {
  const meta: ListMeta = {};
  if (listMeta?.resourceVersion) meta.resourceVersion = listMeta.resourceVersion;
  if (listMeta?.continue) meta.continue = listMeta.continue;
  if (listMeta?.remainingItemCount !== undefined) meta.remainingItemCount = listMeta.remainingItemCount;
  return meta;
}

function rowObject(object: KubeObject, includeObject: IncludeObject): KubeObject | PartialObjectMetadata | undefined {
  switch (includeObject) {
    case 'Object':
      return object;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
    case 'None':
      return undefined;
  }
}

/** The Table of objects of one kind, one row per object in the given order. */
export function toTable(key: KindKey, objects: readonly KubeObject[], opts: ToTableOptions): Table {
  const printer = printerFor(key);
  const rows = objects.map((object): TableRow => {
    const printed = printer.row(object, opts.now);
    const row: TableRow = { cells: printed.cells };
    if (printed.conditions) row.conditions = printed.conditions.map((c) => ({ ...c }));
    const included = rowObject(object, opts.includeObject);
    if (included !== undefined) row.object = included;
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: tableMeta(opts.listMeta),
    columnDefinitions: opts.noHeaders ? [] : printer.columns.map((c) => ({ ...c })),
    rows,
  };
}

/** The column definitions toTable produces for a kind. */
export function columnDefinitionsFor(key: KindKey): TableColumnDefinition[] {
  return printerFor(key).columns.map((c) => ({ ...c }));
}
