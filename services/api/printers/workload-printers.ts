// Deployment and ReplicaSet rows (printDeployment, printReplicaSet).
import type { KubeObject } from '../../../lib/api/object.js';
import { translateTimestampSince } from './age.js';
import { CONTAINERS, DEPLOYMENT, IMAGES, REPLICA_SET } from './descriptions.js';
import { asArray, asInt, asString, at } from './fields.js';
import type { KindPrinter, PrintedRow } from './kind-printer.js';
import { AGE_COLUMN, NAME_COLUMN, column, containerCells, wide } from './kind-printer.js';
import { formatLabelSelector, labelSelectorString } from './label-format.js';

function templateContainers(obj: KubeObject): readonly unknown[] {
  return asArray(at(obj, 'spec', 'template', 'spec', 'containers'));
}

export const deploymentPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', DEPLOYMENT.ready),
    column('Up-to-date', 'string', DEPLOYMENT.upToDate),
    column('Available', 'string', DEPLOYMENT.available),
    AGE_COLUMN,
    wide('Containers', 'string', CONTAINERS),
    wide('Images', 'string', IMAGES),
    wide('Selector', 'string', DEPLOYMENT.selector),
  ],
  row(obj: KubeObject, now: Date): PrintedRow {
    const desired = asInt(at(obj, 'spec', 'replicas'));
    const ready = asInt(at(obj, 'status', 'readyReplicas'));
    const [names, images] = containerCells(templateContainers(obj));
    // printDeployment uses the selector's String() directly: an empty selector prints as "".
    const selector = labelSelectorString(at(obj, 'spec', 'selector')) ?? '<invalid>';
    return {
      cells: [
        asString(obj.metadata.name),
        `${ready}/${desired}`,
        asInt(at(obj, 'status', 'updatedReplicas')),
        asInt(at(obj, 'status', 'availableReplicas')),
        translateTimestampSince(obj.metadata.creationTimestamp, now),
        names,
        images,
        selector,
      ],
    };
  },
};

export const replicaSetPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', REPLICA_SET.desired),
    column('Current', 'integer', REPLICA_SET.current),
    column('Ready', 'integer', REPLICA_SET.ready),
    AGE_COLUMN,
    wide('Containers', 'string', CONTAINERS),
    wide('Images', 'string', IMAGES),
    wide('Selector', 'string', REPLICA_SET.selector),
  ],
  row(obj: KubeObject, now: Date): PrintedRow {
    const [names, images] = containerCells(templateContainers(obj));
    return {
      cells: [
        asString(obj.metadata.name),
        asInt(at(obj, 'spec', 'replicas')),
        asInt(at(obj, 'status', 'replicas')),
        asInt(at(obj, 'status', 'readyReplicas')),
        translateTimestampSince(obj.metadata.creationTimestamp, now),
        names,
        images,
        formatLabelSelector(at(obj, 'spec', 'selector')),
      ],
    };
  },
};
