import { describe, expect, it } from 'vitest';
import type { Table } from '../../../lib/api/kube-client/index.js';
import { TablePrinter, formatCell } from './table-printer.js';
import { TABLE_LAYOUT, TabWriter } from './tab-writer.js';

const table = (rows: [string, string, number, string][], withColumns = true): Table => ({
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  metadata: {},
  columnDefinitions: withColumns
    ? [
        { name: 'Name', type: 'string', format: 'name', priority: 0 },
        { name: 'Ready', type: 'string', format: '', priority: 0 },
        { name: 'Restarts', type: 'integer', format: '', priority: 0 },
        { name: 'Node', type: 'string', format: '', priority: 1 },
      ]
    : [],
  rows: rows.map(([name, ready, restarts, node]) => ({ cells: [name, ready, restarts, node], object: { metadata: { name, namespace: 'demo', labels: { app: name } } } })),
});

function print(opts: ConstructorParameters<typeof TablePrinter>[1], ...tables: Table[]): string {
  const w = new TabWriter(TABLE_LAYOUT);
  const p = new TablePrinter(w, opts);
  for (const t of tables) p.print(t);
  return w.take();
}

describe('TablePrinter', () => {
  it('prints upper-case headers and priority-0 columns', () => {
    expect(print({}, table([['web-0', '1/1', 0, 'n1']]))).toBe('NAME    READY   RESTARTS\nweb-0   1/1     0\n');
  });

  it('adds wide columns, the namespace, the kind prefix and labels', () => {
    expect(print({ wide: true, withNamespace: true, kindPrefix: 'pod', showLabels: true }, table([['web-0', '1/1', 2, 'n1']]))).toBe(
      'NAMESPACE   NAME        READY   RESTARTS   NODE   LABELS\ndemo        pod/web-0   1/1     2          n1     app=web-0\n',
    );
  });

  it('prints the header once for the same columns, and nothing for an empty table', () => {
    expect(print({}, table([]))).toBe('');
    expect(print({}, table([['a', '1/1', 0, 'n']]), table([['b', '0/1', 1, 'n']], false))).toBe('NAME   READY   RESTARTS\na      1/1     0\nb      0/1     1\n');
  });

  it('cuts cells at line breaks', () => {
    expect(formatCell('one\ntwo')).toBe('one...');
    expect(formatCell(null)).toBe('');
    expect(formatCell(true)).toBe('true');
  });
});
