// Defaults of apps/v1 Deployments and ReplicaSets (pkg/apis/apps/v1/defaults.go), including the
// pod template's (SetDefaults_PodSpec and below, without the Pod-only defaults).
import type { KubeObject } from '../../../lib/api/object.js';
import { ensureRecord, setDefault, setDefaultString } from '../validation/json-access.js';
import type { JsonRecord } from '../validation/json-access.js';
import { defaultPodSpec } from './pod-spec.js';

function defaultTemplate(spec: JsonRecord): void {
  const template = ensureRecord(spec, 'template');
  const podSpec = template ? ensureRecord(template, 'spec') : undefined;
  if (podSpec) defaultPodSpec(podSpec, { pod: false });
}

export function defaultDeployment(obj: KubeObject): void {
  const spec = ensureRecord(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  const strategy = ensureRecord(spec, 'strategy');
  if (strategy) {
    setDefaultString(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const rollingUpdate = ensureRecord(strategy, 'rollingUpdate');
      if (rollingUpdate) {
        setDefault(rollingUpdate, 'maxUnavailable', '25%');
        setDefault(rollingUpdate, 'maxSurge', '25%');
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec);
}

export function defaultReplicaSet(obj: KubeObject): void {
  const spec = ensureRecord(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  defaultTemplate(spec);
}
