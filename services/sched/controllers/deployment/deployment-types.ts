// The apps/v1 Deployment as the controller reads it, with Kubernetes' defaults applied by the
// accessors (the API server defaults them too; objects written by tests may omit them).
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import type { LabelSelectorJson, PodTemplateSpec } from '../workload/replica-set.js';

export const MAX_INT32 = 2147483647;

export const StrategyType = {
  RollingUpdate: 'RollingUpdate',
  Recreate: 'Recreate',
} as const;

export type IntOrString = number | string;

export interface DeploymentStrategy {
  type?: string;
  rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString };
}

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelectorJson;
  template?: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
  [field: string]: unknown;
}

export interface DeploymentCondition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
  [field: string]: unknown;
}

export interface Deployment extends KubeObject {
  spec?: DeploymentSpec;
  status?: DeploymentStatus;
}

/** The API server validated the object; this only names its shape. */
export function asDeployment(obj: KubeObject): Deployment {
  return obj as Deployment;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function dReplicas(d: Deployment): number {
  return num(d.spec?.replicas) ?? 1;
}

export function dMinReadySeconds(d: Deployment): number {
  return num(d.spec?.minReadySeconds) ?? 0;
}

export function strategyType(d: Deployment): string {
  return d.spec?.strategy?.type ?? StrategyType.RollingUpdate;
}

export function isRollingUpdate(d: Deployment): boolean {
  return strategyType(d) === StrategyType.RollingUpdate;
}

/** rollingUpdate.maxSurge / maxUnavailable, defaulting to 25% each. */
export function rollingUpdateParams(d: Deployment): { maxSurge: IntOrString; maxUnavailable: IntOrString } {
  const ru = isRecord(d.spec?.strategy?.rollingUpdate) ? d.spec.strategy.rollingUpdate : {};
  return { maxSurge: ru.maxSurge ?? '25%', maxUnavailable: ru.maxUnavailable ?? '25%' };
}

/** revisionHistoryLimit (default 10); undefined when it is MaxInt32 (keep everything). */
export function revisionHistoryLimit(d: Deployment): number | undefined {
  const v = num(d.spec?.revisionHistoryLimit) ?? 10;
  return v === MAX_INT32 ? undefined : v;
}

/** progressDeadlineSeconds (default 600); undefined when it is MaxInt32 (no deadline). */
export function progressDeadlineSeconds(d: Deployment): number | undefined {
  const v = num(d.spec?.progressDeadlineSeconds) ?? 600;
  return v === MAX_INT32 ? undefined : v;
}

export function hasProgressDeadline(d: Deployment): boolean {
  return progressDeadlineSeconds(d) !== undefined;
}

export function isPaused(d: Deployment): boolean {
  return d.spec?.paused === true;
}
