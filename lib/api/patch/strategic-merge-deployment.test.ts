// `kubectl apply` round trips on a Deployment: the three-way patch computed from the
// last-applied configuration (annotation), the new file and the live object, applied by
// the server to the live object. Live objects carry what the server and others added
// (defaults, injected containers, labels, kubectl scale) which must survive.
import { describe, expect, it } from 'vitest';
import { cloneJson } from './json-value.js';
import { applyStrategicMergePatch, createThreeWayMergePatch } from './strategic-merge-patch.js';
import { deploymentMeta } from './test-patch-meta.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Doc = Record<string, unknown>;

interface ContainerFile {
  name: string;
  image: string;
  ports?: Doc[];
  env?: Doc[];
  volumeMounts?: Doc[];
}

interface FileOptions {
  labels?: Record<string, string>;
  replicas?: number;
  containers?: ContainerFile[];
  strategy?: Doc;
  volumes?: Doc[];
  tolerations?: Doc[];
  finalizers?: string[];
}

/** The manifest a user keeps in a file. */
function file(o: FileOptions = {}): Doc {
  const spec: Doc = {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: o.containers ?? [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }],
        ...(o.volumes ? { volumes: o.volumes } : {}),
        ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      },
    },
  };
  if (o.replicas !== undefined) spec['replicas'] = o.replicas;
  if (o.strategy) spec['strategy'] = o.strategy;
  const metadata: Doc = { name: 'web', namespace: 'default', labels: o.labels ?? { app: 'web' } };
  if (o.finalizers) metadata['finalizers'] = o.finalizers;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec };
}

/** What kubectl sends as "modified": the file, annotated with itself. */
function annotated(manifest: Doc): Doc {
  const copy = cloneJson(manifest);
  const metadata = copy['metadata'] as Doc;
  metadata['annotations'] = { ...((metadata['annotations'] as Doc | undefined) ?? {}), [LAST_APPLIED]: JSON.stringify(manifest) };
  return copy;
}

