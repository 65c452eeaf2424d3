// etcd's client-visible errors: the same gRPC status codes and messages as etcd v3.4's
// rpctypes, so clients that match on them (etcdctl, etcd3, kube-apiserver) behave the same.
import { status as GrpcStatus } from '@grpc/grpc-js';

/** An error that reaches the client as a gRPC status with etcd's code and message. */
export class EtcdError extends Error {
  override readonly name = 'EtcdError';
  constructor(
    readonly code: GrpcStatus,
    message: string,
  ) {
    super(message);
  }
}

const e = (code: GrpcStatus, message: string) => (): EtcdError => new EtcdError(code, message);

export const Errors = {
  emptyKey: e(GrpcStatus.INVALID_ARGUMENT, 'etcdserver: key is not provided'),
  keyNotFound: e(GrpcStatus.INVALID_ARGUMENT, 'etcdserver: key not found'),
  valueProvided: e(GrpcStatus.INVALID_ARGUMENT, 'etcdserver: value is provided'),
  leaseProvided: e(GrpcStatus.INVALID_ARGUMENT, 'etcdserver: lease is provided'),
  tooManyOps: e(GrpcStatus.INVALID_ARGUMENT, 'etcdserver: too many operations in txn request'),
  duplicateKey: e(GrpcStatus.INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request'),
  compacted: e(GrpcStatus.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: e(GrpcStatus.OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision'),
  leaseNotFound: e(GrpcStatus.NOT_FOUND, 'etcdserver: requested lease not found'),
  leaseExist: e(GrpcStatus.FAILED_PRECONDITION, 'etcdserver: lease already exists'),
  leaseTTLTooLarge: e(GrpcStatus.OUT_OF_RANGE, 'etcdserver: too large lease TTL'),
  memberExist: e(GrpcStatus.FAILED_PRECONDITION, 'etcdserver: member ID already exist'),
  peerURLExist: e(GrpcStatus.FAILED_PRECONDITION, 'etcdserver: Peer URLs already exists'),
  memberNotEnoughStarted: e(
    GrpcStatus.FAILED_PRECONDITION,
    'etcdserver: re-configuration failed due to not enough started members',
  ),
  memberBadURLs: e(GrpcStatus.INVALID_ARGUMENT, 'etcdserver: given member URLs are invalid'),
  memberNotFound: e(GrpcStatus.NOT_FOUND, 'etcdserver: member not found'),
  memberNotLearner: e(GrpcStatus.FAILED_PRECONDITION, 'etcdserver: can only promote a learner member'),
  learnerNotReady: e(
    GrpcStatus.FAILED_PRECONDITION,
    'etcdserver: can only promote a learner member which is in sync with leader',
  ),
  tooManyLearners: e(GrpcStatus.FAILED_PRECONDITION, 'etcdserver: too many learner members in cluster'),
  requestTooLarge: e(GrpcStatus.INVALID_ARGUMENT, 'etcdserver: request is too large'),
  noLeader: e(GrpcStatus.UNAVAILABLE, 'etcdserver: no leader'),
  notLeader: e(GrpcStatus.FAILED_PRECONDITION, 'etcdserver: not leader'),
  leaderChanged: e(GrpcStatus.UNAVAILABLE, 'etcdserver: leader changed'),
  stopped: e(GrpcStatus.UNAVAILABLE, 'etcdserver: server stopped'),
  timeout: e(GrpcStatus.UNAVAILABLE, 'etcdserver: request timed out'),
  notSupportedForLearner: e(GrpcStatus.UNAVAILABLE, 'etcdserver: rpc not supported for learner'),
  badLeaderTransferee: e(GrpcStatus.FAILED_PRECONDITION, 'etcdserver: bad leader transferee'),
  unhealthy: e(GrpcStatus.UNAVAILABLE, 'etcdserver: unhealthy cluster'),
  permissionDenied: e(GrpcStatus.PERMISSION_DENIED, 'etcdserver: permission denied'),
  authNotEnabled: e(GrpcStatus.FAILED_PRECONDITION, 'etcdserver: authentication is not enabled'),
  invalidArgument: (what: string): EtcdError => new EtcdError(GrpcStatus.INVALID_ARGUMENT, `etcdserver: ${what}`),
} as const;

export function isEtcdError(err: unknown): err is EtcdError {
  return err instanceof EtcdError;
}
