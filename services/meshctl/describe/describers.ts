// Which describer renders which kind; the generic one for the rest.
import type { ApiResource } from '../../../lib/api/kube-client/index.js';
import { describeConfigMap } from './describe-config-map.js';
import type { Describer } from './describe-deps.js';
import { describeDeployment } from './describe-deployment.js';
import { describeGeneric } from './describe-generic.js';
import { describeNamespace } from './describe-namespace.js';
import { describeNode } from './describe-node.js';
import { describePod } from './describe-pod.js';
import { describeReplicaSet } from './describe-replica-set.js';
import { describeService } from './describe-service.js';

const BY_KIND: Record<string, Describer> = {
  '/Pod': describePod,
  '/Service': describeService,
  '/Node': describeNode,
  '/Namespace': describeNamespace,
  '/ConfigMap': describeConfigMap,
  'apps/Deployment': describeDeployment,
  'apps/ReplicaSet': describeReplicaSet,
};

export function describerFor(r: ApiResource): Describer {
  return BY_KIND[`${r.group}/${r.kind}`] ?? describeGeneric;
}
