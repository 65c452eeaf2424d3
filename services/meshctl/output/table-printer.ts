// Server-side Tables printed as kubectl's HumanReadablePrinter does: upper-case headers, only
// priority-0 columns unless wide, NAMESPACE / EVENT / LABELS columns added on request, names
// prefixed with kind.group when several kinds are printed, and headers once per column set.
import type { Table, TableColumnDefinition, TableRow } from '../../../lib/api/kube-client/index.js';
import { isRecord } from '../../../lib/api/object.js';
import type { TabWriter } from './tab-writer.js';

export interface TablePrintOptions {
  wide?: boolean;
  noHeaders?: boolean;
  /** -A: a NAMESPACE column first (namespaced kinds only). */
  withNamespace?: boolean;
  /** "deployment.apps": prefix names with it, as kubectl does when several kinds are printed. */
  kindPrefix?: string;
  showLabels?: boolean;
}

/** fmt.Sprint of a cell, strings cut at the first line break as kubectl does. */
export function formatCell(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') {
    const cut = cell.search(/[\f\n\r]/);
    return cut >= 0 ? `${cell.slice(0, cut)}...` : cell;
  }
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return JSON.stringify(cell);
}

function rowMetadata(row: TableRow): Record<string, unknown> | undefined {
  return isRecord(row.object) && isRecord(row.object.metadata) ? row.object.metadata : undefined;
}

/** labels.FormatLabels: sorted k=v joined by ",", or <none>. */
export function formatLabels(labels: unknown): string {
  if (!isRecord(labels)) return '<none>';
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${String(labels[k])}`).join(',');
}

export class TablePrinter {
  private lastColumns: TableColumnDefinition[] | undefined;
  private printedHeaders = false;

  constructor(
    private readonly out: TabWriter,
    private readonly opts: TablePrintOptions,
  ) {}

  /** Prints a table; `eventType` adds the EVENT column of --output-watch-events. */
  print(table: Table, eventType?: string): void {
    let columns = table.columnDefinitions;
    let noHeaders = this.opts.noHeaders === true;
    if (this.printedHeaders && (columns.length === 0 || sameColumns(columns, this.lastColumns))) noHeaders = true;
    if (columns.length === 0) columns = this.lastColumns ?? [];
    else if (!sameColumns(columns, this.lastColumns)) {
      this.lastColumns = columns;
      this.printedHeaders = false;
    }
    if (table.rows.length > 0) this.printedHeaders = true;

    const visible = columns.map((c, i) => ({ c, i })).filter(({ c }) => this.opts.wide === true || c.priority === 0);
    const nameColumn = this.opts.kindPrefix !== undefined ? columns.findIndex((c) => c.format === 'name' && c.type === 'string') : -1;
    const headers: string[] = [];
    if (eventType !== undefined) headers.push('EVENT');
    if (this.opts.withNamespace) headers.push('NAMESPACE');
    headers.push(...visible.map(({ c }) => c.name.toUpperCase()));
    if (this.opts.showLabels) headers.push('LABELS');

    if (!noHeaders) {
      // kubectl prints no header for a table without rows.
      if (table.rows.length === 0) return;
      this.out.write(`${headers.join('\t')}\n`);
    }
    for (const row of table.rows) {
      const cells: string[] = [];
      if (eventType !== undefined) cells.push(eventType);
      const meta = rowMetadata(row);
      if (this.opts.withNamespace) cells.push(typeof meta?.namespace === 'string' ? meta.namespace : '');
      for (const { i } of visible) {
        const text = formatCell(row.cells[i]);
        cells.push(i === nameColumn ? `${this.opts.kindPrefix ?? ''}/${text}` : text);
      }
      if (this.opts.showLabels) cells.push(formatLabels(meta?.labels));
      this.out.write(`${cells.join('\t')}\n`);
    }
  }
}

function sameColumns(a: readonly TableColumnDefinition[], b: readonly TableColumnDefinition[] | undefined): boolean {
  if (b === undefined || a.length !== b.length) return false;
  return a.every((c, i) => {
    const d = b[i];
    return d !== undefined && c.name === d.name && c.type === d.type && c.format === d.format && c.priority === d.priority;
  });
}
