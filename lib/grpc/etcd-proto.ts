/**
 * Loader and typed service table for the etcd v3.4 gRPC API
 * (proto/etcd/etcdserverpb/rpc.proto + mvccpb/kv.proto + authpb/auth.proto).
 *
 * The .proto files are hand-written and wire-compatible with etcd v3.4 (see
 * the header of rpc.proto); the message shapes decoded with the loader
 * options below are described in ./etcd-types.ts.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type * as T from './etcd-types.js';
import type { EtcdKvCodec } from './etcd-kv-codec.js';
import { etcdKvCodec } from './etcd-kv-codec.js';
import { H2UnaryChannel } from './h2-unary.js';
import type { UnaryRoute } from './h2-unary-server.js';
import type { Sendable } from './etcd-types.js';

export type * from './etcd-types.js';

// ---------------------------------------------------------------------------
// Locating and loading the protos
// ---------------------------------------------------------------------------

/** Path of the root .proto, relative to the include dir (`etcdProtoDir()`). */
export const ETCD_RPC_PROTO = 'etcdserverpb/rpc.proto';

/**
 * proto-loader options. They match what etcd clients (including the etcd3 npm
 * package) use, and ./etcd-types.ts describes the resulting shapes:
 *  - keepCase: field names stay exactly as in etcd's protos (`member_id`,
 *    `prev_kv`, `peerURLs`, `TTL`), i.e. as in etcd's JSON/gateway and Go
 *    docs, instead of protobufjs' camelCase conversion.
 *  - longs: String: int64/uint64 decode to decimal strings. Lease IDs and
 *    member/cluster IDs are random 64-bit values that routinely exceed
 *    Number.MAX_SAFE_INTEGER (2^53), so numbers would silently lose bits.
 *  - enums: String: enum values decode to their names ('PUT', 'DESCEND').
 *  - bytes: Buffer: keys and values are arbitrary bytes.
 *  - defaults: true: absent scalar/repeated fields decode to their proto3
 *    defaults ('0', '', false, empty Buffer, []), absent messages to null.
 *  - oneofs: true: a virtual property names the set member of each oneof
 *    (e.g. RequestOp.request === 'request_range').
 */
export const ETCD_PROTO_LOADER_OPTIONS: Readonly<protoLoader.Options> = Object.freeze({
  keepCase: true,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
});

const RPC_PROTO_PATH_PARTS = ['etcd', 'etcdserverpb', 'rpc.proto'] as const;

let protoRootCache: string | undefined;

/**
 * Absolute path of the repository's `proto/` folder (all .proto files of the
 * project; the etcd ones live under proto/etcd).
 *
 * Found by walking up from this module's own location to the first folder
 * that contains both a package.json and proto/etcd/etcdserverpb/rpc.proto.
 * That works from the TS source (lib/grpc/etcd-proto.ts under vitest) and
 * from the compiled output (dist/lib/grpc/etcd-proto.js): protos are not
 * copied into dist/, and dist/ has no package.json of its own.
 */
export function protoRoot(): string {
  if (protoRootCache !== undefined) return protoRootCache;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'proto', ...RPC_PROTO_PATH_PARTS))) {
      protoRootCache = join(dir, 'proto');
      return protoRootCache;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `etcd protos not found: no ancestor of ${start} contains package.json and proto/${RPC_PROTO_PATH_PARTS.join('/')}`,
      );
    }
    dir = parent;
  }
}

/** Include dir of the etcd protos (`<repo>/proto/etcd`); imports are relative to it. */
export function etcdProtoDir(): string {
  return join(protoRoot(), 'etcd');
}

let packageDefinitionCache: protoLoader.PackageDefinition | undefined;

/**
 * The proto-loader package definition of the etcd API (keys such as
 * 'etcdserverpb.KV', 'etcdserverpb.RangeRequest', 'mvccpb.KeyValue',
 * 'authpb.Permission'). Loaded once.
 */
