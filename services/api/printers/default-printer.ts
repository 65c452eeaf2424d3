// The table kube-apiserver serves for built-in kinds without a printer (rest.DefaultTableConvertor):
// Name, and Created At as an RFC 3339 UTC timestamp rather than an age.
import type { KubeObject } from '../../../lib/api/object.js';
import { formatRfc3339 } from './age.js';
import { META_CREATION_TIMESTAMP } from './descriptions.js';
import { asString } from './fields.js';
import type { KindPrinter, PrintedRow } from './kind-printer.js';
import { NAME_COLUMN, column } from './kind-printer.js';

export const defaultPrinter: KindPrinter = {
  columns: [NAME_COLUMN, column('Created At', 'date', META_CREATION_TIMESTAMP)],
  row(obj: KubeObject): PrintedRow {
    return { cells: [asString(obj.metadata.name), formatRfc3339(obj.metadata.creationTimestamp)] };
  },
};
