/**
 * Hand-written TypeScript shapes of the etcd v3.4 gRPC messages
 * (proto/etcd/{etcdserverpb/rpc,mvccpb/kv,authpb/auth}.proto) exactly as
 * @grpc/proto-loader DECODES them with the options used by `loadEtcdProto()`
 * (keepCase, longs: String, enums: String, bytes: Buffer, defaults: true,
 * oneofs: true):
 *
 *   - field names are the proto names (snake_case or etcd's camelCase, e.g.
 *     `member_id`, `peerURLs`, `TTL`);
 *   - int64 / uint64 -> decimal `string` (lease and member IDs exceed 2^53);
 *     uint32 -> `number`;
 *   - bytes -> `Buffer`; enums -> the value's name;
 *   - every scalar / repeated field is present (default '0', '', false,
 *     empty Buffer, []);
 *   - an absent singular message field is `null`;
 *   - oneof members are only present when set, and the virtual oneof property
 *     (e.g. `request: 'request_range'`) names the member that is set. These
 *     messages are modelled as discriminated unions.
 *
 * For messages we SEND (requests from a client, responses from a server) use
 * `Sendable<T>`: every field optional, 64-bit integers and enums may be given
 * as numbers too, bytes as a Uint8Array of whatever kind.
 */

// ---------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------

/**
 * The shape grpc-js/protobufjs accepts when ENCODING a message whose decoded
 * shape is `T`: all fields optional, strings (int64/uint64 decimal strings,
 * enum names, text) may also be numbers, bytes may be any Uint8Array.
 * Never pass a JS string for a bytes field: protobufjs would base64-decode it.
 */
export type Sendable<T> = T extends Buffer
  ? Buffer | Uint8Array
  : T extends string
    ? T | number
    : T extends boolean
      ? boolean
      : T extends readonly (infer U)[]
        ? Sendable<U>[]
        : T extends object
          ? { [K in keyof T]?: Sendable<T[K]> }
          : T;

/** Decoded form of an empty message (e.g. `StatusRequest`). */
export type EmptyMessage = Record<string, never>;

// ---------------------------------------------------------------------------
// mvccpb (mvccpb/kv.proto)
// ---------------------------------------------------------------------------

export interface KeyValue {
  key: Buffer;
  create_revision: string;
  mod_revision: string;
  version: string;
  value: Buffer;
  lease: string;
}

export type EventType = 'PUT' | 'DELETE';

export interface Event {
  type: EventType;
  kv: KeyValue | null;
  prev_kv: KeyValue | null;
}

// ---------------------------------------------------------------------------
// authpb (authpb/auth.proto)
// ---------------------------------------------------------------------------

export interface UserAddOptions {
  no_password: boolean;
}

export type PermissionType = 'READ' | 'WRITE' | 'READWRITE';

export interface Permission {
  permType: PermissionType;
  key: Buffer;
  range_end: Buffer;
}

/** authpb.User (storage format of the authUsers bucket). */
export interface AuthpbUser {
  name: Buffer;
  password: Buffer;
  roles: string[];
  options: UserAddOptions | null;
}

/** authpb.Role (storage format of the authRoles bucket). */
export interface AuthpbRole {
  name: Buffer;
  keyPermission: Permission[];
}

// ---------------------------------------------------------------------------
// etcdserverpb: common
// ---------------------------------------------------------------------------

export interface ResponseHeader {
  cluster_id: string;
  member_id: string;
  revision: string;
  raft_term: string;
}

/** Every response that only carries a header. */
export interface HeaderOnlyResponse {
  header: ResponseHeader | null;
}

// ---------------------------------------------------------------------------
// etcdserverpb: KV
// ---------------------------------------------------------------------------

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
  key: Buffer;
  range_end: Buffer;
  limit: string;
  revision: string;
  sort_order: SortOrder;
  sort_target: SortTarget;
  serializable: boolean;
  keys_only: boolean;
  count_only: boolean;
  min_mod_revision: string;
  max_mod_revision: string;
  min_create_revision: string;
  max_create_revision: string;
}

export interface RangeResponse {
  header: ResponseHeader | null;
  kvs: KeyValue[];
  more: boolean;
  count: string;
}

export interface PutRequest {
  key: Buffer;
  value: Buffer;
  lease: string;
  prev_kv: boolean;
  ignore_value: boolean;
  ignore_lease: boolean;
}

export interface PutResponse {
  header: ResponseHeader | null;
  prev_kv: KeyValue | null;
}

export interface DeleteRangeRequest {
  key: Buffer;
  range_end: Buffer;
  prev_kv: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader | null;
  deleted: string;
  prev_kvs: KeyValue[];
}

