// What every per-kind printer provides: its column definitions and one row of cells per object.
// Rows always carry the wide (priority 1) cells; kube-apiserver generates tables with Wide set
// and kubectl hides priority columns unless -o wide.
import type { KubeObject } from '../../../lib/api/object.js';
import type { TableColumnDefinition, TableRowCondition } from './table.js';
import { META_CREATION_TIMESTAMP, META_NAME } from './descriptions.js';
import { asString, at } from './fields.js';

export interface PrintedRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
}

export interface KindPrinter {
  readonly columns: readonly TableColumnDefinition[];
  row(object: KubeObject, now: Date): PrintedRow;
}

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

export function column(
  name: string,
  type: ColumnType,
  description: string,
  opts: { format?: string; priority?: number } = {},
): TableColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

/** Wide-only column (kubectl -o wide). */
export function wide(name: string, type: ColumnType, description: string): TableColumnDefinition {
  return column(name, type, description, { priority: 1 });
}

export const NAME_COLUMN = column('Name', 'string', META_NAME, { format: 'name' });
export const AGE_COLUMN = column('Age', 'string', META_CREATION_TIMESTAMP);

/** Names and images of a pod template's containers, comma-joined (layoutContainerCells). */
export function containerCells(containers: readonly unknown[]): [names: string, images: string] {
  const names: string[] = [];
  const images: string[] = [];
  for (const c of containers) {
    names.push(asString(at(c, 'name')));
    images.push(asString(at(c, 'image')));
  }
  return [names.join(','), images.join(',')];
}
