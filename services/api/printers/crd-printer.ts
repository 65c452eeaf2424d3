// Tables for custom resources from their CRD's additionalPrinterColumns, as the apiextensions
// table convertor builds them: a Name column, then one column per printer column whose cell is
// the JSONPath value converted by the column type.
import { isRecord } from '../../../lib/api/object.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { parseRfc3339, translateTimestampSince } from './age.js';
import { META_CREATION_TIMESTAMP } from './descriptions.js';
import { asString } from './fields.js';
import { goJsonMarshal } from './go-json.js';
import type { ColumnType, KindPrinter, PrintedRow } from './kind-printer.js';
import { NAME_COLUMN, column } from './kind-printer.js';

/** apiextensions.k8s.io/v1 CustomResourceColumnDefinition. */
export interface PrinterColumn {
  name: string;
  type: ColumnType;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** What a CRD without additionalPrinterColumns is served with. */
export const DEFAULT_CRD_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: META_CREATION_TIMESTAMP },
];

type PathStep = string | number;

/** Parses the simple JSONPaths CRDs use (".spec.hosts", ".a.b[0]", ".a['k.x']"); undefined otherwise. */
export function parseSimpleJsonPath(path: string): PathStep[] | undefined {
  const steps: PathStep[] = [];
  const re = /\.([^.[\]'"]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let pos = 0;
  while (pos < path.length) {
    re.lastIndex = pos;
    const m = re.exec(path);
    if (!m) return undefined;
    const [, field, index, quoted1, quoted2] = m;
    if (index !== undefined) steps.push(Number(index));
    else steps.push(field ?? quoted1 ?? quoted2 ?? '');
    pos = re.lastIndex;
  }
  return steps;
}

const MISSING = Symbol('missing');

function lookup(value: unknown, steps: readonly PathStep[]): unknown {
  let cur = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(cur) || step >= cur.length) return MISSING;
      cur = cur[step];
    } else {
      if (!isRecord(cur) || !Object.hasOwn(cur, step)) return MISSING;
      cur = cur[step];
    }
  }
  return cur;
}

/** fmt.Fprint of a decoded JSON number: int64 for whole numbers, else float64 in %v form (shortest, exponent from 1e+06). */
function goNumberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  const [mantissa = '', exponent = '0'] = n.toExponential().split('e');
  const exp = Number(exponent);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/** A "string" column: strings as they are, scalars as fmt prints them, lists and maps as compact JSON. */
function stringCell(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return '<no value>';
  if (typeof value === 'number') return goNumberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return goJsonMarshal(value);
}

/** cellForJSONValue for the non-string column types; null where the value does not fit the type. */
function typedCell(type: ColumnType, value: unknown, now: Date): unknown {
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      if (value === '' || value === 'null') return '<unknown>';
      if (parseRfc3339(value) === undefined) return '<invalid>';
      return translateTimestampSince(value, now);
    }
    default:
      return null;
  }
}

export function crdPrinter(printerColumns: readonly PrinterColumn[]): KindPrinter {
  const effective = printerColumns.length > 0 ? printerColumns : DEFAULT_CRD_COLUMNS;
  const paths = effective.map((c) => parseSimpleJsonPath(c.jsonPath));
  return {
    columns: [
      NAME_COLUMN,
      ...effective.map((c) =>
        column(c.name, c.type, c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`, {
          format: c.format ?? '',
          priority: c.priority ?? 0,
        }),
      ),
    ],
    row(obj: KubeObject, now: Date): PrintedRow {
      const cells: unknown[] = [asString(obj.metadata.name)];
      effective.forEach((c, i) => {
        const steps = paths[i];
        const value = steps === undefined ? MISSING : lookup(obj, steps);
        if (value === MISSING) cells.push(null);
        else if (c.type === 'string') cells.push(stringCell(value));
        else cells.push(typedCell(c.type, value, now));
      });
      return { cells };
    },
  };
}