export function loadEtcdPackageDefinition(): protoLoader.PackageDefinition {
  packageDefinitionCache ??= withKvCodec(
    protoLoader.loadSync(ETCD_RPC_PROTO, {
      ...ETCD_PROTO_LOADER_OPTIONS,
      includeDirs: [etcdProtoDir()],
    }),
  );
  return packageDefinitionCache;
}

/**
 * The definition with the hand-written codec (./etcd-kv-codec.ts) tried first for the messages
 * it covers (the KV calls and the Watch responses), on both the client and the server side:
 * whatever it declines goes through proto-loader's protobufjs (de)serializers as before.
 */
function withKvCodec(def: protoLoader.PackageDefinition): protoLoader.PackageDefinition {
  for (const service of Object.values(def)) {
    if ('format' in service) continue; // a message or enum type, not a service
    for (const m of Object.values(service as protoLoader.ServiceDefinition)) {
      const req = etcdKvCodec(`etcdserverpb.${descriptorName(m.requestType)}`);
      const res = etcdKvCodec(`etcdserverpb.${descriptorName(m.responseType)}`);
      if (req) [m.requestSerialize, m.requestDeserialize] = codecFirst(req, m.requestSerialize, m.requestDeserialize);
      if (res) [m.responseSerialize, m.responseDeserialize] = codecFirst(res, m.responseSerialize, m.responseDeserialize);
    }
  }
  return def;
}

/** A (de)serializer pair that tries the codec and falls back to proto-loader's. */
function codecFirst(
  codec: EtcdKvCodec,
  serialize: (value: object) => Buffer,
  deserialize: (bytes: Buffer) => object,
): [(value: object) => Buffer, (bytes: Buffer) => object] {
  return [(value) => codec.encode(value) ?? serialize(value), (bytes) => (codec.decode(bytes) as object | undefined) ?? deserialize(bytes)];
}

/** A message's name in its package, from proto-loader's descriptor (typed there as object). */
function descriptorName(t: protoLoader.MessageTypeDefinition<object, object>): string {
  const name: unknown = (t.type as { name?: unknown }).name;
  return typeof name === 'string' ? name : '';
}

// ---------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------

/** The six etcd v3 gRPC services, in package etcdserverpb. */
export const ETCD_SERVICE_NAMES = ['KV', 'Watch', 'Lease', 'Cluster', 'Maintenance', 'Auth'] as const;
export type EtcdServiceName = (typeof ETCD_SERVICE_NAMES)[number];

/** Type-level descriptors of an RPC's shape (never instantiated). */
export interface UnaryRpc<Req, Res> {
  readonly kind: 'unary';
  readonly request: Req;
  readonly response: Res;
}
export interface ServerStreamingRpc<Req, Res> {
  readonly kind: 'server_streaming';
  readonly request: Req;
  readonly response: Res;
}
export interface BidiStreamingRpc<Req, Res> {
  readonly kind: 'bidi_streaming';
  readonly request: Req;
  readonly response: Res;
}
export type EtcdRpc =
  | UnaryRpc<unknown, unknown>
  | ServerStreamingRpc<unknown, unknown>
  | BidiStreamingRpc<unknown, unknown>;

