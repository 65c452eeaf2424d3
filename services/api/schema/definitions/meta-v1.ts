// apimachinery's shared types: ObjectMeta, ListMeta, Status, LabelSelector, Condition, Time,
// Quantity, IntOrString, DeleteOptions and the other meta/v1 definitions every group uses.
import type { GroupVersionKind, Schema } from '../dsl.js';
import {
  INT_OR_STRING,
  LIST_META,
  MICRO_TIME,
  OBJECT_META,
  QUANTITY,
  TIME,
  bool,
  enumOf,
  int32,
  int64,
  list,
  map,
  obj,
  preserveUnknown,
  ref,
  str,
  time,
  typeMeta,
} from '../dsl.js';

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** Every group-version the server serves, for the kinds (DeleteOptions, Status, ...) shared by all. */
export const SHARED_KIND_GROUP_VERSIONS: readonly { group: string; version: string }[] = [
  { group: '', version: 'v1' },
  { group: 'apps', version: 'v1' },
  { group: 'autoscaling', version: 'v1' },
  { group: 'coordination.k8s.io', version: 'v1' },
  { group: 'discovery.k8s.io', version: 'v1' },
  { group: 'policy', version: 'v1' },
  { group: 'rbac.authorization.k8s.io', version: 'v1' },
];

function sharedGvks(kind: string): GroupVersionKind[] {
  return SHARED_KIND_GROUP_VERSIONS.map(({ group, version }) => ({ group, kind, version }));
}

const labelSelectorRequirement = obj(
  {
    key: str('key is the label key that the selector applies to.'),
    operator: str("operator represents a key's relationship to a set of values: In, NotIn, Exists and DoesNotExist."),
    values: list(str(), { description: 'values is an array of string values.', listType: 'atomic' }),
  },
  { description: 'A label selector requirement: a key, an operator and values.', required: ['key', 'operator'] },
);

