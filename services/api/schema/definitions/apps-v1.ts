// apps/v1: Deployment and ReplicaSet with their specs, statuses and conditions.
import type { Schema } from '../dsl.js';
import { bool, enumOf, gvk, int32, int64, intOrString, kind, list, listKind, obj, ref, str, time, withStrategy } from '../dsl.js';
import { CORE } from './core-v1.js';
import { META } from './meta-v1.js';

export const APPS = 'io.k8s.api.apps.v1.';
const a = (name: string): string => `${APPS}${name}`;
const apps = (k: string): ReturnType<typeof gvk>[] => [gvk('apps', 'v1', k)];
const conditionsByType = { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] } as const;

function condition(description: string, goType: string): Schema {
  return obj(
    {
      type: str('Type of condition.', goType),
      status: enumOf(['False', 'True', 'Unknown'], 'Status of the condition, one of True, False, Unknown.', 'v1.ConditionStatus'),
      lastUpdateTime: time('The last time this condition was updated.'),
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      reason: str("The reason for the condition's last transition."),
      message: str('A human readable message indicating details about the transition.'),
    },
    { description, required: ['type', 'status'] },
  );
}

const replicaSetCondition = condition('ReplicaSetCondition describes the state of a replica set at a certain point.', 'v1.ReplicaSetConditionType');
// ReplicaSet conditions carry no lastUpdateTime.
const { lastUpdateTime: _unused, ...replicaSetConditionFields } = replicaSetCondition.properties ?? {};

export const APPS_V1_DEFINITIONS: Readonly<Record<string, Schema>> = {
  [a('Deployment')]: kind(apps('Deployment'), 'Deployment enables declarative updates for Pods and ReplicaSets.', {
    spec: ref(a('DeploymentSpec'), 'Specification of the desired behavior of the Deployment.'),
    status: ref(a('DeploymentStatus'), 'Most recently observed status of the Deployment.'),
  }),
  [a('DeploymentList')]: listKind(apps('DeploymentList'), a('Deployment'), 'DeploymentList is a list of Deployments.'),
  [a('DeploymentSpec')]: obj(
    {
      replicas: int32('Number of desired pods. Defaults to 1.'),
      selector: ref(`${META}LabelSelector`, 'Label selector for pods. It must match the pod template\'s labels.'),
      template: ref(`${CORE}PodTemplateSpec`, 'Template describes the pods that will be created.'),
      strategy: withStrategy(ref(a('DeploymentStrategy'), 'The deployment strategy to use to replace existing pods with new ones.'), 'retainKeys'),
      minReadySeconds: int32('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available.'),
      revisionHistoryLimit: int32('The number of old ReplicaSets to retain to allow rollback. Defaults to 10.'),
      paused: bool('Indicates that the deployment is paused.'),
      progressDeadlineSeconds: int32('The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.'),
    },
    { description: 'DeploymentSpec is the specification of the desired behavior of the Deployment.', required: ['selector', 'template'] },
  ),
  [a('DeploymentStrategy')]: obj(
    {
      type: enumOf(['Recreate', 'RollingUpdate'], 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.', 'v1.DeploymentStrategyType'),
      rollingUpdate: ref(a('RollingUpdateDeployment'), 'Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.'),
    },
    'DeploymentStrategy describes how to replace existing pods with new ones.',
  ),
  [a('RollingUpdateDeployment')]: obj(
    {
      maxUnavailable: intOrString('The maximum number of pods that can be unavailable during the update (number or percentage). Defaults to 25%.'),
      maxSurge: intOrString('The maximum number of pods that can be scheduled above the desired number of pods (number or percentage). Defaults to 25%.'),
    },
    'Spec to control the desired behavior of rolling update.',
  ),
  [a('DeploymentStatus')]: obj(
    {
      observedGeneration: int64('The generation observed by the deployment controller.'),
      replicas: int32('Total number of non-terminating pods targeted by this deployment (their labels match the selector).'),
      updatedReplicas: int32('Total number of non-terminating pods targeted by this deployment that have the desired template spec.'),
      readyReplicas: int32('Total number of non-terminating pods targeted by this Deployment with a Ready Condition.'),
      availableReplicas: int32('Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'),
      unavailableReplicas: int32('Total number of unavailable pods targeted by this deployment.'),
      terminatingReplicas: int32('Total number of terminating pods targeted by this deployment.'),
      conditions: list(ref(a('DeploymentCondition')), { description: "Represents the latest available observations of a deployment's current state.", ...conditionsByType }),
      collisionCount: int32('Count of hash collisions for the Deployment, used to create a unique name for the newest ReplicaSet.'),
    },
    'DeploymentStatus is the most recently observed status of the Deployment.',
  ),
  [a('DeploymentCondition')]: condition('DeploymentCondition describes the state of a deployment at a certain point.', 'v1.DeploymentConditionType'),
  [a('ReplicaSet')]: kind(apps('ReplicaSet'), 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.', {
    spec: ref(a('ReplicaSetSpec'), 'Spec defines the specification of the desired behavior of the ReplicaSet.'),
    status: ref(a('ReplicaSetStatus'), 'Status is the most recently observed status of the ReplicaSet.'),
  }),
  [a('ReplicaSetList')]: listKind(apps('ReplicaSetList'), a('ReplicaSet'), 'ReplicaSetList is a collection of ReplicaSets.'),
  [a('ReplicaSetSpec')]: obj(
    {
      replicas: int32('Replicas is the number of desired pods. Defaults to 1.'),
      minReadySeconds: int32('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available.'),
      selector: ref(`${META}LabelSelector`, 'Selector is a label query over pods that should match the replica count.'),
      template: ref(`${CORE}PodTemplateSpec`, 'Template is the object that describes the pod that will be created if insufficient replicas are detected.'),
    },
    { description: 'ReplicaSetSpec is the specification of a ReplicaSet.', required: ['selector'] },
  ),
  [a('ReplicaSetStatus')]: obj(
    {
      replicas: int32('Replicas is the most recently observed number of non-terminating pods.'),
      fullyLabeledReplicas: int32('The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset.'),
      readyReplicas: int32('The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
      availableReplicas: int32('The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set.'),
      terminatingReplicas: int32('The number of terminating pods for this replica set.'),
      observedGeneration: int64('ObservedGeneration reflects the generation of the most recently observed ReplicaSet.'),
      conditions: list(ref(a('ReplicaSetCondition')), { description: "Represents the latest available observations of a replica set's current state.", ...conditionsByType }),
    },
    { description: 'ReplicaSetStatus represents the current status of a ReplicaSet.', required: ['replicas'] },
  ),
  [a('ReplicaSetCondition')]: { ...replicaSetCondition, properties: replicaSetConditionFields },
};
