// Schema-level compatibility of proto/etcd/** with etcd v3.4.
//
// 1. Against the etcd server binary itself: etcd (like every gogo/golang
//    protobuf program) embeds the gzipped FileDescriptorProto of each of its
//    .proto files. We extract rpc.proto / kv.proto / auth.proto from
//    /usr/bin/etcd (Debian's etcd-server, 3.4) and compare every message,
//    field (name, number, label, type, referenced type, oneof), enum value,
//    service and method with the descriptors proto-loader builds from ours.
// 2. Against the etcd3 npm client's bundled protos, for a few messages.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import * as protoLoader from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { ETCD_PROTO_LOADER_OPTIONS, loadEtcdPackageDefinition } from './etcd-proto.js';

const ETCD_BIN = '/usr/bin/etcd';

// ---------------------------------------------------------------------------
// Minimal protobuf wire reader, enough for descriptor.proto messages.
// ---------------------------------------------------------------------------

type WireValue = bigint | Buffer;
type WireMessage = Map<number, WireValue[]>;

function readWire(buf: Buffer): WireMessage {
  const out: WireMessage = new Map();
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buf[pos++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    let value: WireValue;
    if (wireType === 0) value = varint();
    else if (wireType === 2) {
      const len = Number(varint());
      value = buf.subarray(pos, pos + len);
      pos += len;
    } else if (wireType === 1 || wireType === 5) {
      pos += wireType === 1 ? 8 : 4;
      continue;
    } else throw new Error(`unsupported wire type ${wireType}`);
    const list = out.get(field);
    if (list) list.push(value);
    else out.set(field, [value]);
  }
  return out;
}

const bytesList = (m: WireMessage, field: number): Buffer[] =>
  (m.get(field) ?? []).filter((v): v is Buffer => Buffer.isBuffer(v));
const str = (m: WireMessage, field: number): string => bytesList(m, field)[0]?.toString('utf8') ?? '';
const int = (m: WireMessage, field: number): number | null => {
  const v = m.get(field)?.[0];
  return typeof v === 'bigint' ? Number(v) : null;
};

// descriptor.proto field numbers used below:
//   FileDescriptorProto: name 1, package 2, message_type 4, enum_type 5, service 6
//   DescriptorProto: name 1, field 2, nested_type 3, enum_type 4, oneof_decl 8
//   FieldDescriptorProto: name 1, number 3, label 4, type 5, type_name 6, oneof_index 9
//   EnumDescriptorProto: name 1, value 2; EnumValueDescriptorProto: name 1, number 2
//   ServiceDescriptorProto: name 1, method 2
//   MethodDescriptorProto: name 1, input_type 2, output_type 3, client_streaming 5, server_streaming 6

interface RawFile {
  pkg: string;
  messages: { fullName: string; msg: WireMessage }[];
  enums: { fullName: string; msg: WireMessage }[];
  services: { fullName: string; msg: WireMessage }[];
}

function indexFile(buf: Buffer): RawFile {
  const file = readWire(buf);
  const pkg = str(file, 2);
  const raw: RawFile = { pkg, messages: [], enums: [], services: [] };
  const walkMessage = (scope: string, m: WireMessage): void => {
    const fullName = `${scope}.${str(m, 1)}`;
    raw.messages.push({ fullName, msg: m });
    for (const nested of bytesList(m, 3)) walkMessage(fullName, readWire(nested));
    for (const e of bytesList(m, 4)) {
      const em = readWire(e);
      raw.enums.push({ fullName: `${fullName}.${str(em, 1)}`, msg: em });
    }
  };
  for (const m of bytesList(file, 4)) walkMessage(`.${pkg}`, readWire(m));
  for (const e of bytesList(file, 5)) {
    const em = readWire(e);
    raw.enums.push({ fullName: `.${pkg}.${str(em, 1)}`, msg: em });
  }
  for (const s of bytesList(file, 6)) {
    const sm = readWire(s);
    raw.services.push({ fullName: `.${pkg}.${str(sm, 1)}`, msg: sm });
  }
  return raw;
}

