// The wire side of a DNS exchange, without sockets: which queries are accepted (as miekg/dns,
// CoreDNS's server library, accepts them), EDNS0 (RFC 6891), and responses that fit the
// client's size, truncated with the TC bit set when records had to be left out.
import dnsPacket from 'dns-packet';
import type { Answer, OptAnswer, Packet, Question } from 'dns-packet';
import type { RcodeName } from './cluster-dns-resolver.js';
import { Rcode } from './cluster-dns-resolver.js';

export type Transport = 'udp' | 'tcp';

export interface EdnsInfo {
  udpPayloadSize: number;
  version: number;
  dnssecOk: boolean;
}

export interface DnsQuery {
  id: number;
  /** The query's RD and CD bits, echoed in the response. */
  echoFlags: number;
  question: Question;
  edns?: EdnsInfo;
}

export type ParseOutcome =
  | { kind: 'query'; query: DnsQuery }
  /** Answered at once without resolving: FORMERR, NOTIMP or BADVERS. */
  | { kind: 'reject'; rcode: RcodeName; response: Buffer; qtype?: string }
  /** Not answerable (too short to carry an id, or itself a response): ignored. */
  | { kind: 'drop' };

export interface ResponseBody {
  rcode: RcodeName;
  answers: Answer[];
  authority: Answer[];
  additionals: Answer[];
}

/** RFC 1035's limit for UDP without EDNS. */
export const MIN_UDP_SIZE = 512;
/** The most a response over UDP is made to hold, whatever the client advertises. */
export const MAX_UDP_SIZE = 65_535 - 28;
export const MAX_TCP_SIZE = 65_535;

const HEADER_BYTES = 12;
const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_TC = 0x0200;
const FLAG_RD = 0x0100;
const FLAG_CD = 0x0010;
const FLAG_DO = 0x8000;
const OPCODE_QUERY = 0;

/** A header-only response (no sections), for queries that cannot be decoded or served. */
function headerOnly(buf: Buffer, rcode: RcodeName): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  out.writeUInt16BE(buf.readUInt16BE(0), 0);
  const flags = buf.readUInt16BE(2);
  // Keep opcode and RD; set QR and the rcode.
  out.writeUInt16BE(FLAG_QR | (flags & 0x7800) | (flags & FLAG_RD) | (Rcode[rcode] & 0xf), 2);
  return out;
}

/**
 * Whether the decoded question encodes back to the bytes it came from. Labels with bytes that
 * do not survive decoding (invalid UTF-8, dots inside a label) or classes dns-packet cannot
 * name would otherwise be echoed as a different, possibly malformed, question.
 */
function roundTrips(buf: Buffer, question: Question): boolean {
  const encoded = dnsPacket.encode({ questions: [question] }).subarray(HEADER_BYTES);
  return buf.length >= HEADER_BYTES + encoded.length && encoded.equals(buf.subarray(HEADER_BYTES, HEADER_BYTES + encoded.length));
}

export function parseQuery(buf: Buffer): ParseOutcome {
  if (buf.length < HEADER_BYTES) return { kind: 'drop' };
  const flags = buf.readUInt16BE(2);
  if ((flags & FLAG_QR) !== 0) return { kind: 'drop' };
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== OPCODE_QUERY) return { kind: 'reject', rcode: 'NOTIMP', response: headerOnly(buf, 'NOTIMP') };
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  const ns = buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  if (qd !== 1 || an > 1 || ns > 1 || ar > 2) return { kind: 'reject', rcode: 'FORMERR', response: headerOnly(buf, 'FORMERR') };
  let decoded: ReturnType<typeof dnsPacket.decode>;
  try {
    decoded = dnsPacket.decode(buf);
  } catch {
    return { kind: 'reject', rcode: 'FORMERR', response: headerOnly(buf, 'FORMERR') };
  }
  const question = decoded.questions?.[0];
  const opts = (decoded.additionals ?? []).filter((a): a is OptAnswer => a.type === 'OPT');
  if (question === undefined || opts.length > 1 || !roundTrips(buf, question)) return { kind: 'reject', rcode: 'FORMERR', response: headerOnly(buf, 'FORMERR') };
  const query: DnsQuery = { id: decoded.id ?? 0, echoFlags: flags & (FLAG_RD | FLAG_CD), question };
  const opt = opts[0];
  if (opt !== undefined) {
    query.edns = { udpPayloadSize: opt.udpPayloadSize, version: opt.ednsVersion, dnssecOk: (opt.flags & FLAG_DO) !== 0 };
    if (opt.ednsVersion !== 0) {
      const response = encodeResponse(query, { rcode: 'BADVERS', answers: [], authority: [], additionals: [] }, { authoritative: false, transport: 'tcp' });
      return { kind: 'reject', rcode: 'BADVERS', response, qtype: question.type };
    }
  }
  return { kind: 'query', query };
}

