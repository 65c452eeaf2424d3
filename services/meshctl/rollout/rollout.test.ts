import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { deploymentStatus } from './deployment-status.js';
import { revisions, templatesEqual } from './replica-set-history.js';
import { historyText } from './rollout-history.js';
import { rollbackTarget } from './rollout-undo.js';

const deploy = (generation: number, spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', generation }, spec, status });

describe('deploymentStatus', () => {
  it.each([
    [deploy(2, { replicas: 3 }, { observedGeneration: 1 }), 'Waiting for deployment spec update to be observed...\n', false],
    [deploy(2, { replicas: 3 }, { observedGeneration: 2, updatedReplicas: 1 }), 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n', false],
    [deploy(2, { replicas: 3 }, { observedGeneration: 2, updatedReplicas: 3, replicas: 4 }), 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n', false],
    [deploy(2, { replicas: 3 }, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }), 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\n', false],
    [deploy(2, { replicas: 3 }, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }), 'deployment "web" successfully rolled out\n', true],
  ])('%#', (d, message, done) => {
    expect(deploymentStatus(d)).toEqual({ message, done });
  });

  it('reports a missed progress deadline and a revision mismatch', () => {
    expect(() => deploymentStatus(deploy(1, {}, { observedGeneration: 1, conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] }))).toThrow('deployment "web" exceeded its progress deadline');
    const d = deploy(1, {}, { observedGeneration: 1 });
    d.metadata.annotations = { 'deployment.kubernetes.io/revision': '2' };
    expect(() => deploymentStatus(d, 3)).toThrow('desired revision (3) is different from the running revision (2)');
  });
});

const rs = (name: string, revision: string | undefined, image: string, cause?: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, annotations: { ...(revision !== undefined ? { 'deployment.kubernetes.io/revision': revision } : {}), ...(cause ? { 'kubernetes.io/change-cause': cause } : {}) } },
  spec: { template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'web', image }] } } },
});

describe('revisions and rollback', () => {
  const sets = [rs('b', '2', 'web:2', 'kubectl set image'), rs('a', '1', 'web:1'), rs('c', '3', 'web:3'), rs('bad', 'x', 'web:x')];

  it('numbers revisions, skipping invalid annotations', () => {
    expect(revisions(sets).map((r) => r.revision)).toEqual([1, 2, 3]);
    expect(historyText(sets, 0)).toBe('REVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image\n3         <none>\n');
    expect(historyText([], 0)).toBe('No rollout history found.');
    expect(historyText(sets, 1)).toContain('Pod Template:\n  Labels:\tapp=web\n\tpod-template-hash=a\n  Containers:\n   web:\n    Image:\tweb:1\n');
    expect(() => historyText(sets, 9)).toThrow('unable to find the specified revision');
  });

  it('rolls back to the previous revision by default', () => {
    const d = deploy(1, {}, {});
    expect(rollbackTarget(d, sets, 0).metadata.name).toBe('b');
    expect(rollbackTarget(d, sets, 1).metadata.name).toBe('a');
    expect(() => rollbackTarget(d, sets, 7)).toThrow('unable to find specified revision 7 in history');
    expect(() => rollbackTarget(d, [sets[0] as KubeObject], 0)).toThrow('no rollout history found for deployment "web"');
  });

  it('compares templates without the hash label and Go zero values', () => {
    const a = { metadata: { labels: { app: 'web', 'pod-template-hash': 'x' }, creationTimestamp: null }, spec: { containers: [{ name: 'web', image: 'i', resources: {} }], hostNetwork: false } };
    const b = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'i' }] } };
    expect(templatesEqual(a, b)).toBe(true);
    expect(templatesEqual(a, { ...b, spec: { containers: [{ name: 'web', image: 'j' }] } })).toBe(false);
  });
});
