import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import type { Answer, Packet } from 'dns-packet';
import type { DnsQuery } from './dns-message.js';
import { encodeResponse, fitToSize, maxResponseSize, parseQuery } from './dns-message.js';

function query(p: Packet): Buffer {
  return dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, ...p });
}

function parsed(buf: Buffer): DnsQuery {
  const out = parseQuery(buf);
  if (out.kind !== 'query') throw new Error(`expected a query, got ${out.kind}`);
  return out.query;
}

function aRecords(n: number): Answer[] {
  return Array.from({ length: n }, (_, i) => ({ name: 'h.default.svc.cluster.local', type: 'A', ttl: 5, data: `10.244.${Math.floor(i / 250)}.${(i % 250) + 1}` }));
}

describe('parseQuery', () => {
  it('reads the question, id and the RD bit', () => {
    const q = parsed(query({ questions: [{ name: 'web.default.svc.cluster.local', type: 'A' }] }));
    expect(q.id).toBe(4242);
    expect(q.question).toEqual({ name: 'web.default.svc.cluster.local', type: 'A', class: 'IN' });
    expect(q.echoFlags).toBe(dnsPacket.RECURSION_DESIRED);
    expect(q.edns).toBeUndefined();
  });

  it('reads EDNS0', () => {
    const q = parsed(
      query({
        questions: [{ name: 'a.b', type: 'A' }],
        additionals: [{ name: '.', type: 'OPT', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: dnsPacket.DNSSEC_OK, flag_do: true, options: [] }],
      }),
    );
    expect(q.edns).toEqual({ udpPayloadSize: 1232, version: 0, dnssecOk: true });
  });

  it('drops what is too short for a header, and responses', () => {
    expect(parseQuery(Buffer.from([1, 2, 3])).kind).toBe('drop');
    expect(parseQuery(dnsPacket.encode({ type: 'response', id: 1, questions: [{ name: 'a', type: 'A' }] })).kind).toBe('drop');
  });

  it('answers FORMERR to undecodable queries and wrong section counts, keeping the id', () => {
    const garbage = Buffer.concat([query({ questions: [{ name: 'a.b', type: 'A' }] }).subarray(0, 12), Buffer.from([0xc0, 0xff, 0x00])]);
    const noQuestion = query({ questions: [] });
    const twoQuestions = query({ questions: [{ name: 'a', type: 'A' }, { name: 'b', type: 'A' }] });
    // A label of bytes that are not UTF-8 would come back as a different, longer name.
    const binaryLabel = Buffer.from(query({ questions: [{ name: 'abcdefghij.b', type: 'A' }] }));
    binaryLabel.fill(0xff, 13, 23);
    for (const buf of [garbage, noQuestion, twoQuestions, binaryLabel]) {
      const out = parseQuery(buf);
      expect(out.kind).toBe('reject');
      if (out.kind !== 'reject') continue;
      expect(out.rcode).toBe('FORMERR');
      const resp = dnsPacket.decode(out.response);
      expect(resp.id).toBe(4242);
      expect(resp.flag_qr).toBe(true);
      expect((resp as unknown as { rcode: string }).rcode).toBe('FORMERR');
    }
  });

  it('answers NOTIMP to opcodes other than QUERY', () => {
    const buf = query({ questions: [{ name: 'a', type: 'A' }] });
    buf.writeUInt16BE(buf.readUInt16BE(2) | (2 << 11), 2); // STATUS
    const out = parseQuery(buf);
    expect(out.kind === 'reject' ? out.rcode : out.kind).toBe('NOTIMP');
  });

  it('answers BADVERS to EDNS versions other than 0', () => {
    const out = parseQuery(
      query({
        questions: [{ name: 'a.b', type: 'A' }],
        additionals: [{ name: '.', type: 'OPT', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 1, flags: 0, flag_do: false, options: [] }],
      }),
    );
    expect(out.kind === 'reject' ? out.rcode : out.kind).toBe('BADVERS');
    if (out.kind !== 'reject') return;
    const resp = dnsPacket.decode(out.response);
    const opt = resp.additionals?.find((a) => a.type === 'OPT');
    // BADVERS is 16: 0 in the header, 1 in the OPT's extended rcode.
    expect((resp as unknown as { rcode: string }).rcode).toBe('NOERROR');
    expect(opt?.type === 'OPT' ? [opt.extendedRcode, opt.ednsVersion] : undefined).toEqual([1, 0]);
  });
});

