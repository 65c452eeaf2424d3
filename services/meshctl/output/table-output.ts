// A stream of tables as `kubectl get` writes them: one printer per resource type, widths
// forgotten when the type changes, and a blank line between the tables of different types.
import type { ApiResource, Table } from '../../../lib/api/kube-client/index.js';
import { groupKindLower } from '../../../lib/api/kube-client/index.js';
import type { TablePrintOptions } from './table-printer.js';
import { TablePrinter } from './table-printer.js';
import { TABLE_LAYOUT, TabWriter } from './tab-writer.js';

export interface TableOutputOptions {
  wide?: boolean;
  noHeaders?: boolean;
  allNamespaces?: boolean;
  /** Prefix names with kind.group (several kinds requested, or --show-kind). */
  withKind?: boolean;
  showLabels?: boolean;
}

export class TableOutput {
  private readonly tw = new TabWriter(TABLE_LAYOUT);
  private printer: TablePrinter | undefined;
  private lastKey: string | undefined;
  private separatorPending = false;
  /** Whether anything has been written. */
  written = false;

  constructor(
    private readonly sink: (text: string) => void,
    private readonly opts: TableOutputOptions,
  ) {}

  print(resource: ApiResource, table: Table, eventType?: string): void {
    const key = `${resource.group}/${resource.resource}`;
    if (key !== this.lastKey || !this.printer) {
      this.flush();
      this.tw.resetWidths();
      if (this.lastKey !== undefined && this.opts.noHeaders !== true && this.written) this.separatorPending = true;
      const p: TablePrintOptions = {
        wide: this.opts.wide === true,
        noHeaders: this.opts.noHeaders === true,
        withNamespace: this.opts.allNamespaces === true && resource.namespaced,
        showLabels: this.opts.showLabels === true,
      };
      if (this.opts.withKind === true) p.kindPrefix = groupKindLower(resource);
      this.printer = new TablePrinter(this.tw, p);
      this.lastKey = key;
    }
    this.printer.print(table, eventType);
  }

  /** Writes out what is buffered (after each watch event, and at the end). */
  flush(): void {
    const text = this.tw.take();
    if (text === '') return;
    if (this.separatorPending) {
      this.sink('\n');
      this.separatorPending = false;
    }
    this.sink(text);
    this.written = true;
  }
}
