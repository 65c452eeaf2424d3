// The kinds subresources speak: autoscaling/v1 Scale (…/scale), policy/v1 Eviction (pods/eviction)
// and authentication.k8s.io/v1 TokenRequest (serviceaccounts/token).
import type { Schema } from '../dsl.js';
import { gvk, int32, int64, kind, list, obj, ref, str, time } from '../dsl.js';
import { META } from './meta-v1.js';

export const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
export const EVICTION = 'io.k8s.api.policy.v1.Eviction';
export const TOKEN_REQUEST = 'io.k8s.api.authentication.v1.TokenRequest';

export const SUBRESOURCE_DEFINITIONS: Readonly<Record<string, Schema>> = {
  [SCALE]: kind([gvk('autoscaling', 'v1', 'Scale')], 'Scale represents a scaling request for a resource.', {
    spec: ref('io.k8s.api.autoscaling.v1.ScaleSpec', 'spec defines the behavior of the scale.'),
    status: ref('io.k8s.api.autoscaling.v1.ScaleStatus', 'status is the current status of the scale.'),
  }),
  'io.k8s.api.autoscaling.v1.ScaleSpec': obj({ replicas: int32('replicas is the desired number of instances for the scaled object.') }, 'ScaleSpec describes the attributes of a scale subresource.'),
  'io.k8s.api.autoscaling.v1.ScaleStatus': obj(
    {
      replicas: int32('replicas is the actual number of observed instances of the scaled object.'),
      selector: str('selector is the label query over pods that should match the replicas count, in the string form of a label selector.'),
    },
    { description: 'ScaleStatus represents the current status of a scale subresource.', required: ['replicas'] },
  ),
  [EVICTION]: kind([gvk('policy', 'v1', 'Eviction')], 'Eviction evicts a pod from its node subject to certain policies and safety constraints.', {
    deleteOptions: ref(`${META}DeleteOptions`, 'DeleteOptions may be provided'),
  }),
  [TOKEN_REQUEST]: kind(
    [gvk('authentication.k8s.io', 'v1', 'TokenRequest')],
    'TokenRequest requests a token for a given service account.',
    {
      spec: ref('io.k8s.api.authentication.v1.TokenRequestSpec', 'Spec holds information about the request being evaluated'),
      status: ref('io.k8s.api.authentication.v1.TokenRequestStatus', 'Status is filled in by the server and indicates whether the token can be authenticated.'),
    },
    { required: ['spec'] },
  ),
  'io.k8s.api.authentication.v1.TokenRequestSpec': obj(
    {
      audiences: list(str(), { description: 'Audiences are the intendend audiences of the token.', listType: 'atomic' }),
      expirationSeconds: int64('ExpirationSeconds is the requested duration of validity of the request.'),
      boundObjectRef: ref('io.k8s.api.authentication.v1.BoundObjectReference', 'BoundObjectRef is a reference to an object that the token will be bound to.'),
    },
    { description: 'TokenRequestSpec contains client provided parameters of a token request.', required: ['audiences'] },
  ),
  'io.k8s.api.authentication.v1.TokenRequestStatus': obj(
    {
      token: str('Token is the opaque bearer token.'),
      expirationTimestamp: time('ExpirationTimestamp is the time of expiration of the returned token.'),
    },
    { description: 'TokenRequestStatus is the result of a token request.', required: ['token', 'expirationTimestamp'] },
  ),
  'io.k8s.api.authentication.v1.BoundObjectReference': obj(
    {
      kind: str("Kind of the referent. Valid kinds are 'Pod' and 'Secret'."),
      apiVersion: str('API version of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
    },
    'BoundObjectReference is a reference to an object that a token is bound to.',
  ),
};
