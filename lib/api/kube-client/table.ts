// meta.k8s.io/v1 Table: the server-side rendering `kubectl get` asks for.
import type { ListMeta } from '../object.js';
import { isRecord } from '../object.js';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description?: string;
  /** 0: always shown; above 0: only with -o wide. */
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  conditions?: unknown[];
  /** PartialObjectMetadata (includeObject=Metadata, the default) or the whole object. */
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** The Accept header kubectl sends for tables, falling back to plain JSON. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export function isTable(v: unknown): v is Table {
  return isRecord(v) && v.kind === 'Table' && Array.isArray(v.rows) && Array.isArray(v.columnDefinitions ?? []);
}