/** Every etcd v3.4 RPC with its (decoded) request and response types. */
export interface EtcdServices {
  KV: {
    Range: UnaryRpc<T.RangeRequest, T.RangeResponse>;
    Put: UnaryRpc<T.PutRequest, T.PutResponse>;
    DeleteRange: UnaryRpc<T.DeleteRangeRequest, T.DeleteRangeResponse>;
    Txn: UnaryRpc<T.TxnRequest, T.TxnResponse>;
    Compact: UnaryRpc<T.CompactionRequest, T.CompactionResponse>;
  };
  Watch: {
    Watch: BidiStreamingRpc<T.WatchRequest, T.WatchResponse>;
  };
  Lease: {
    LeaseGrant: UnaryRpc<T.LeaseGrantRequest, T.LeaseGrantResponse>;
    LeaseRevoke: UnaryRpc<T.LeaseRevokeRequest, T.LeaseRevokeResponse>;
    LeaseKeepAlive: BidiStreamingRpc<T.LeaseKeepAliveRequest, T.LeaseKeepAliveResponse>;
    LeaseTimeToLive: UnaryRpc<T.LeaseTimeToLiveRequest, T.LeaseTimeToLiveResponse>;
    LeaseLeases: UnaryRpc<T.LeaseLeasesRequest, T.LeaseLeasesResponse>;
  };
  Cluster: {
    MemberAdd: UnaryRpc<T.MemberAddRequest, T.MemberAddResponse>;
    MemberRemove: UnaryRpc<T.MemberRemoveRequest, T.MemberRemoveResponse>;
    MemberUpdate: UnaryRpc<T.MemberUpdateRequest, T.MemberUpdateResponse>;
    MemberList: UnaryRpc<T.MemberListRequest, T.MemberListResponse>;
    MemberPromote: UnaryRpc<T.MemberPromoteRequest, T.MemberPromoteResponse>;
  };
  Maintenance: {
    Alarm: UnaryRpc<T.AlarmRequest, T.AlarmResponse>;
    Status: UnaryRpc<T.StatusRequest, T.StatusResponse>;
    Defragment: UnaryRpc<T.DefragmentRequest, T.DefragmentResponse>;
    Hash: UnaryRpc<T.HashRequest, T.HashResponse>;
    HashKV: UnaryRpc<T.HashKVRequest, T.HashKVResponse>;
    Snapshot: ServerStreamingRpc<T.SnapshotRequest, T.SnapshotResponse>;
    MoveLeader: UnaryRpc<T.MoveLeaderRequest, T.MoveLeaderResponse>;
  };
  Auth: {
    AuthEnable: UnaryRpc<T.AuthEnableRequest, T.AuthEnableResponse>;
    AuthDisable: UnaryRpc<T.AuthDisableRequest, T.AuthDisableResponse>;
    Authenticate: UnaryRpc<T.AuthenticateRequest, T.AuthenticateResponse>;
    UserAdd: UnaryRpc<T.AuthUserAddRequest, T.AuthUserAddResponse>;
    UserGet: UnaryRpc<T.AuthUserGetRequest, T.AuthUserGetResponse>;
    UserList: UnaryRpc<T.AuthUserListRequest, T.AuthUserListResponse>;
    UserDelete: UnaryRpc<T.AuthUserDeleteRequest, T.AuthUserDeleteResponse>;
    UserChangePassword: UnaryRpc<T.AuthUserChangePasswordRequest, T.AuthUserChangePasswordResponse>;
    UserGrantRole: UnaryRpc<T.AuthUserGrantRoleRequest, T.AuthUserGrantRoleResponse>;
    UserRevokeRole: UnaryRpc<T.AuthUserRevokeRoleRequest, T.AuthUserRevokeRoleResponse>;
    RoleAdd: UnaryRpc<T.AuthRoleAddRequest, T.AuthRoleAddResponse>;
    RoleGet: UnaryRpc<T.AuthRoleGetRequest, T.AuthRoleGetResponse>;
    RoleList: UnaryRpc<T.AuthRoleListRequest, T.AuthRoleListResponse>;
    RoleDelete: UnaryRpc<T.AuthRoleDeleteRequest, T.AuthRoleDeleteResponse>;
    RoleGrantPermission: UnaryRpc<T.AuthRoleGrantPermissionRequest, T.AuthRoleGrantPermissionResponse>;
    RoleRevokePermission: UnaryRpc<T.AuthRoleRevokePermissionRequest, T.AuthRoleRevokePermissionResponse>;
  };
}