describe('encodeResponse', () => {
  it('sets QR, AA, the rcode and echoes the id, question and RD', () => {
    const q = parsed(query({ questions: [{ name: 'Web.default.svc.cluster.local', type: 'A' }] }));
    const buf = encodeResponse(q, { rcode: 'NXDOMAIN', answers: [], authority: [], additionals: [] }, { authoritative: true, transport: 'udp' });
    const resp = dnsPacket.decode(buf);
    expect(resp.id).toBe(4242);
    expect([resp.flag_qr, resp.flag_aa, resp.flag_rd, resp.flag_ra, resp.flag_tc]).toEqual([true, true, true, false, false]);
    expect((resp as unknown as { rcode: string }).rcode).toBe('NXDOMAIN');
    expect(resp.questions).toEqual([{ name: 'Web.default.svc.cluster.local', type: 'A', class: 'IN' }]);
  });

  it('answers EDNS with an OPT carrying the client size and DO bit', () => {
    const q = parsed(
      query({
        questions: [{ name: 'a.b', type: 'A' }],
        additionals: [{ name: '.', type: 'OPT', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: dnsPacket.DNSSEC_OK, flag_do: true, options: [] }],
      }),
    );
    const resp = dnsPacket.decode(encodeResponse(q, { rcode: 'NOERROR', answers: [], authority: [], additionals: [] }, { authoritative: true, transport: 'udp' }));
    const opt = resp.additionals?.find((a) => a.type === 'OPT');
    expect(opt?.type === 'OPT' ? [opt.udpPayloadSize, opt.ednsVersion, opt.flag_do] : undefined).toEqual([1232, 0, true]);
  });

  it('truncates a UDP answer larger than 512 bytes and sets TC; TCP gets it whole', () => {
    const q = parsed(query({ questions: [{ name: 'h.default.svc.cluster.local', type: 'A' }] }));
    const body = { rcode: 'NOERROR' as const, answers: aRecords(40), authority: [], additionals: [] };
    const udp = encodeResponse(q, body, { authoritative: true, transport: 'udp' });
    const udpResp = dnsPacket.decode(udp);
    expect(udp.length).toBeLessThanOrEqual(512);
    expect(udpResp.flag_tc).toBe(true);
    expect(udpResp.answers?.length).toBeGreaterThan(0);
    expect(udpResp.answers?.length).toBeLessThan(40);
    const tcpResp = dnsPacket.decode(encodeResponse(q, body, { authoritative: true, transport: 'tcp' }));
    expect(tcpResp.flag_tc).toBe(false);
    expect(tcpResp.answers).toHaveLength(40);
  });

  it('honours the EDNS UDP size', () => {
    const opt = { name: '.', type: 'OPT' as const, udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
    const q = parsed(query({ questions: [{ name: 'h.default.svc.cluster.local', type: 'A' }], additionals: [opt] }));
    const resp = dnsPacket.decode(encodeResponse(q, { rcode: 'NOERROR', answers: aRecords(40), authority: [], additionals: [] }, { authoritative: true, transport: 'udp' }));
    expect(resp.flag_tc).toBe(false);
    expect(resp.answers).toHaveLength(40);
    expect(maxResponseSize(q, 'udp')).toBe(4096);
    expect(maxResponseSize({ ...q, edns: { udpPayloadSize: 100, version: 0, dnssecOk: false } }, 'udp')).toBe(512);
  });
});

describe('fitToSize', () => {
  it('fills answers, then authority, then additionals, keeping the OPT', () => {
    const opt = { name: '.', type: 'OPT' as const, udpPayloadSize: 512, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
    const packet: Packet = {
      type: 'response',
      id: 1,
      questions: [{ name: 'h.default.svc.cluster.local', type: 'SRV' }],
      answers: aRecords(3),
      authorities: [],
      additionals: [...aRecords(30), opt],
    };
    const size = dnsPacket.encodingLength({ ...packet, additionals: [...aRecords(5), opt] });
    const fitted = fitToSize(packet, size);
    expect(fitted.answers).toHaveLength(3);
    expect(fitted.additionals?.filter((a) => a.type === 'A')).toHaveLength(5);
    expect(fitted.additionals?.filter((a) => a.type === 'OPT')).toHaveLength(1);
    expect((fitted.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE).toBe(dnsPacket.TRUNCATED_RESPONSE);
    expect(dnsPacket.encodingLength(fitted)).toBeLessThanOrEqual(size);
    expect(fitToSize(packet, 65535)).toBe(packet);
  });
});
