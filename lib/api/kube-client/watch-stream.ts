// Watch responses: a stream of JSON watch events, one per line, decoded as they arrive.
import type { WatchEvent, WatchEventType } from '../object.js';
import { isRecord } from '../object.js';

const TYPES: ReadonlySet<string> = new Set<WatchEventType>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export class WatchDecodeError extends Error {
  override readonly name = 'WatchDecodeError';
}

function decode(line: string): WatchEvent<unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    throw new WatchDecodeError(`unable to decode watch event: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(v) || typeof v.type !== 'string' || !TYPES.has(v.type)) throw new WatchDecodeError(`unexpected watch event: ${line.slice(0, 200)}`);
  return { type: v.type as WatchEventType, object: v.object };
}

/** Decodes newline-delimited watch events from a byte stream; ends when the stream ends. */
export async function* decodeWatchEvents(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<WatchEvent<unknown>> {
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line !== '') yield decode(line);
      nl = pending.indexOf('\n');
    }
  }
  const rest = pending.trim();
  if (rest !== '') yield decode(rest);
}