/** Method names of each service, in proto order (runtime mirror of EtcdServices). */
export const ETCD_SERVICE_METHODS = {
  KV: ['Range', 'Put', 'DeleteRange', 'Txn', 'Compact'],
  Watch: ['Watch'],
  Lease: ['LeaseGrant', 'LeaseRevoke', 'LeaseKeepAlive', 'LeaseTimeToLive', 'LeaseLeases'],
  Cluster: ['MemberAdd', 'MemberRemove', 'MemberUpdate', 'MemberList', 'MemberPromote'],
  Maintenance: ['Alarm', 'Status', 'Defragment', 'Hash', 'HashKV', 'Snapshot', 'MoveLeader'],
  Auth: [
    'AuthEnable',
    'AuthDisable',
    'Authenticate',
    'UserAdd',
    'UserGet',
    'UserList',
    'UserDelete',
    'UserChangePassword',
    'UserGrantRole',
    'UserRevokeRole',
    'RoleAdd',
    'RoleGet',
    'RoleList',
    'RoleDelete',
    'RoleGrantPermission',
    'RoleRevokePermission',
  ],
} as const satisfies { readonly [S in EtcdServiceName]: readonly (keyof EtcdServices[S])[] };

/** Compile-time check that ETCD_SERVICE_METHODS lists every method of EtcdServices. */
type _AssertTrue<X extends true> = X;
type _EtcdServiceMethodsAreExhaustive = _AssertTrue<
  [
    {
      [S in EtcdServiceName]: Exclude<keyof EtcdServices[S], (typeof ETCD_SERVICE_METHODS)[S][number]>;
    }[EtcdServiceName],
  ] extends [never]
    ? true
    : false
>;

export type EtcdMethodName<S extends EtcdServiceName> = keyof EtcdServices[S] & string;

/** Full gRPC method path, e.g. etcdMethodPath('KV', 'Range') === '/etcdserverpb.KV/Range'. */
export function etcdMethodPath<S extends EtcdServiceName>(service: S, method: EtcdMethodName<S>): string {
  return `/etcdserverpb.${service}/${method}`;
}

/**
 * The loaded `etcdserverpb` namespace (`grpc.loadPackageDefinition(...).etcdserverpb`):
 * one client constructor per service (with `.service` = its ServiceDefinition),
 * plus the message type definitions.
 */
export type EtcdServerPbPackage = {
  readonly [S in EtcdServiceName]: grpc.ServiceClientConstructor;
} & {
  readonly [name: string]: grpc.GrpcObject | grpc.ServiceClientConstructor | grpc.ProtobufTypeDefinition;
};

let etcdserverpbCache: EtcdServerPbPackage | undefined;

/**
 * grpc-js package object for `etcdserverpb`, loaded once (from
 * `etcdProtoDir()` with `ETCD_PROTO_LOADER_OPTIONS`).
 */
export function loadEtcdProto(): EtcdServerPbPackage {
  if (etcdserverpbCache !== undefined) return etcdserverpbCache;
  const root = grpc.loadPackageDefinition(loadEtcdPackageDefinition());
  const pkg = root['etcdserverpb'];
  if (pkg === undefined || typeof pkg === 'function' || 'format' in pkg) {
    throw new Error('etcd protos: package etcdserverpb missing');
  }
  for (const name of ETCD_SERVICE_NAMES) {
    const ctor = pkg[name];
    if (typeof ctor !== 'function' || typeof ctor.service !== 'object') {
      throw new Error(`etcd protos: service etcdserverpb.${name} missing`);
    }
  }
  // Checked above: every service name maps to a ServiceClientConstructor.
  etcdserverpbCache = pkg as EtcdServerPbPackage;
  return etcdserverpbCache;
}

/** Typed accessor for `etcdserverpb.<name>.service` (for server.addService and clients). */
export function etcdService(name: EtcdServiceName): grpc.ServiceDefinition {
  return loadEtcdProto()[name].service;
}

// ---------------------------------------------------------------------------
// Server side: typed handler maps
// ---------------------------------------------------------------------------

