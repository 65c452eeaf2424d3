import { describe, expect, it } from 'vitest';
import { containerName, fromDockerLabels, labelFilters, parseName, sandboxMetadata, sandboxName, sandboxOwnLabels, toDockerLabels } from './naming.js';

const POD = { name: 'web-1', namespace: 'default', uid: '1b2c-3d', attempt: 2 };

describe('names', () => {
  it('are dockershim names', () => {
    expect(sandboxName(POD)).toBe('k8s_POD_web-1_default_1b2c-3d_2');
    expect(containerName(POD, { name: 'app', attempt: 5 })).toBe('k8s_app_web-1_default_1b2c-3d_5');
  });

  it('parse back, with Docker\'s slash and a conflict suffix', () => {
    expect(parseName('/k8s_app_web-1_default_1b2c-3d_5')).toEqual({ containerName: 'app', podName: 'web-1', namespace: 'default', uid: '1b2c-3d', attempt: 5 });
    expect(parseName('k8s_POD_web-1_default_1b2c-3d_0_0a1b2c3d')?.attempt).toBe(0);
    expect(parseName('/nginx')).toBeUndefined();
    expect(parseName('k8s_app_web-1_default_uid_x')).toBeUndefined();
  });
});

describe('labels', () => {
  it('store annotations with the annotation. prefix and let the runtime labels win', () => {
    const own = sandboxOwnLabels('node-a', POD);
    const labels = toDockerLabels({ app: 'web', 'meshkube.node': 'forged' }, { 'kubernetes.io/config.seen': 't', restartCount: '1' }, own);
    expect(labels).toEqual({
      app: 'web',
      'annotation.kubernetes.io/config.seen': 't',
      'annotation.restartCount': '1',
      'io.kubernetes.pod.name': 'web-1',
      'io.kubernetes.pod.namespace': 'default',
      'io.kubernetes.pod.uid': '1b2c-3d',
      'io.kubernetes.container.name': 'POD',
      'io.kubernetes.docker.type': 'podsandbox',
      'meshkube.node': 'node-a',
    });
    expect(fromDockerLabels({ ...labels, 'meshkube.image.source-hash': 'abc' })).toEqual({ labels: { app: 'web' }, annotations: { 'kubernetes.io/config.seen': 't', restartCount: '1' } });
  });

  it('give sandbox metadata from labels and the attempt from the name', () => {
    expect(sandboxMetadata('/k8s_POD_web-1_default_1b2c-3d_2', sandboxOwnLabels('n', POD))).toEqual(POD);
  });

  it('filter by node and type', () => {
    expect(labelFilters('node-a', 'container', { 'io.kubernetes.pod.uid': 'u1' })).toEqual([
      'meshkube.node=node-a',
      'io.kubernetes.docker.type=container',
      'io.kubernetes.pod.uid=u1',
    ]);
  });
});