/** The live object after creating `manifest`: defaults and server fields filled in. */
function created(manifest: Doc): Doc {
  const live = annotated(manifest);
  const metadata = live['metadata'] as Doc;
  Object.assign(metadata, { uid: 'uid-1', resourceVersion: '100', generation: 1, creationTimestamp: '2024-01-01T00:00:00Z' });
  const spec = live['spec'] as Doc;
  spec['replicas'] ??= 1;
  spec['revisionHistoryLimit'] = 10;
  spec['progressDeadlineSeconds'] = 600;
  spec['strategy'] ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  const podSpec = (spec['template'] as Doc)['spec'] as Doc;
  Object.assign(podSpec, { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, securityContext: {} });
  for (const c of podSpec['containers'] as Doc[]) {
    Object.assign(c, { imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', resources: {} });
    for (const p of (c['ports'] as Doc[] | undefined) ?? []) p['protocol'] ??= 'TCP';
  }
  live['status'] = { replicas: spec['replicas'], conditions: [{ type: 'Available', status: 'True' }] };
  return live;
}

/** `kubectl apply -f newManifest` against `live`: the patch sent and the object stored. */
function kubectlApply(live: Doc, newManifest: Doc): { patch: Doc; result: Doc } {
  const annotations = (live['metadata'] as Doc)['annotations'] as Record<string, string>;
  const original: unknown = JSON.parse(annotations[LAST_APPLIED] ?? '{}');
  const patch = createThreeWayMergePatch(original, annotated(newManifest), live, deploymentMeta);
  const result = applyStrategicMergePatch(live, patch, deploymentMeta) as Doc;
  return { patch, result };
}

function at(doc: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = doc;
  for (const p of path) cur = (cur as Record<string | number, unknown>)[p];
  return cur;
}

function containers(doc: Doc): Doc[] {
  return at(doc, 'spec', 'template', 'spec', 'containers') as Doc[];
}

describe('kubectl apply round trips on a Deployment', () => {
  it('re-applying the same file sends an empty patch', () => {
    const live = created(file());
    expect(kubectlApply(live, file()).patch).toEqual({});
  });

  it('changes an image, keeping server defaults of the container', () => {
    const v1 = file();
    const v2 = file({ containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] });
    const { patch, result } = kubectlApply(created(v1), v2);

    expect(patch).toEqual({
      metadata: { annotations: { [LAST_APPLIED]: JSON.stringify(v2) } },
      spec: { template: { spec: { ...setOrder('containers', ['web']), containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    });
    expect(containers(result)).toEqual([
      {
        name: 'web',
        image: 'nginx:1.27',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePath: '/dev/termination-log',
        resources: {},
      },
    ]);
  });

  it('adds a container in file order, keeping an injected sidecar after it', () => {
    const v1 = file();
    const live = created(v1);
    containers(live).push({ name: 'istio-proxy', image: 'istio/proxyv2' });
    const v2 = file({
      containers: [
        { name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
        { name: 'metrics', image: 'prom/exporter' },
      ],
    });
    const { patch, result } = kubectlApply(live, v2);

    expect(at(patch, 'spec', 'template', 'spec')).toEqual({
      ...setOrder('containers', ['web', 'metrics']),
      containers: [{ name: 'metrics', image: 'prom/exporter' }],
    });
    expect(containers(result).map((c) => c['name'])).toEqual(['web', 'metrics', 'istio-proxy']);
    expect(containers(result)[1]).toEqual({ name: 'metrics', image: 'prom/exporter' });
  });

  it('removes a container that was in the last-applied file', () => {
    const v1 = file({
      containers: [
        { name: 'web', image: 'nginx:1.25' },
        { name: 'sidecar', image: 'busybox' },
      ],
    });
    const { patch, result } = kubectlApply(created(v1), file({ containers: [{ name: 'web', image: 'nginx:1.25' }] }));

    expect(at(patch, 'spec', 'template', 'spec')).toEqual({
      ...setOrder('containers', ['web']),
      containers: [{ name: 'sidecar', $patch: 'delete' }],
    });
    expect(containers(result).map((c) => c['name'])).toEqual(['web']);
  });

  it('adds and removes env vars, keeping one injected by a webhook', () => {
    const v1 = file({
      containers: [{ name: 'web', image: 'nginx', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }],
    });
    const live = created(v1);
    (containers(live)[0]?.['env'] as Doc[]).push({ name: 'INJECTED', value: 'x' });
    const v2 = file({
      containers: [{ name: 'web', image: 'nginx', env: [{ name: 'A', value: '1' }, { name: 'C', value: '3' }] }],
    });
    const { patch, result } = kubectlApply(live, v2);

    expect(at(patch, 'spec', 'template', 'spec', 'containers')).toEqual([
      {
        name: 'web',
        ...setOrder('env', ['A', 'C']),
        env: [{ name: 'C', value: '3' }, { name: 'B', $patch: 'delete' }],
      },
    ]);
    // As in apimachinery's "add map and delete map from merging list": the added item takes
    // the place the deleted one freed, after the server-only item.
    expect(at(result, 'spec', 'template', 'spec', 'containers', 0, 'env')).toEqual([
      { name: 'A', value: '1' },
      { name: 'INJECTED', value: 'x' },
      { name: 'C', value: '3' },
    ]);
  });

  it('changes a port: the old port goes (with its defaulted protocol), the new one comes', () => {
    const v1 = file();
    const v2 = file({ containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 8080 }] }] });
    const { patch, result } = kubectlApply(created(v1), v2);

    expect(at(patch, 'spec', 'template', 'spec', 'containers')).toEqual([
      {
        name: 'web',
        ...setOrder('ports', [8080], 'containerPort'),
        ports: [{ containerPort: 8080 }, { containerPort: 80, $patch: 'delete' }],
      },
    ]);
    expect(at(result, 'spec', 'template', 'spec', 'containers', 0, 'ports')).toEqual([{ containerPort: 8080 }]);
  });

  it('removes a label dropped from the file but keeps labels added by others', () => {
    const v1 = file({ labels: { app: 'web', tier: 'frontend' } });
    const live = created(v1);
    ((live['metadata'] as Doc)['labels'] as Doc)['team'] = 'payments'; // kubectl label
    const { patch, result } = kubectlApply(live, file({ labels: { app: 'web' } }));

    expect(at(patch, 'metadata', 'labels')).toEqual({ tier: null });
    expect(at(result, 'metadata', 'labels')).toEqual({ app: 'web', team: 'payments' });
  });

  it('keeps replicas set by kubectl scale when the file does not set them', () => {
    const live = created(file());
    (live['spec'] as Doc)['replicas'] = 5; // kubectl scale --replicas=5
    const v2 = file({ containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] });
    const { patch, result } = kubectlApply(live, v2);

    expect(at(patch, 'spec')).not.toHaveProperty('replicas');
    expect(at(result, 'spec', 'replicas')).toBe(5);
  });

  it('deletes replicas that the last-applied file set and the new file dropped', () => {
    const live = created(file({ replicas: 3 }));
    const { patch, result } = kubectlApply(live, file());
    expect(at(patch, 'spec', 'replicas')).toBeNull();
    expect(at(result, 'spec')).not.toHaveProperty('replicas');
  });

  it('switches the strategy to Recreate, clearing the defaulted rollingUpdate ($retainKeys)', () => {
    const { patch, result } = kubectlApply(created(file()), file({ strategy: { type: 'Recreate' } }));
    expect(at(patch, 'spec', 'strategy')).toEqual({ $retainKeys: ['type'], type: 'Recreate' });
    expect(at(result, 'spec', 'strategy')).toEqual({ type: 'Recreate' });
  });

  it('changes a volume source, dropping the old one ($retainKeys on list items)', () => {
    const v1 = file({ volumes: [{ name: 'data', emptyDir: {} }] });
    const v2 = file({ volumes: [{ name: 'data', configMap: { name: 'settings' } }] });
    const { patch, result } = kubectlApply(created(v1), v2);

    expect(at(patch, 'spec', 'template', 'spec')).toEqual({
      ...setOrder('volumes', ['data']),
      volumes: [{ name: 'data', $retainKeys: ['configMap', 'name'], configMap: { name: 'settings' }, emptyDir: null }],
    });
    expect(at(result, 'spec', 'template', 'spec', 'volumes')).toEqual([{ name: 'data', configMap: { name: 'settings' } }]);
  });

  it('replaces tolerations whole (no patch strategy)', () => {
    const v1 = file({ tolerations: [{ key: 'dedicated', value: 'a', effect: 'NoSchedule' }] });
    const v2 = file({ tolerations: [{ key: 'disktype', value: 'ssd', effect: 'NoSchedule' }] });
    const { result } = kubectlApply(created(v1), v2);
    expect(at(result, 'spec', 'template', 'spec', 'tolerations')).toEqual([{ key: 'disktype', value: 'ssd', effect: 'NoSchedule' }]);
  });

  it('merges finalizers as a set with one added by a controller', () => {
    const live = created(file({ finalizers: ['example.com/a'] }));
    ((live['metadata'] as Doc)['finalizers'] as string[]).push('controller.io/b');
    const { patch, result } = kubectlApply(live, file({ finalizers: ['example.com/a', 'example.com/c'] }));
    expect(at(patch, 'metadata', 'finalizers')).toEqual(['example.com/c']);
    expect(at(result, 'metadata', 'finalizers')).toEqual(['example.com/a', 'example.com/c', 'controller.io/b']);
  });

  it('leaves status and server-owned metadata alone', () => {
    const live = created(file());
    const { result } = kubectlApply(live, file({ labels: { app: 'web', v: '2' } }));
    expect(result['status']).toEqual(live['status']);
    expect(at(result, 'metadata', 'uid')).toBe('uid-1');
    expect(at(result, 'spec', 'revisionHistoryLimit')).toBe(10);
  });

  it('does not change its inputs', () => {
    const live = created(file());
    const before = JSON.stringify(live);
    kubectlApply(deepFreeze(live), file({ containers: [{ name: 'web', image: 'x' }] }));
    expect(JSON.stringify(live)).toBe(before);
  });
});