/** Resolve a (possibly relative) type reference with protobuf scoping rules. */
function resolveTypeName(ref: string, scope: string, known: ReadonlySet<string>): string {
  if (ref === '') return '';
  if (ref.startsWith('.')) return ref;
  for (let s = scope; ; s = s.slice(0, s.lastIndexOf('.'))) {
    const candidate = `${s}.${ref}`;
    if (known.has(candidate)) return candidate;
    if (s === '') return `?${ref}`;
  }
}

/** A normalized, comparable view of a set of proto files: full name -> description. */
function normalize(files: Buffer[]): Map<string, unknown> {
  const raws = files.map(indexFile);
  const known = new Set<string>();
  for (const r of raws) for (const x of [...r.messages, ...r.enums]) known.add(x.fullName);
  const out = new Map<string, unknown>();
  for (const r of raws) {
    for (const { fullName, msg } of r.messages) {
      const oneofs = bytesList(msg, 8).map((o) => str(readWire(o), 1));
      const fields = bytesList(msg, 2)
        .map((f) => {
          const fm = readWire(f);
          const oneofIndex = int(fm, 9);
          return {
            name: str(fm, 1),
            number: int(fm, 3),
            label: int(fm, 4),
            type: int(fm, 5),
            typeName: resolveTypeName(str(fm, 6), fullName, known),
            oneof: oneofIndex === null ? null : (oneofs[oneofIndex] ?? `#${oneofIndex}`),
          };
        })
        .sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
      out.set(fullName, { kind: 'message', fields });
    }
    for (const { fullName, msg } of r.enums) {
      const values = bytesList(msg, 2).map((v) => {
        const vm = readWire(v);
        return [str(vm, 1), int(vm, 2) ?? 0] as const;
      });
      out.set(fullName, { kind: 'enum', values });
    }
    for (const { fullName, msg } of r.services) {
      const methods = bytesList(msg, 2).map((m) => {
        const mm = readWire(m);
        return {
          name: str(mm, 1),
          input: resolveTypeName(str(mm, 2), fullName, known),
          output: resolveTypeName(str(mm, 3), fullName, known),
          clientStreaming: int(mm, 5) === 1,
          serverStreaming: int(mm, 6) === 1,
        };
      });
      out.set(fullName, { kind: 'service', methods });
    }
  }
  return out;
}

function filePackage(buf: Buffer): string {
  return str(readWire(buf), 2);
}

/** Our files (etcdserverpb, mvccpb, authpb) as proto-loader encodes them. */
function ourFileDescriptors(def: protoLoader.PackageDefinition): Buffer[] {
  const any = def['mvccpb.KeyValue'];
  if (!any || !('fileDescriptorProtos' in any)) throw new Error('mvccpb.KeyValue missing');
  const files = any.fileDescriptorProtos as Buffer[];
  return files.filter((f) => ['etcdserverpb', 'mvccpb', 'authpb'].includes(filePackage(f)));
}

/** The gzipped descriptors the Go etcd binary registers at init, keyed by proto package. */
function etcdBinaryDescriptors(binary: Buffer): Map<string, Buffer> {
  // Go's compress/gzip header as written by protoc-gen-gogo (no mtime, best compression).
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff]);
  const wanted = new Map([
    ['rpc.proto', 'etcdserverpb'],
    ['kv.proto', 'mvccpb'],
    ['auth.proto', 'authpb'],
  ]);
  const found = new Map<string, Buffer>();
  for (let i = binary.indexOf(header); i >= 0; i = binary.indexOf(header, i + 1)) {
    let inflated: Buffer;
    try {
      inflated = gunzipSync(binary.subarray(i, i + (1 << 20)), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      continue;
    }
    try {
      const file = readWire(inflated);
      const pkg = wanted.get(str(file, 1));
      if (pkg !== undefined && str(file, 2) === pkg) found.set(pkg, inflated);
    } catch {
      // not a descriptor
    }
  }
  return found;
}