/** The largest response a client takes: 512 over UDP, more with EDNS0; 64 KiB over TCP. */
export function maxResponseSize(query: DnsQuery, transport: Transport): number {
  if (transport === 'tcp') return MAX_TCP_SIZE;
  if (query.edns === undefined) return MIN_UDP_SIZE;
  return Math.min(MAX_UDP_SIZE, Math.max(MIN_UDP_SIZE, query.edns.udpPayloadSize));
}

/** The response's OPT: our EDNS version 0, the client's size and DO bit, the high rcode bits. */
function responseOpt(edns: EdnsInfo, rcode: number): OptAnswer {
  return {
    name: '.',
    type: 'OPT',
    udpPayloadSize: Math.max(MIN_UDP_SIZE, Math.min(edns.udpPayloadSize, MAX_UDP_SIZE)),
    extendedRcode: rcode >> 4,
    ednsVersion: 0,
    flags: edns.dnssecOk ? FLAG_DO : 0,
    flag_do: edns.dnssecOk,
    options: [],
  };
}

function recordLength(rr: Answer): number {
  return dnsPacket.encodingLength({ answers: [rr] }) - HEADER_BYTES;
}

/**
 * Keeps what fits in `size`: answers first, then authority, then additionals (the OPT always
 * stays), as miekg/dns's Msg.Truncate does; TC is set when anything was left out.
 */
export function fitToSize(packet: Packet, size: number): Packet {
  if (dnsPacket.encodingLength(packet) <= size) return packet;
  const opt = (packet.additionals ?? []).filter((a) => a.type === 'OPT');
  const fitted: Packet = { ...packet, answers: [], authorities: [], additionals: [...opt], flags: (packet.flags ?? 0) | FLAG_TC };
  let length = dnsPacket.encodingLength(fitted);
  let full = false;
  const take = (from: Answer[] | undefined, into: Answer[]): void => {
    for (const rr of from ?? []) {
      if (full) return;
      if (rr.type === 'OPT') continue;
      const l = recordLength(rr);
      if (length + l > size) {
        full = true;
        return;
      }
      into.push(rr);
      length += l;
    }
  };
  take(packet.answers, fitted.answers ?? []);
  take(packet.authorities, fitted.authorities ?? []);
  take(packet.additionals, fitted.additionals ?? []);
  return fitted;
}

export interface EncodeOptions {
  authoritative: boolean;
  transport: Transport;
}

/** The response to `query`, fitted to what the client takes over `transport`. */
export function encodeResponse(query: DnsQuery, body: ResponseBody, o: EncodeOptions): Buffer {
  const rcode = Rcode[body.rcode];
  const additionals = [...body.additionals];
  if (query.edns !== undefined) additionals.push(responseOpt(query.edns, rcode));
  const packet: Packet = {
    type: 'response',
    id: query.id,
    flags: query.echoFlags | (o.authoritative ? FLAG_AA : 0) | (rcode & 0xf),
    questions: [query.question],
    answers: body.answers,
    authorities: body.authority,
    additionals,
  };
  return dnsPacket.encode(fitToSize(packet, maxResponseSize(query, o.transport)));
}

/** The rcode of an encoded response (header bits plus an OPT's extended bits are ignored here). */
export function responseRcode(buf: Buffer): RcodeName | undefined {
  if (buf.length < HEADER_BYTES) return undefined;
  const code = buf.readUInt16BE(2) & 0xf;
  const entry = Object.entries(Rcode).find(([, v]) => v === code);
  return entry ? (entry[0] as RcodeName) : undefined;
}

/** A plain query for `name`/`type` with id `id`, e.g. to ask an upstream. */
export function encodeQuery(id: number, name: string, type: Question['type'], recursionDesired = true): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: recursionDesired ? FLAG_RD : 0, questions: [{ name, type, class: 'IN' }] });
}

/** The answers of an encoded response, or undefined if it does not decode. */
export function decodeAnswers(buf: Buffer): { rcode: RcodeName | undefined; answers: Answer[] } | undefined {
  try {
    const p = dnsPacket.decode(buf);
    return { rcode: responseRcode(buf), answers: p.answers ?? [] };
  } catch {
    return undefined;
  }
}
