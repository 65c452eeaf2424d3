// Builders for the objects the ReplicaSet and Deployment controller tests seed: pods with a phase,
// readiness and node, ReplicaSets and Deployments in their apps/v1 shape.
import type { KubeObject, OwnerReference } from '../../../../lib/api/object.js';
import type { ControllerKind } from './controller-ref-manager.js';
import { newControllerRef } from './controller-ref-manager.js';
import type { PodTemplateSpec, ReplicaSet } from './replica-set.js';
import { formatTime as rfc3339 } from '../../../../lib/api/time.js';

export const NS = 'default';

export function podTemplate(labels: Record<string, string>, image = 'nginx:1.25'): PodTemplateSpec {
  return { metadata: { labels: { ...labels } }, spec: { containers: [{ name: 'app', image }] } };
}

export interface PodOptions {
  labels?: Record<string, string>;
  owner?: KubeObject;
  ownerKind?: ControllerKind;
  ownerReferences?: OwnerReference[];
  phase?: string;
  /** Ready since this time (ms); undefined: not ready. */
  readySince?: number;
  nodeName?: string;
  created?: number;
  restarts?: number;
  deletionCost?: number;
  terminating?: boolean;
  uid?: string;
}

export function newPod(name: string, o: PodOptions = {}): KubeObject {
  const ownerReferences = o.ownerReferences ?? (o.owner ? [newControllerRef(o.owner, o.ownerKind ?? { apiVersion: 'apps/v1', kind: 'ReplicaSet' })] : undefined);
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      labels: { ...(o.labels ?? { app: 'web' }) },
      ...(ownerReferences ? { ownerReferences } : {}),
      ...(o.created !== undefined ? { creationTimestamp: rfc3339(o.created) } : {}),
      ...(o.uid !== undefined ? { uid: o.uid } : {}),
      ...(o.terminating === true ? { deletionTimestamp: rfc3339(o.created ?? 0), finalizers: ['test/keep'] } : {}),
      ...(o.deletionCost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(o.deletionCost) } } : {}),
    },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25' }], ...(o.nodeName !== undefined ? { nodeName: o.nodeName } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.readySince !== undefined ? 'True' : 'False', ...(o.readySince !== undefined ? { lastTransitionTime: rfc3339(o.readySince) } : {}) }],
      containerStatuses: [{ name: 'app', restartCount: o.restarts ?? 0, ready: o.readySince !== undefined }],
    },
  };
  return pod;
}

export interface ReplicaSetOptions {
  replicas?: number;
  selector?: Record<string, string>;
  templateLabels?: Record<string, string>;
  minReadySeconds?: number;
  owner?: KubeObject;
  annotations?: Record<string, string>;
  created?: number;
  image?: string;
  status?: Record<string, unknown>;
  generation?: number;
}

export function newReplicaSet(name: string, o: ReplicaSetOptions = {}): ReplicaSet {
  const selector = o.selector ?? { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: NS,
      labels: { ...(o.templateLabels ?? selector) },
      ...(o.owner ? { ownerReferences: [newControllerRef(o.owner, { apiVersion: 'apps/v1', kind: 'Deployment' })] } : {}),
      ...(o.annotations ? { annotations: { ...o.annotations } } : {}),
      ...(o.created !== undefined ? { creationTimestamp: rfc3339(o.created) } : {}),
      ...(o.generation !== undefined ? { generation: o.generation } : {}),
    },
    spec: {
      replicas: o.replicas ?? 1,
      minReadySeconds: o.minReadySeconds ?? 0,
      selector: { matchLabels: { ...selector } },
      template: podTemplate(o.templateLabels ?? selector, o.image),
    },
    ...(o.status ? { status: { ...o.status } } : {}),
  };
}

export interface DeploymentOptions {
  replicas?: number;
  image?: string;
  selector?: Record<string, string>;
  strategy?: Record<string, unknown>;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
  generation?: number;
  annotations?: Record<string, string>;
  status?: Record<string, unknown>;
}

export function newDeployment(name: string, o: DeploymentOptions = {}): KubeObject {
  const selector = o.selector ?? { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: NS,
      uid: `${name}-uid`,
      ...(o.generation !== undefined ? { generation: o.generation } : {}),
      ...(o.annotations ? { annotations: { ...o.annotations } } : {}),
    },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { ...selector } },
      template: podTemplate(selector, o.image),
      strategy: o.strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      minReadySeconds: o.minReadySeconds ?? 0,
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      ...(o.paused === true ? { paused: true } : {}),
    },
    ...(o.status ? { status: { ...o.status } } : {}),
  };
}