describe('etcd protos vs the etcd 3.4 server binary (embedded descriptors)', () => {
  it('declares exactly the services, methods, messages, fields and enums of etcd 3.4', () => {
    if (!existsSync(ETCD_BIN)) {
      throw new Error(`${ETCD_BIN} not found: install Debian's etcd-server (etcd 3.4) to run this test`);
    }
    const theirFiles = etcdBinaryDescriptors(readFileSync(ETCD_BIN));
    expect([...theirFiles.keys()].sort()).toEqual(['authpb', 'etcdserverpb', 'mvccpb']);
    const theirs = normalize([...theirFiles.values()]);
    const ours = normalize(ourFileDescriptors(loadEtcdPackageDefinition()));

    // Sanity: the model is not trivially empty.
    expect(theirs.size).toBeGreaterThan(100);
    expect(theirs.get('.etcdserverpb.Maintenance')).toBeDefined();

    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [name, theirDesc] of theirs) {
      expect({ name, desc: ours.get(name) }).toEqual({ name, desc: theirDesc });
    }
  });
});

describe('etcd protos vs the etcd3 npm client bundled protos', () => {
  it('agree on the messages both clients use', () => {
    const require = createRequire(import.meta.url);
    const etcd3Dir = join(dirname(require.resolve('etcd3/package.json')), 'proto');
    const etcd3Def = protoLoader.loadSync(join(etcd3Dir, 'rpc.proto'), { ...ETCD_PROTO_LOADER_OPTIONS });
    const etcd3Files = ourFileDescriptors(etcd3Def);
    const theirs = normalize(etcd3Files);
    const ours = normalize(ourFileDescriptors(loadEtcdPackageDefinition()));
    // Messages: identical (these are unchanged between etcd 3.4 and the 3.5
    // protos etcd3 bundles; etcd3 also has 3.5-only additions such as
    // DowngradeRequest, AuthStatusRequest and MemberListRequest.linearizable).
    const sharedMessages = [
      '.mvccpb.KeyValue',
      '.mvccpb.Event',
      '.etcdserverpb.ResponseHeader',
      '.etcdserverpb.RangeRequest',
      '.etcdserverpb.RangeResponse',
      '.etcdserverpb.PutRequest',
      '.etcdserverpb.PutResponse',
      '.etcdserverpb.DeleteRangeRequest',
      '.etcdserverpb.RequestOp',
      '.etcdserverpb.ResponseOp',
      '.etcdserverpb.Compare',
      '.etcdserverpb.TxnRequest',
      '.etcdserverpb.TxnResponse',
      '.etcdserverpb.WatchRequest',
      '.etcdserverpb.WatchCreateRequest',
      '.etcdserverpb.WatchResponse',
      '.etcdserverpb.LeaseGrantRequest',
      '.etcdserverpb.LeaseKeepAliveResponse',
      '.etcdserverpb.LeaseTimeToLiveResponse',
      '.etcdserverpb.Member',
      '.etcdserverpb.StatusResponse',
      '.etcdserverpb.KV',
      '.etcdserverpb.Watch',
      '.etcdserverpb.Lease',
    ];
    for (const name of sharedMessages) {
      expect({ name, desc: theirs.get(name) }).toEqual({ name, desc: ours.get(name) });
    }
    // Enums: same numbers, but etcd3 renamed the values to PascalCase ('Put',
    // 'NotEqual'), so with enums: String etcd3 decodes different names than
    // etcd's protos (and ours) do. Compare numbers and case-folded names.
    const fold = (desc: unknown): unknown =>
      JSON.parse(JSON.stringify(desc), (key: string, value: unknown) =>
        typeof value === 'string' && key !== 'kind' ? value.replaceAll('_', '').toUpperCase() : value,
      );
    const sharedEnums = [
      '.mvccpb.Event.EventType',
      '.etcdserverpb.RangeRequest.SortOrder',
      '.etcdserverpb.RangeRequest.SortTarget',
      '.etcdserverpb.Compare.CompareResult',
      '.etcdserverpb.Compare.CompareTarget',
      '.etcdserverpb.WatchCreateRequest.FilterType',
      '.etcdserverpb.AlarmType',
      '.authpb.Permission.Type',
    ];
    for (const name of sharedEnums) {
      expect({ name, desc: fold(theirs.get(name)) }).toEqual({ name, desc: fold(ours.get(name)) });
    }
    expect(theirs.get('.mvccpb.Event.EventType')).toEqual({
      kind: 'enum',
      values: [
        ['Put', 0],
        ['Delete', 1],
      ],
    });
  });
});
