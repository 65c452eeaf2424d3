// coordination.k8s.io/v1: Lease.
import type { Schema } from '../dsl.js';
import { gvk, int32, kind, listKind, microTime, obj, ref, str } from '../dsl.js';

export const COORDINATION = 'io.k8s.api.coordination.v1.';
const l = (name: string): string => `${COORDINATION}${name}`;
const coordination = (k: string): ReturnType<typeof gvk>[] => [gvk('coordination.k8s.io', 'v1', k)];

export const COORDINATION_V1_DEFINITIONS: Readonly<Record<string, Schema>> = {
  [l('Lease')]: kind(coordination('Lease'), 'Lease defines a lease concept.', {
    spec: ref(l('LeaseSpec'), 'spec contains the specification of the Lease.'),
  }),
  [l('LeaseList')]: listKind(coordination('LeaseList'), l('Lease'), 'LeaseList is a list of Lease objects.'),
  [l('LeaseSpec')]: obj(
    {
      holderIdentity: str('holderIdentity contains the identity of the holder of a current lease.'),
      leaseDurationSeconds: int32('leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it.'),
      acquireTime: microTime('acquireTime is a time when the current lease was acquired.'),
      renewTime: microTime('renewTime is a time when the current holder of a lease has last updated the lease.'),
      leaseTransitions: int32('leaseTransitions is the number of transitions of a lease between holders.'),
      strategy: str('Strategy indicates the strategy for picking the leader for coordinated leader election.', 'v1.CoordinatedLeaseStrategy'),
      preferredHolder: str('PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up.'),
    },
    'LeaseSpec is a specification of a Lease.',
  ),
};
