// Server-side Table output (what `kubectl get` prints) and Kubernetes-style ages.
export type {
  IncludeObject,
  PartialObjectMetadata,
  Table,
  TableColumnDefinition,
  TableRow,
  TableRowCondition,
  ToTableOptions,
} from './table.js';
export { columnDefinitionsFor, toTable } from './table.js';
export { formatRfc3339, humanDuration, parseTimestamp, translateTimestampSince } from './age.js';
export type { PrinterColumn } from './crd-printer.js';