/**
 * A decoded proto3 oneof: exactly one member (or none) is present and the
 * virtual property `Disc` names it. The absent members are typed `?: undefined`,
 * so both `switch (op.request)` narrowing and `if (op.request_put)` work.
 */
export type OneOf<Disc extends string, Members extends object> =
  | {
      [K in keyof Members]: Simplify<
        { [D in Disc]: K } & { [P in K]: Members[K] } & { [P in Exclude<keyof Members, K>]?: undefined }
      >;
    }[keyof Members]
  | Simplify<{ [D in Disc]?: undefined } & { [P in keyof Members]?: undefined }>;

/** Flattens an intersection into one object type (for readable hovers). */
export type Simplify<O> = { [K in keyof O]: O[K] } & {};

/** etcdserverpb.RequestOp — `oneof request`. */
export type RequestOp = OneOf<
  'request',
  {
    request_range: RangeRequest;
    request_put: PutRequest;
    request_delete_range: DeleteRangeRequest;
    request_txn: TxnRequest;
  }
>;

/** etcdserverpb.ResponseOp — `oneof response`. */
export type ResponseOp = OneOf<
  'response',
  {
    response_range: RangeResponse;
    response_put: PutResponse;
    response_delete_range: DeleteRangeResponse;
    response_txn: TxnResponse;
  }
>;

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

interface CompareBase {
  result: CompareResult;
  target: CompareTarget;
  key: Buffer;
  range_end: Buffer;
}

/** etcdserverpb.Compare — `oneof target_union`. */
export type Compare = CompareBase &
  OneOf<
    'target_union',
    {
      version: string;
      create_revision: string;
      mod_revision: string;
      value: Buffer;
      lease: string;
    }
  >;

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader | null;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: string;
  physical: boolean;
}

export type CompactionResponse = HeaderOnlyResponse;

// ---------------------------------------------------------------------------
// etcdserverpb: Watch
// ---------------------------------------------------------------------------

/** etcdserverpb.WatchRequest — `oneof request_union`. */
export type WatchRequest = OneOf<
  'request_union',
  {
    create_request: WatchCreateRequest;
    cancel_request: WatchCancelRequest;
    progress_request: WatchProgressRequest;
  }
>;

export type WatchFilterType = 'NOPUT' | 'NODELETE';

export interface WatchCreateRequest {
  key: Buffer;
  range_end: Buffer;
  start_revision: string;
  progress_notify: boolean;
  filters: WatchFilterType[];
  prev_kv: boolean;
  watch_id: string;
  fragment: boolean;
}

export interface WatchCancelRequest {
  watch_id: string;
}

export type WatchProgressRequest = EmptyMessage;

export interface WatchResponse {
  header: ResponseHeader | null;
  watch_id: string;
  created: boolean;
  canceled: boolean;
  compact_revision: string;
  cancel_reason: string;
  fragment: boolean;
  events: Event[];
}

// ---------------------------------------------------------------------------
// etcdserverpb: Lease
// ---------------------------------------------------------------------------

export interface LeaseGrantRequest {
  TTL: string;
  ID: string;
}

export interface LeaseGrantResponse {
  header: ResponseHeader | null;
  ID: string;
  TTL: string;
  error: string;
}

export interface LeaseRevokeRequest {
  ID: string;
}

export type LeaseRevokeResponse = HeaderOnlyResponse;

export interface LeaseCheckpoint {
  ID: string;
  remaining_TTL: string;
}

export interface LeaseCheckpointRequest {
  checkpoints: LeaseCheckpoint[];
}

export type LeaseCheckpointResponse = HeaderOnlyResponse;

export interface LeaseKeepAliveRequest {
  ID: string;
}

export interface LeaseKeepAliveResponse {
  header: ResponseHeader | null;
  ID: string;
  TTL: string;
}

export interface LeaseTimeToLiveRequest {
  ID: string;
  keys: boolean;
}

export interface LeaseTimeToLiveResponse {
  header: ResponseHeader | null;
  ID: string;
  TTL: string;
  grantedTTL: string;
  keys: Buffer[];
}

export type LeaseLeasesRequest = EmptyMessage;

export interface LeaseStatus {
  ID: string;
}

export interface LeaseLeasesResponse {
  header: ResponseHeader | null;
  leases: LeaseStatus[];
}

// ---------------------------------------------------------------------------
// etcdserverpb: Cluster
// ---------------------------------------------------------------------------

