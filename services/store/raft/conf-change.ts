import { MalformedConfChangeError } from './errors.js';
import { ConfChangeType } from './types.js';
import type { ConfChange } from './types.js';

// Layout: version(1) type(1) idLength(u32 BE) id(utf8) contextLength(u32 BE) context.
// Versioned because these bytes live in the replicated log forever.
const formatVersion = 1;
const validTypes: ReadonlySet<number> = new Set(Object.values(ConfChangeType));

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const id = new TextEncoder().encode(cc.nodeId);
  const out = new Uint8Array(2 + 4 + id.byteLength + 4 + cc.context.byteLength);
  const view = new DataView(out.buffer);
  out[0] = formatVersion;
  out[1] = cc.type;
  view.setUint32(2, id.byteLength);
  out.set(id, 6);
  view.setUint32(6 + id.byteLength, cc.context.byteLength);
  out.set(cc.context, 10 + id.byteLength);
  return out;
}

export function decodeConfChange(b: Uint8Array): ConfChange {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.byteLength < 10) throw new MalformedConfChangeError(`too short (${b.byteLength} bytes)`);
  if (b[0] !== formatVersion) throw new MalformedConfChangeError(`unknown version ${String(b[0])}`);
  const type = b[1] as number;
  if (!validTypes.has(type)) throw new MalformedConfChangeError(`unknown type ${type}`);
  const idLength = view.getUint32(2);
  if (6 + idLength + 4 > b.byteLength) throw new MalformedConfChangeError('node id overruns the buffer');
  const nodeId = new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(6, 6 + idLength));
  const contextLength = view.getUint32(6 + idLength);
  const contextStart = 10 + idLength;
  if (contextStart + contextLength !== b.byteLength) throw new MalformedConfChangeError('context length mismatch');
  return {
    type: type as ConfChangeType,
    nodeId,
    context: b.slice(contextStart, contextStart + contextLength),
  };
}
