// The peer stream's MessageBatch (proto/store/store.proto), encoded and decoded by hand.
// Why not protobufjs: every Raft message crosses this codec twice per member, and the reflective
// fromObject/toObject conversions plus Long objects for uint64 cost the leader about a tenth of
// its CPU under write load. The bytes are the same protobuf wire format (checked against
// protobufjs in peer-codec.test.ts), so the .proto stays the contract.
import { ProtoDecodeError, ProtoReader as Reader, varintSize, WIRE_LEN, WIRE_VARINT, writeVarint } from '../../../lib/protobuf-wire.js';
import { newMessage } from '../raft/message.js';
import type { ConfState, Entry, EntryType, Message, MessageType, Snapshot } from '../raft/types.js';

function tagSize(field: number): number {
  return varintSize(field * 8);
}

/** Size of a length-delimited field's payload prefix plus payload. */
function lenFieldSize(field: number, len: number): number {
  return tagSize(field) + varintSize(len) + len;
}

function varintFieldSize(field: number, n: number): number {
  return n === 0 ? 0 : tagSize(field) + varintSize(n);
}

function checkU64(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} out of range: ${n}`);
}

class Writer {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint(n: number): void {
    this.pos = writeVarint(this.buf, this.pos, n);
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  varintField(field: number, n: number): void {
    if (n === 0) return;
    this.tag(field, WIRE_VARINT);
    this.varint(n);
  }

  bytesField(field: number, b: Uint8Array): void {
    if (b.byteLength === 0) return;
    this.tag(field, WIRE_LEN);
    this.varint(b.byteLength);
    this.buf.set(b, this.pos);
    this.pos += b.byteLength;
  }

  /** A string field whose UTF-8 length the caller measured. */
  stringField(field: number, s: string, len: number, always = false): void {
    if (len === 0 && !always) return;
    this.tag(field, WIRE_LEN);
    this.varint(len);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }
}

function entrySize(e: Entry): number {
  checkU64('entry.term', e.term);
  checkU64('entry.index', e.index);
  return (
    varintFieldSize(1, e.term) +
    varintFieldSize(2, e.index) +
    varintFieldSize(3, e.type) +
    (e.data.byteLength > 0 ? lenFieldSize(4, e.data.byteLength) : 0)
  );
}

function writeEntry(w: Writer, e: Entry, size: number): void {
  w.tag(7, WIRE_LEN);
  w.varint(size);
  w.varintField(1, e.term);
  w.varintField(2, e.index);
  w.varintField(3, e.type);
  w.bytesField(4, e.data);
}

function stringsSize(field: number, list: readonly string[]): number {
  let size = 0;
  for (const s of list) size += lenFieldSize(field, Buffer.byteLength(s, 'utf8'));
  return size;
}

function confStateSize(cs: ConfState): number {
  return stringsSize(1, cs.voters) + stringsSize(2, cs.learners);
}

function metadataSize(snap: Snapshot): number {
  const md = snap.metadata;
  checkU64('snapshot.index', md.index);
  checkU64('snapshot.term', md.term);
  return varintFieldSize(1, md.index) + varintFieldSize(2, md.term) + lenFieldSize(3, confStateSize(md.confState));
}

function snapshotSize(snap: Snapshot): number {
  return lenFieldSize(1, metadataSize(snap)) + (snap.data.byteLength > 0 ? lenFieldSize(2, snap.data.byteLength) : 0);
}

function writeSnapshot(w: Writer, snap: Snapshot): void {
  const md = snap.metadata;
  w.tag(9, WIRE_LEN);
  w.varint(snapshotSize(snap));
  w.tag(1, WIRE_LEN);
  w.varint(metadataSize(snap));
  w.varintField(1, md.index);
  w.varintField(2, md.term);
  w.tag(3, WIRE_LEN);
  w.varint(confStateSize(md.confState));
  for (const v of md.confState.voters) w.stringField(1, v, Buffer.byteLength(v, 'utf8'), true);
  for (const l of md.confState.learners) w.stringField(2, l, Buffer.byteLength(l, 'utf8'), true);
  w.bytesField(2, snap.data);
}

interface MessagePlan {
  size: number;
  toLen: number;
  fromLen: number;
  entrySizes: number[];
}

function planMessage(m: Message): MessagePlan {
  checkU64('message.term', m.term);
  checkU64('message.log_term', m.logTerm);
  checkU64('message.index', m.index);
  checkU64('message.commit', m.commit);
  checkU64('message.reject_hint', m.rejectHint);
  const toLen = Buffer.byteLength(m.to, 'utf8');
  const fromLen = Buffer.byteLength(m.from, 'utf8');
  const entrySizes = m.entries.map(entrySize);
  let size =
    varintFieldSize(1, m.type) +
    (toLen > 0 ? lenFieldSize(2, toLen) : 0) +
    (fromLen > 0 ? lenFieldSize(3, fromLen) : 0) +
    varintFieldSize(4, m.term) +
    varintFieldSize(5, m.logTerm) +
    varintFieldSize(6, m.index) +
    varintFieldSize(8, m.commit) +
    (m.reject ? 2 : 0) +
    varintFieldSize(11, m.rejectHint) +
    (m.context.byteLength > 0 ? lenFieldSize(12, m.context.byteLength) : 0);
  for (const s of entrySizes) size += lenFieldSize(7, s);
  if (m.snapshot) size += lenFieldSize(9, snapshotSize(m.snapshot));
  return { size, toLen, fromLen, entrySizes };
}

/**
 * MessageBatch{cluster_id, messages} in protobuf wire format; fields in field-number order.
 * `headroom` bytes are left free at the start for the caller's framing.
 */
export function encodeMessageBatch(clusterId: string, messages: readonly Message[], headroom = 0): Buffer {
  const idLen = Buffer.byteLength(clusterId, 'utf8');
  const plans = messages.map(planMessage);
  let total = idLen > 0 ? lenFieldSize(1, idLen) : 0;
  for (const p of plans) total += lenFieldSize(2, p.size);
  const w = new Writer(Buffer.allocUnsafe(headroom + total));
  w.pos = headroom;
  w.stringField(1, clusterId, idLen);
  messages.forEach((m, i) => {
    const p = plans[i] as MessagePlan;
    w.tag(2, WIRE_LEN);
    w.varint(p.size);
    w.varintField(1, m.type);
    w.stringField(2, m.to, p.toLen);
    w.stringField(3, m.from, p.fromLen);
    w.varintField(4, m.term);
    w.varintField(5, m.logTerm);
    w.varintField(6, m.index);
    m.entries.forEach((e, j) => writeEntry(w, e, p.entrySizes[j] as number));
    w.varintField(8, m.commit);
    if (m.snapshot) writeSnapshot(w, m.snapshot);
    w.varintField(10, m.reject ? 1 : 0);
    w.varintField(11, m.rejectHint);
    w.bytesField(12, m.context);
  });
  if (w.pos !== headroom + total) throw new Error(`peer codec: wrote ${w.pos - headroom} bytes, planned ${total}`);
  return w.buf;
}

function expectWire(field: number, wire: number, want: number): void {
  if (wire !== want) throw new ProtoDecodeError(`field ${field}: wire type ${wire}, expected ${want}`);
}

function readEntry(r: Reader): Entry {
  const e: Entry = { term: 0, index: 0, type: 0, data: Buffer.alloc(0) };
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 1 && wire === WIRE_VARINT) e.term = r.varint();
    else if (field === 2 && wire === WIRE_VARINT) e.index = r.varint();
    else if (field === 3 && wire === WIRE_VARINT) e.type = r.varint() as EntryType;
    else if (field === 4 && wire === WIRE_LEN) e.data = r.bytes();
    else r.skip(wire);
  }
  return e;
}

function readConfState(r: Reader): ConfState {
  const cs: ConfState = { voters: [], learners: [] };
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 1 && wire === WIRE_LEN) cs.voters.push(r.string());
    else if (field === 2 && wire === WIRE_LEN) cs.learners.push(r.string());
    else r.skip(wire);
  }
  return cs;
}

/** undefined when the snapshot has no metadata (protobufjs' decoding did the same). */
function readSnapshot(r: Reader): Snapshot | undefined {
  let metadata: Snapshot['metadata'] | undefined;
  let data: Buffer = Buffer.alloc(0);
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 1) {
      expectWire(field, wire, WIRE_LEN);
      const mr = r.sub();
      const md: Snapshot['metadata'] = { index: 0, term: 0, confState: { voters: [], learners: [] } };
      while (!mr.done) {
        const mtag = mr.varint();
        const mfield = Math.floor(mtag / 8);
        const mwire = mtag % 8;
        if (mfield === 1 && mwire === WIRE_VARINT) md.index = mr.varint();
        else if (mfield === 2 && mwire === WIRE_VARINT) md.term = mr.varint();
        else if (mfield === 3 && mwire === WIRE_LEN) md.confState = readConfState(mr.sub());
        else mr.skip(mwire);
      }
      metadata = md;
    } else if (field === 2 && wire === WIRE_LEN) {
      data = r.bytes();
    } else {
      r.skip(wire);
    }
  }
  return metadata ? { metadata, data } : undefined;
}

function readMessage(r: Reader): Message {
  const m = newMessage({ type: 0 as MessageType, to: '', from: '', context: Buffer.alloc(0) });
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    switch (field) {
      case 1: expectWire(field, wire, WIRE_VARINT); m.type = r.varint() as MessageType; break;
      case 2: expectWire(field, wire, WIRE_LEN); m.to = r.string(); break;
      case 3: expectWire(field, wire, WIRE_LEN); m.from = r.string(); break;
      case 4: expectWire(field, wire, WIRE_VARINT); m.term = r.varint(); break;
      case 5: expectWire(field, wire, WIRE_VARINT); m.logTerm = r.varint(); break;
      case 6: expectWire(field, wire, WIRE_VARINT); m.index = r.varint(); break;
      case 7: expectWire(field, wire, WIRE_LEN); m.entries.push(readEntry(r.sub())); break;
      case 8: expectWire(field, wire, WIRE_VARINT); m.commit = r.varint(); break;
      case 9: {
        expectWire(field, wire, WIRE_LEN);
        const snap = readSnapshot(r.sub());
        if (snap) m.snapshot = snap;
        break;
      }
      case 10: expectWire(field, wire, WIRE_VARINT); m.reject = r.varint() !== 0; break;
      case 11: expectWire(field, wire, WIRE_VARINT); m.rejectHint = r.varint(); break;
      case 12: expectWire(field, wire, WIRE_LEN); m.context = r.bytes(); break;
      default: r.skip(wire);
    }
  }
  return m;
}

export function decodeMessageBatch(data: Uint8Array): { clusterId: string; messages: Message[] } {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const r = new Reader(buf, 0, buf.length);
  let clusterId = '';
  const messages: Message[] = [];
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 1 && wire === WIRE_LEN) clusterId = r.string();
    else if (field === 2 && wire === WIRE_LEN) messages.push(readMessage(r.sub()));
    else r.skip(wire);
  }
  return { clusterId, messages };
}