/** grpc-js handler for one RPC: requests arrive decoded, responses are Sendable. */
export type EtcdHandler<R> =
  R extends UnaryRpc<infer Req, infer Res>
    ? grpc.handleUnaryCall<Req, Sendable<Res>>
    : R extends ServerStreamingRpc<infer Req, infer Res>
      ? grpc.handleServerStreamingCall<Req, Sendable<Res>>
      : R extends BidiStreamingRpc<infer Req, infer Res>
        ? grpc.handleBidiStreamingCall<Req, Sendable<Res>>
        : never;

/** Implementation of a whole service, e.g. `EtcdServiceHandlers<'KV'>`. */
export type EtcdServiceHandlers<S extends EtcdServiceName> = {
  [M in keyof EtcdServices[S]]: EtcdHandler<EtcdServices[S][M]>;
};

export type KVHandlers = EtcdServiceHandlers<'KV'>;
export type WatchHandlers = EtcdServiceHandlers<'Watch'>;
export type LeaseHandlers = EtcdServiceHandlers<'Lease'>;
export type ClusterHandlers = EtcdServiceHandlers<'Cluster'>;
export type MaintenanceHandlers = EtcdServiceHandlers<'Maintenance'>;
export type AuthHandlers = EtcdServiceHandlers<'Auth'>;

/** `server.addService(etcdService(name), handlers)` with the handlers type-checked. */
export function addEtcdService<S extends EtcdServiceName>(
  server: grpc.Server,
  name: S,
  handlers: EtcdServiceHandlers<S>,
): void {
  server.addService(etcdService(name), handlers);
}

/** A unary RPC as a plain async function: request decoded, response Sendable. */
export type EtcdUnaryFn<R> = R extends UnaryRpc<infer Req, infer Res> ? (req: Req) => Promise<Sendable<Res>> : never;

/** Unary methods of one service, each as a plain async function. */
export type EtcdUnaryFns<S extends EtcdServiceName> = {
  [M in keyof EtcdServices[S] as EtcdServices[S][M] extends UnaryRpc<unknown, unknown> ? M : never]: EtcdUnaryFn<EtcdServices[S][M]>;
};

/**
 * Routes for lib/grpc/h2-unary-server.ts's UnaryRouter: `fns` keyed by their method paths, with
 * the same (de)serializers grpc-js uses for the service, so both paths decode alike.
 */
export function etcdUnaryRoutes<S extends EtcdServiceName>(name: S, fns: Partial<EtcdUnaryFns<S>>): Map<string, UnaryRoute> {
  const def = etcdService(name);
  const routes = new Map<string, UnaryRoute>();
  for (const [method, fn] of Object.entries(fns) as [string, (req: unknown) => Promise<unknown>][]) {
    const m = def[method];
    if (!m || m.requestStream || m.responseStream) throw new Error(`etcd ${name}.${method} is not a unary method`);
    routes.set(m.path, {
      deserialize: (bytes) => m.requestDeserialize(bytes),
      serialize: (value) => m.responseSerialize(value),
      handle: fn,
    });
  }
  return routes;
}

// ---------------------------------------------------------------------------
// Client side: a small typed, promise-based client
// ---------------------------------------------------------------------------

export interface EtcdCallOptions {
  metadata?: grpc.Metadata;
  deadline?: grpc.Deadline;
}

/** Client-side function for one RPC. */
export type EtcdClientMethod<R> =
  R extends UnaryRpc<infer Req, infer Res>
    ? (request: Sendable<Req>, options?: EtcdCallOptions) => Promise<Res>
    : R extends ServerStreamingRpc<infer Req, infer Res>
      ? (request: Sendable<Req>, options?: EtcdCallOptions) => grpc.ClientReadableStream<Res>
      : R extends BidiStreamingRpc<infer Req, infer Res>
        ? (options?: EtcdCallOptions) => grpc.ClientDuplexStream<Sendable<Req>, Res>
        : never;

export type EtcdServiceClient<S extends EtcdServiceName> = {
  [M in keyof EtcdServices[S]]: EtcdClientMethod<EtcdServices[S][M]>;
};