export interface Member {
  ID: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface MemberAddRequest {
  peerURLs: string[];
  isLearner: boolean;
}

export interface MemberAddResponse {
  header: ResponseHeader | null;
  member: Member | null;
  members: Member[];
}

export interface MemberRemoveRequest {
  ID: string;
}

export interface MemberRemoveResponse {
  header: ResponseHeader | null;
  members: Member[];
}

export interface MemberUpdateRequest {
  ID: string;
  peerURLs: string[];
}

export interface MemberUpdateResponse {
  header: ResponseHeader | null;
  members: Member[];
}

export type MemberListRequest = EmptyMessage;

export interface MemberListResponse {
  header: ResponseHeader | null;
  members: Member[];
}

export interface MemberPromoteRequest {
  ID: string;
}

export interface MemberPromoteResponse {
  header: ResponseHeader | null;
  members: Member[];
}

// ---------------------------------------------------------------------------
// etcdserverpb: Maintenance
// ---------------------------------------------------------------------------

export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';
export type AlarmAction = 'GET' | 'ACTIVATE' | 'DEACTIVATE';

export interface AlarmRequest {
  action: AlarmAction;
  memberID: string;
  alarm: AlarmType;
}

export interface AlarmMember {
  memberID: string;
  alarm: AlarmType;
}

export interface AlarmResponse {
  header: ResponseHeader | null;
  alarms: AlarmMember[];
}

export type StatusRequest = EmptyMessage;

export interface StatusResponse {
  header: ResponseHeader | null;
  version: string;
  dbSize: string;
  leader: string;
  raftIndex: string;
  raftTerm: string;
  raftAppliedIndex: string;
  errors: string[];
  dbSizeInUse: string;
  isLearner: boolean;
}

export type DefragmentRequest = EmptyMessage;
export type DefragmentResponse = HeaderOnlyResponse;

export type HashRequest = EmptyMessage;

export interface HashResponse {
  header: ResponseHeader | null;
  hash: number;
}

export interface HashKVRequest {
  revision: string;
}

export interface HashKVResponse {
  header: ResponseHeader | null;
  hash: number;
  compact_revision: string;
}

export type SnapshotRequest = EmptyMessage;

export interface SnapshotResponse {
  header: ResponseHeader | null;
  remaining_bytes: string;
  blob: Buffer;
}

export interface MoveLeaderRequest {
  targetID: string;
}

export type MoveLeaderResponse = HeaderOnlyResponse;

// ---------------------------------------------------------------------------
// etcdserverpb: Auth
// ---------------------------------------------------------------------------

export type AuthEnableRequest = EmptyMessage;
export type AuthEnableResponse = HeaderOnlyResponse;
export type AuthDisableRequest = EmptyMessage;
export type AuthDisableResponse = HeaderOnlyResponse;

export interface AuthenticateRequest {
  name: string;
  password: string;
}

export interface AuthenticateResponse {
  header: ResponseHeader | null;
  token: string;
}

export interface AuthUserAddRequest {
  name: string;
  password: string;
  options: UserAddOptions | null;
}

export type AuthUserAddResponse = HeaderOnlyResponse;

export interface AuthUserGetRequest {
  name: string;
}

export interface AuthUserGetResponse {
  header: ResponseHeader | null;
  roles: string[];
}

export type AuthUserListRequest = EmptyMessage;

export interface AuthUserListResponse {
  header: ResponseHeader | null;
  users: string[];
}

export interface AuthUserDeleteRequest {
  name: string;
}

export type AuthUserDeleteResponse = HeaderOnlyResponse;

export interface AuthUserChangePasswordRequest {
  name: string;
  password: string;
}

export type AuthUserChangePasswordResponse = HeaderOnlyResponse;

export interface AuthUserGrantRoleRequest {
  user: string;
  role: string;
}

export type AuthUserGrantRoleResponse = HeaderOnlyResponse;

export interface AuthUserRevokeRoleRequest {
  name: string;
  role: string;
}

export type AuthUserRevokeRoleResponse = HeaderOnlyResponse;

export interface AuthRoleAddRequest {
  name: string;
}

export type AuthRoleAddResponse = HeaderOnlyResponse;

export interface AuthRoleGetRequest {
  role: string;
}

export interface AuthRoleGetResponse {
  header: ResponseHeader | null;
  perm: Permission[];
}

export type AuthRoleListRequest = EmptyMessage;

export interface AuthRoleListResponse {
  header: ResponseHeader | null;
  roles: string[];
}

export interface AuthRoleDeleteRequest {
  role: string;
}

export type AuthRoleDeleteResponse = HeaderOnlyResponse;

export interface AuthRoleGrantPermissionRequest {
  name: string;
  perm: Permission | null;
}

export type AuthRoleGrantPermissionResponse = HeaderOnlyResponse;

export interface AuthRoleRevokePermissionRequest {
  role: string;
  key: Buffer;
  range_end: Buffer;
}

export type AuthRoleRevokePermissionResponse = HeaderOnlyResponse;
