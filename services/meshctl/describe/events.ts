// The Events section of describe: the events whose involvedObject is the described object.
import type { KubeClient } from '../../../lib/api/kube-client/index.js';
import { escapeFieldValue } from '../../../lib/api/fields.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { isRecord } from '../../../lib/api/object.js';
import { ageSince } from '../output/human-time.js';
import type { LineWriter } from '../output/prefix-writer.js';

export interface EventRef {
  name: string;
  namespace: string;
  kind?: string;
  uid?: string;
}

/** The field selector client-go's Events().GetFieldSelector builds (keys sorted). */
export function eventFieldSelector(ref: EventRef): string {
  const terms: [string, string][] = [['involvedObject.name', ref.name], ['involvedObject.namespace', ref.namespace]];
  if (ref.kind !== undefined && ref.kind !== '') terms.push(['involvedObject.kind', ref.kind]);
  if (ref.uid !== undefined && ref.uid !== '') terms.push(['involvedObject.uid', ref.uid]);
  return terms
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${escapeFieldValue(v)}`)
    .join(',');
}

export async function searchEvents(client: KubeClient, ref: EventRef): Promise<KubeObject[]> {
  const events = await client.discovery.resolve('events');
  const list = await client.list(events, { namespace: ref.namespace, fieldSelector: eventFieldSelector(ref), limit: 500 });
  return list.items;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function eventTime(e: KubeObject): number {
  const series = isRecord(e.series) ? str(e.series.lastObservedTime) : '';
  const t = series !== '' ? series : str(e.lastTimestamp) !== '' ? str(e.lastTimestamp) : str(e.eventTime);
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : ms;
}

/** DescribeEvents. */
export function describeEvents(w: LineWriter, events: readonly KubeObject[], now: Date): void {
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  const sorted = [...events].sort((a, b) => eventTime(a) - eventTime(b));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = str(e.eventTime) !== '' ? ageSince(e.eventTime, now) : ageSince(e.firstTimestamp, now);
    const count = typeof e.count === 'number' ? e.count : 0;
    let interval = first;
    if (isRecord(e.series)) interval = `${ageSince(e.series.lastObservedTime, now)} (x${typeof e.series.count === 'number' ? e.series.count : 0} over ${first})`;
    else if (count > 1) interval = `${ageSince(e.lastTimestamp, now)} (x${count} over ${first})`;
    const source = isRecord(e.source) && str(e.source.component) !== '' ? str(e.source.component) : str(e.reportingController);
    w.write(1, `${str(e.type)}\t${str(e.reason)}\t${interval}\t${source}\t${str(e.message).trim()}\n`);
  }
}