export type EtcdGrpcClient = { readonly [S in EtcdServiceName]: EtcdServiceClient<S> } & {
  /** The underlying grpc-js client (one channel shared by all services). */
  readonly grpcClient: grpc.Client;
  close(): void;
};

/**
 * A typed client for every etcd service over one channel, e.g.
 * `await c.KV.Range({ key: Buffer.from('a') })`, `c.Watch.Watch()`.
 * `target` is a grpc target such as '127.0.0.1:2379' (no scheme).
 */
export function createEtcdClient(
  target: string,
  credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
  channelOptions: grpc.ChannelOptions = {},
  light?: { unaryEndpoints: readonly string[] },
): EtcdGrpcClient {
  const client = new grpc.Client(target, credentials, channelOptions);
  // Plaintext unary calls without metadata may go over a plain HTTP/2 channel (h2-unary.ts).
  const unary = light
    ? new H2UnaryChannel(light.unaryEndpoints, {
        maxReceiveBytes: (channelOptions['grpc.max_receive_message_length'] as number | undefined) ?? 4 * 1024 * 1024,
      })
    : undefined;
  const services: Record<string, Record<string, unknown>> = {};
  for (const serviceName of ETCD_SERVICE_NAMES) {
    const definition = etcdService(serviceName);
    const methods: Record<string, unknown> = {};
    for (const methodName of ETCD_SERVICE_METHODS[serviceName]) {
      const def = definition[methodName];
      if (def === undefined) throw new Error(`etcd protos: ${serviceName}.${methodName} missing`);
      methods[methodName] = makeClientMethod(client, def, unary);
    }
    services[serviceName] = methods;
  }
  const result = {
    ...services,
    grpcClient: client,
    close: () => {
      unary?.close();
      client.close();
    },
  };
  // The loop above built exactly one function per (service, method) of
  // ETCD_SERVICE_METHODS, each with the calling convention of EtcdClientMethod.
  return result as unknown as EtcdGrpcClient;
}

function makeClientMethod(
  client: grpc.Client,
  def: grpc.MethodDefinition<unknown, unknown>,
  unary: H2UnaryChannel | undefined,
): (...args: unknown[]) => unknown {
  const serialize = (value: unknown): Buffer => def.requestSerialize(value);
  const deserialize = (bytes: Buffer): unknown => def.responseDeserialize(bytes);
  const callArgs = (options: EtcdCallOptions | undefined): [grpc.Metadata, grpc.CallOptions] => [
    options?.metadata ?? new grpc.Metadata(),
    options?.deadline === undefined ? {} : { deadline: options.deadline },
  ];
  if (def.requestStream && def.responseStream) {
    return (options?: unknown) => {
      const [metadata, callOptions] = callArgs(options as EtcdCallOptions | undefined);
      return client.makeBidiStreamRequest(def.path, serialize, deserialize, metadata, callOptions);
    };
  }
  if (def.responseStream) {
    return (request: unknown, options?: unknown) => {
      const [metadata, callOptions] = callArgs(options as EtcdCallOptions | undefined);
      return client.makeServerStreamRequest(def.path, serialize, deserialize, request, metadata, callOptions);
    };
  }
  if (def.requestStream) {
    throw new Error(`etcd protos: client-streaming RPC ${def.path} is not supported`);
  }
  return (request: unknown, options?: unknown) => {
    const opts = options as EtcdCallOptions | undefined;
    if (unary && opts?.metadata === undefined) {
      const deadline = opts?.deadline;
      return unary.call(def.path, serialize(request), deadline instanceof Date || typeof deadline === 'number' ? deadline : undefined).then(deserialize);
    }
    return new Promise<unknown>((resolvePromise, reject) => {
      const [metadata, callOptions] = callArgs(opts);
      client.makeUnaryRequest(def.path, serialize, deserialize, request, metadata, callOptions, (err, value) => {
        if (err) reject(err);
        else resolvePromise(value);
      });
    });
  };
}
