// The slice of ASN.1 DER that X.509 certificates need: an encoder for the few universal and
// context-specific types a certificate is made of, and a reader that walks TLVs. node:crypto
// signs and parses certificates but cannot build one, and node-forge's builder only knows RSA
// keys, so the TBSCertificate is assembled here and signed with node:crypto.

export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV with a single-byte tag. */
export function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

export const der = {
  sequence: (...items: Uint8Array[]): Buffer => tlv(Tag.SEQUENCE, Buffer.concat(items)),

  /** SET OF: DER orders the members by their encodings. */
  set: (...items: Uint8Array[]): Buffer => tlv(Tag.SET, Buffer.concat([...items].sort((a, b) => Buffer.compare(a, b)))),

  boolean: (v: boolean): Buffer => tlv(Tag.BOOLEAN, Buffer.from([v ? 0xff : 0x00])),

  null: (): Buffer => tlv(Tag.NULL, Buffer.alloc(0)),

  /** A non-negative INTEGER from its big-endian magnitude, minimally encoded. */
  unsignedInteger: (magnitude: Uint8Array): Buffer => {
    let start = 0;
    while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
    const body = Buffer.from(magnitude.subarray(start));
    const needsPad = body.length === 0 || (body[0] ?? 0) >= 0x80;
    return tlv(Tag.INTEGER, needsPad ? Buffer.concat([Buffer.from([0]), body]) : body);
  },

  smallInteger: (n: number): Buffer => {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    return der.unsignedInteger(Buffer.from(bytes));
  },

  oid: (dotted: string): Buffer => {
    const arcs = dotted.split('.').map((s) => Number(s));
    const [a = 0, b = 0, ...rest] = arcs;
    const out: number[] = [a * 40 + b];
    for (const arc of rest) {
      const chunk: number[] = [arc & 0x7f];
      for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
      out.push(...chunk);
    }
    return tlv(Tag.OID, Buffer.from(out));
  },

  utf8: (s: string): Buffer => tlv(Tag.UTF8_STRING, Buffer.from(s, 'utf8')),

  ia5: (s: string): Buffer => tlv(Tag.IA5_STRING, Buffer.from(s, 'ascii')),

  octetString: (b: Uint8Array): Buffer => tlv(Tag.OCTET_STRING, b),

  /** A BIT STRING of whole bytes (no unused bits), as signatures and keys are. */
  bitString: (b: Uint8Array): Buffer => tlv(Tag.BIT_STRING, Buffer.concat([Buffer.from([0]), b])),

  /** A named-bit BIT STRING (KeyUsage): bit 0 is the most significant bit, trailing zeros dropped. */
  namedBits: (bits: readonly number[]): Buffer => {
    if (bits.length === 0) return tlv(Tag.BIT_STRING, Buffer.from([0]));
    const highest = Math.max(...bits);
    const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
    for (const bit of bits) bytes[Math.floor(bit / 8)] = (bytes[Math.floor(bit / 8)] ?? 0) | (0x80 >> bit % 8);
    const unused = 7 - (highest % 8);
    return tlv(Tag.BIT_STRING, Buffer.concat([Buffer.from([unused]), bytes]));
  },

  /** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
  time: (d: Date): Buffer => {
    const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
    const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
    const year = d.getUTCFullYear();
    return year >= 1950 && year < 2050 ? tlv(Tag.UTC_TIME, Buffer.from(`${digits.slice(2)}Z`)) : tlv(Tag.GENERALIZED_TIME, Buffer.from(`${digits}Z`));
  },

  /** [n] EXPLICIT: a constructed context-specific wrapper. */
  explicit: (n: number, inner: Uint8Array): Buffer => tlv(0xa0 | n, inner),

  /** [n] IMPLICIT of a primitive type: the content under a context-specific tag. */
  implicitPrimitive: (n: number, content: Uint8Array): Buffer => tlv(0x80 | n, content),
};

/** One decoded TLV: its tag, its content, and the whole encoding. */
export interface DerNode {
  tag: number;
  content: Buffer;
  raw: Buffer;
}

export class DerError extends Error {
  override readonly name = 'DerError';
}

/** Reads the TLV at offset; returns it and the offset after it. */
export function readTlv(buf: Buffer, offset = 0): { node: DerNode; next: number } {
  const tag = buf[offset];
  const first = buf[offset + 1];
  if (tag === undefined || first === undefined) throw new DerError('truncated DER');
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new DerError('unsupported DER length');
    length = 0;
    for (let i = 0; i < n; i++) {
      const b = buf[offset + 2 + i];
      if (b === undefined) throw new DerError('truncated DER');
      length = length * 256 + b;
    }
    header += n;
  }
  const end = offset + header + length;
  if (end > buf.length) throw new DerError('truncated DER');
  return { node: { tag, content: buf.subarray(offset + header, end), raw: buf.subarray(offset, end) }, next: end };
}

/** The TLVs inside a constructed node. */
export function children(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  for (let off = 0; off < node.content.length; ) {
    const { node: child, next } = readTlv(node.content, off);
    out.push(child);
    off = next;
  }
  return out;
}

/** Decodes an OBJECT IDENTIFIER's content to dotted form. */
export function decodeOid(content: Buffer): string {
  const first = content[0] ?? 0;
  const arcs = [Math.floor(first / 40), first % 40];
  let v = 0;
  for (const b of content.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}
