// ServiceAccount, Secret, ConfigMap and Lease rows.
import type { KubeObject } from '../../../lib/api/object.js';
import { translateTimestampSince } from './age.js';
import { CONFIG_MAP_DATA, LEASE_HOLDER, SECRET, SERVICE_ACCOUNT_SECRETS } from './descriptions.js';
import { asArray, asString, at, mapSize } from './fields.js';
import type { KindPrinter, PrintedRow } from './kind-printer.js';
import { AGE_COLUMN, NAME_COLUMN, column } from './kind-printer.js';

export const serviceAccountPrinter: KindPrinter = {
  columns: [NAME_COLUMN, column('Secrets', 'string', SERVICE_ACCOUNT_SECRETS), AGE_COLUMN],
  row(obj: KubeObject, now: Date): PrintedRow {
    return {
      cells: [
        asString(obj.metadata.name),
        asArray(obj['secrets']).length,
        translateTimestampSince(obj.metadata.creationTimestamp, now),
      ],
    };
  },
};

export const secretPrinter: KindPrinter = {
  columns: [NAME_COLUMN, column('Type', 'string', SECRET.type), column('Data', 'string', SECRET.data), AGE_COLUMN],
  row(obj: KubeObject, now: Date): PrintedRow {
    return {
      cells: [
        asString(obj.metadata.name),
        asString(obj['type']),
        mapSize(obj['data']),
        translateTimestampSince(obj.metadata.creationTimestamp, now),
      ],
    };
  },
};

export const configMapPrinter: KindPrinter = {
  columns: [NAME_COLUMN, column('Data', 'string', CONFIG_MAP_DATA), AGE_COLUMN],
  row(obj: KubeObject, now: Date): PrintedRow {
    return {
      cells: [
        asString(obj.metadata.name),
        mapSize(obj['data']) + mapSize(obj['binaryData']),
        translateTimestampSince(obj.metadata.creationTimestamp, now),
      ],
    };
  },
};

export const leasePrinter: KindPrinter = {
  columns: [NAME_COLUMN, column('Holder', 'string', LEASE_HOLDER), AGE_COLUMN],
  row(obj: KubeObject, now: Date): PrintedRow {
    return {
      cells: [
        asString(obj.metadata.name),
        asString(at(obj, 'spec', 'holderIdentity')),
        translateTimestampSince(obj.metadata.creationTimestamp, now),
      ],
    };
  },
};