describe('kubectl patch on a Deployment (strategic merge)', () => {
  it('puts a new container before the existing ones (as kube-apiserver does)', () => {
    const live = created(file());
    const result = applyStrategicMergePatch(live, { spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] } } } }, deploymentMeta);
    expect(containers(result as Doc).map((c) => c['name'])).toEqual(['patch-demo-ctr-2', 'web']);
  });

  it('merges into an existing container by name', () => {
    const live = created(file());
    const result = applyStrategicMergePatch(live, { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } }, deploymentMeta);
    expect(containers(result as Doc)[0]).toMatchObject({ name: 'web', image: 'nginx:2', imagePullPolicy: 'IfNotPresent' });
  });

  it('replaces the container list with $patch: replace', () => {
    const live = created(file());
    const patch = { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'busybox' }] } } } };
    expect(containers(applyStrategicMergePatch(live, patch, deploymentMeta) as Doc)).toEqual([{ name: 'only', image: 'busybox' }]);
  });

  it('deletes a container with $patch: delete', () => {
    const live = created(file());
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', $patch: 'delete' }] } } } };
    expect(containers(applyStrategicMergePatch(live, patch, deploymentMeta) as Doc)).toEqual([]);
  });

  it('replaces tolerations with the patch list', () => {
    const live = created(file({ tolerations: [{ key: 'dedicated', value: 'test-team', effect: 'NoSchedule' }] }));
    const patch = { spec: { template: { spec: { tolerations: [{ key: 'disktype', value: 'ssd', effect: 'NoSchedule' }] } } } };
    const result = applyStrategicMergePatch(live, patch, deploymentMeta);
    expect(at(result, 'spec', 'template', 'spec', 'tolerations')).toEqual([{ key: 'disktype', value: 'ssd', effect: 'NoSchedule' }]);
  });
});

/** `$setElementOrder/<field>` with the given merge key values (or primitives when key is ''). */
function setOrder(field: string, values: unknown[], mergeKey = 'name'): Doc {
  return { [`$setElementOrder/${field}`]: mergeKey === '' ? values : values.map((v) => ({ [mergeKey]: v })) };
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}
