import { describe, expect, it } from 'vitest';
import { Tag, children, decodeOid, der, readTlv } from './der.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('DER encoder', () => {
  it.each([
    [[0x00], '020100'],
    [[0x7f], '02017f'],
    [[0x80], '02020080'],
    [[0x00, 0x00, 0x01], '020101'],
    [[0x00, 0x80], '02020080'],
  ])('encodes unsigned integer %j minimally', (bytes, expected) => {
    expect(hex(der.unsignedInteger(Buffer.from(bytes)))).toBe(expected);
  });

  it('encodes small integers', () => {
    expect(hex(der.smallInteger(2))).toBe('020102');
    expect(hex(der.smallInteger(0))).toBe('020100');
    expect(hex(der.smallInteger(256))).toBe('02020100');
  });

  it.each([
    ['2.5.4.3', '0603550403'],
    ['1.2.840.10045.4.3.2', '06082a8648ce3d040302'],
    ['1.3.6.1.5.5.7.3.1', '06082b06010505070301'],
  ])('encodes OID %s', (oid, expected) => {
    expect(hex(der.oid(oid))).toBe(expected);
    expect(decodeOid(readTlv(der.oid(oid)).node.content)).toBe(oid);
  });

  it.each([
    [[0, 5, 6], '03020186'], // digitalSignature, keyCertSign, cRLSign
    [[0, 2], '030205a0'], // digitalSignature, keyEncipherment
    [[0], '03020780'],
    [[8], '0303070080'], // decipherOnly spills into a second byte
  ])('encodes named bits %j', (bits, expected) => {
    expect(hex(der.namedBits(bits))).toBe(expected);
  });

  it('uses UTCTime before 2050 and GeneralizedTime from 2050', () => {
    expect(der.time(new Date('2024-03-05T06:07:08.999Z')).toString('latin1').slice(2)).toBe('240305060708Z');
    expect(der.time(new Date('2024-03-05T06:07:08Z'))[0]).toBe(Tag.UTC_TIME);
    const late = der.time(new Date('2051-01-02T03:04:05Z'));
    expect(late[0]).toBe(Tag.GENERALIZED_TIME);
    expect(late.toString('latin1').slice(2)).toBe('20510102030405Z');
  });

  it('uses the long length form above 127 bytes', () => {
    const long = der.octetString(Buffer.alloc(300));
    expect(hex(long.subarray(0, 4))).toBe('0482012c');
    expect(readTlv(long).node.content.length).toBe(300);
  });

  it('sorts SET members by encoding', () => {
    expect(hex(der.set(der.utf8('b'), der.utf8('a')))).toBe('31060c01610c0162');
  });

  it('reads back nested structures', () => {
    const enc = der.sequence(der.smallInteger(1), der.sequence(der.boolean(true), der.null()), der.explicit(3, der.utf8('x')));
    const [a, b, c] = children(readTlv(enc).node);
    expect(a?.tag).toBe(Tag.INTEGER);
    expect(children(b ?? readTlv(enc).node).map((n) => n.tag)).toEqual([Tag.BOOLEAN, Tag.NULL]);
    expect(c?.tag).toBe(0xa3);
  });

  it('rejects truncated input', () => {
    expect(() => readTlv(Buffer.from('3005020101', 'hex'))).toThrow('truncated DER');
  });
});