export const META_V1_DEFINITIONS: Readonly<Record<string, Schema>> = {
  [TIME]: { description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON (RFC 3339).', type: 'string', format: 'date-time' },
  [MICRO_TIME]: { description: 'MicroTime is a version of Time with microsecond level precision.', type: 'string', format: 'date-time' },
  [QUANTITY]: {
    description: 'Quantity is a fixed-point representation of a number, e.g. "500m", "1Gi" or 2.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  [INT_OR_STRING]: {
    description: 'IntOrString is a type that can hold an int32 or a string.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  [OBJECT_META]: obj(
    {
      name: str('Name must be unique within a namespace.'),
      generateName: str('Optional prefix the server uses to generate a unique name if name is not provided.'),
      namespace: str('Namespace defines the space within which the name must be unique.'),
      selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
      uid: str('UID is the unique in time and space value for this object.'),
      resourceVersion: str('An opaque value that represents the internal version of this object.'),
      generation: int64('A sequence number representing a specific generation of the desired state.'),
      creationTimestamp: time('CreationTimestamp is a timestamp representing the server time when this object was created.'),
      deletionTimestamp: time('DeletionTimestamp is the time after which this resource will be deleted.'),
      deletionGracePeriodSeconds: int64('Number of seconds allowed for this object to gracefully terminate before it is removed.'),
      labels: map(str(), 'Map of string keys and values that can be used to organize and categorize objects.'),
      annotations: map(str(), 'Unstructured key value map stored with a resource that may be set by external tools.'),
      ownerReferences: list(ref(`${META}OwnerReference`), {
        description: 'List of objects depended by this object.',
        strategy: 'merge',
        mergeKey: 'uid',
        listType: 'map',
        listMapKeys: ['uid'],
      }),
      finalizers: list(str(), {
        description: 'Must be empty before the object is deleted from the registry.',
        strategy: 'merge',
        listType: 'set',
      }),
      managedFields: list(ref(`${META}ManagedFieldsEntry`), {
        description: 'Maps workflow-id and version to the set of fields that are managed by that workflow.',
        listType: 'atomic',
      }),
    },
    'ObjectMeta is metadata that all persisted resources must have.',
  ),
  [LIST_META]: obj(
    {
      selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
      resourceVersion: str("String that identifies the server's internal version of this object."),
      continue: str('Set if the user set a limit on the number of items returned; the token to continue the list.'),
      remainingItemCount: int64('The number of subsequent items in the list which are not included in this response.'),
    },
    'ListMeta describes metadata that synthetic resources must have, including lists.',
  ),
  [`${META}OwnerReference`]: obj(
    {
      apiVersion: str('API version of the referent.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
      controller: bool('If true, this reference points to the managing controller.'),
      blockOwnerDeletion: bool('If true, the owner cannot be deleted from the key-value store until this reference is removed.'),
    },
    {
      description: 'OwnerReference contains enough information to let you identify an owning object.',
      required: ['apiVersion', 'kind', 'name', 'uid'],
      mapType: 'atomic',
    },
  ),
  [`${META}ManagedFieldsEntry`]: obj(
    {
      manager: str('Manager is an identifier of the workflow managing these fields.'),
      operation: str("Operation is the type of operation which lead to this entry: 'Apply' and 'Update'."),
      apiVersion: str('APIVersion defines the version of this resource that this field set applies to.'),
      time: time('Time is the timestamp of when the ManagedFields entry was added.'),
      fieldsType: str('FieldsType is the discriminator for the different fields format and version.'),
      fieldsV1: ref(`${META}FieldsV1`, 'FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.'),
      subresource: str('Subresource is the name of the subresource used to update that object.'),
    },
    'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.',
  ),
  [`${META}FieldsV1`]: preserveUnknown('FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.', { type: 'object' }),
  [`${META}LabelSelector`]: obj(
    {
      matchLabels: map(str(), 'matchLabels is a map of {key,value} pairs.'),
      matchExpressions: list(ref(`${META}LabelSelectorRequirement`), {
        description: 'matchExpressions is a list of label selector requirements. The requirements are ANDed.',
        listType: 'atomic',
      }),
    },
    { description: 'A label selector is a label query over a set of resources.', mapType: 'atomic' },
  ),
  [`${META}LabelSelectorRequirement`]: labelSelectorRequirement,
  [`${META}Condition`]: obj(
    {
      type: str('type of condition in CamelCase or in foo.example.com/CamelCase.'),
      status: enumOf(['True', 'False', 'Unknown'], 'status of the condition, one of True, False, Unknown.', 'v1.ConditionStatus'),
      observedGeneration: int64('observedGeneration represents the .metadata.generation that the condition was set based upon.'),
      lastTransitionTime: time('lastTransitionTime is the last time the condition transitioned from one status to another.'),
      reason: str("reason contains a programmatic identifier indicating the reason for the condition's last transition."),
      message: str('message is a human readable message indicating details about the transition.'),
    },
    {
      description: 'Condition contains details for one aspect of the current state of this API Resource.',
      required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
    },
  ),
  [`${META}Status`]: {
    ...obj(
      {
        ...typeMeta(),
        metadata: ref(LIST_META, 'Standard list metadata.'),
        status: str('Status of the operation. One of: "Success" or "Failure".'),
        message: str('A human-readable description of the status of this operation.'),
        reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
        details: ref(`${META}StatusDetails`, 'Extended data associated with the reason.'),
        code: int32('Suggested HTTP return code for this status, 0 if not set.'),
      },
      'Status is a return value for calls that do not return other objects.',
    ),
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
  },
  [`${META}StatusDetails`]: obj(
    {
      name: str('The name attribute of the resource associated with the status StatusReason.'),
      group: str('The group attribute of the resource associated with the status StatusReason.'),
      kind: str('The kind attribute of the resource associated with the status StatusReason.'),
      uid: str('UID of the resource.'),
      causes: list(ref(`${META}StatusCause`), { description: 'The Causes array includes more details associated with the StatusReason failure.', listType: 'atomic' }),
      retryAfterSeconds: int32('If specified, the time in seconds before the operation should be retried.'),
    },
    'StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response.',
  ),
  [`${META}StatusCause`]: obj(
    {
      reason: str('A machine-readable description of the cause of the error.'),
      message: str('A human-readable description of the cause of the error.'),
      field: str('The field of the resource that has caused this error, as named by its JSON serialization.'),
    },
    'StatusCause provides more information about an api.Status failure.',
  ),
  [`${META}Preconditions`]: obj(
    {
      resourceVersion: str('Specifies the target ResourceVersion.'),
      uid: str('Specifies the target UID.'),
    },
    'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.',
  ),
  [`${META}DeleteOptions`]: {
    ...obj(
      {
        ...typeMeta(),
        gracePeriodSeconds: int64('The duration in seconds before the object should be deleted.'),
        preconditions: ref(`${META}Preconditions`, 'Must be fulfilled before a deletion is carried out.'),
        orphanDependents: bool('Deprecated: please use the PropagationPolicy.'),
        propagationPolicy: str("Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
        dryRun: list(str(), { description: 'When present, indicates that modifications should not be persisted.', listType: 'atomic' }),
        ignoreStoreReadErrorWithClusterBreakingPotential: bool('if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error.'),
      },
      'DeleteOptions may be provided when deleting an API object.',
    ),
    'x-kubernetes-group-version-kind': sharedGvks('DeleteOptions'),
  },
  [`${META}Patch`]: obj({}, 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.'),
  [`${META}WatchEvent`]: {
    ...obj(
      {
        type: str('The type of the event: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.'),
        object: preserveUnknown('Object is the object of the event (or a Status for ERROR events).', { type: 'object' }),
      },
      { description: 'Event represents a single event to a watched resource.', required: ['type', 'object'] },
    ),
    'x-kubernetes-group-version-kind': sharedGvks('WatchEvent'),
  },
};
