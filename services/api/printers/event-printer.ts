// core/v1 Event rows (printEvent): LAST SEEN falls back to the first timestamp, then to the
// new-API eventTime and series; OBJECT is "kind/name" in lower case.
import type { KubeObject } from '../../../lib/api/object.js';
import { parseTimestamp, translateTimestampSince } from './age.js';
import { EVENT, META_NAME } from './descriptions.js';
import { asInt, asString, at } from './fields.js';
import type { KindPrinter, PrintedRow } from './kind-printer.js';
import { column, wide } from './kind-printer.js';

/** formatEventSource: component (or reportingController), then ", host" (or reportingInstance) when set. */
function eventSource(event: KubeObject): string {
  const component = asString(at(event, 'source', 'component')) || asString(event['reportingController']);
  const instance = asString(at(event, 'source', 'host')) || asString(event['reportingInstance']);
  return instance === '' ? component : `${component}, ${instance}`;
}

export const eventPrinter: KindPrinter = {
  columns: [
    column('Last Seen', 'string', EVENT.lastTimestamp),
    column('Type', 'string', EVENT.type),
    column('Reason', 'string', EVENT.reason),
    column('Object', 'string', EVENT.involvedObject),
    wide('Subobject', 'string', EVENT.fieldPath),
    wide('Source', 'string', EVENT.source),
    column('Message', 'string', EVENT.message),
    wide('First Seen', 'string', EVENT.firstTimestamp),
    wide('Count', 'string', EVENT.count),
    column('Name', 'string', META_NAME, { format: 'name', priority: 1 }),
  ],
  row(obj: KubeObject, now: Date): PrintedRow {
    const firstTimestamp =
      parseTimestamp(obj['firstTimestamp']) === undefined
        ? translateTimestampSince(obj['eventTime'], now)
        : translateTimestampSince(obj['firstTimestamp'], now);
    let lastTimestamp =
      parseTimestamp(obj['lastTimestamp']) === undefined ? firstTimestamp : translateTimestampSince(obj['lastTimestamp'], now);
    let count = asInt(obj['count']);
    const series = obj['series'];
    if (series !== undefined && series !== null) {
      lastTimestamp = translateTimestampSince(at(series, 'lastObservedTime'), now);
      count = asInt(at(series, 'count'));
    } else if (count === 0) {
      // Singleton events of the events.k8s.io API carry no count.
      count = 1;
    }
    const kind = asString(at(obj, 'involvedObject', 'kind')).toLowerCase();
    const name = asString(at(obj, 'involvedObject', 'name'));
    return {
      cells: [
        lastTimestamp,
        asString(obj['type']),
        asString(obj['reason']),
        name === '' ? kind : `${kind}/${name}`,
        asString(at(obj, 'involvedObject', 'fieldPath')),
        eventSource(obj),
        asString(obj['message']).trim(),
        firstTimestamp,
        count,
        asString(obj.metadata.name),
      ],
    };
  },
};
