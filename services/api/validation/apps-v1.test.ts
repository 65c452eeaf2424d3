import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { fieldErrorText } from '../../../lib/api/field-errors.js';
import type { KindKey } from '../registry/resources.js';
import { applyDefaults } from '../defaults/index.js';
import { validateCreate, validateUpdate } from './index.js';
import { at, invalidText, notSupportedText } from './test-support.js';

type Obj = KubeObject;

function workload(kind: 'Deployment' | 'ReplicaSet'): Obj {
  const o = {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'web', namespace: 'default', resourceVersion: '1' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  } as unknown as Obj;
  applyDefaults(`apps/${kind}`, o);
  return o;
}

const texts = (key: KindKey, o: KubeObject) => validateCreate(key, o).map(fieldErrorText);

describe.each(['Deployment', 'ReplicaSet'] as const)('%s validation', (kind) => {
  const key: KindKey = `apps/${kind}`;

  it('accepts a valid, defaulted object', () => {
    expect(texts(key, workload(kind))).toEqual([]);
  });

  it.each<[string, (o: Obj) => void, string]>([
    ['replicas >= 0', (o) => (at(o, 'spec').replicas = -1), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    ['selector required', (o) => delete at(o, 'spec').selector, 'spec.selector: Required value'],
    ['selector not empty', (o) => (at(o, 'spec').selector = {}), invalidText('spec.selector', {}, 'empty selector is invalid for deployment')],
    [
      'selector matches the template',
      (o) => (at(o, 'spec', 'selector').matchLabels = { app: 'api' }),
      invalidText('spec.template.metadata.labels', {"app":"web","tier":"front"}, '`selector` does not match template `labels`'),
    ],
    [
      'selector expressions',
      (o) => (at(o, 'spec').selector = { matchExpressions: [{ key: 'app', operator: 'Has' }] }),
      'spec.selector.matchExpressions[0].operator: Invalid value: "Has": not a valid selector operator',
    ],
    ['template labels', (o) => (at(o, 'spec', 'template', 'metadata', 'labels')['bad key'] = 'x'), 'spec.template.labels: Invalid value: "bad key"'],
    [
      'template restartPolicy',
      (o) => (at(o, 'spec', 'template', 'spec').restartPolicy = 'Never'),
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ],
    ['template containers', (o) => (at(o, 'spec', 'template', 'spec').containers = []), 'spec.template.spec.containers: Required value'],
    [
      'template activeDeadlineSeconds',
      (o) => (at(o, 'spec', 'template', 'spec').activeDeadlineSeconds = 30),
      'spec.template.spec.activeDeadlineSeconds: Invalid value: 30: activeDeadlineSeconds in ReplicaSet is not Supported',
    ],
    ['minReadySeconds >= 0', (o) => (at(o, 'spec').minReadySeconds = -2), 'spec.minReadySeconds: Invalid value: -2: must be greater than or equal to 0'],
  ])('%s', (_name, mutate, expected) => {
    const o = workload(kind);
    mutate(o);
    const got = texts(key, o);
    expect(got.find((t) => t === expected || t.startsWith(`${expected}: `)), got.join('\n')).toBeDefined();
  });

  it('keeps the selector on update', () => {
    const old = workload(kind);
    const now = workload(kind);
    at(now, 'spec').selector = { matchLabels: { app: 'web', tier: 'front' } };
    expect(validateUpdate(key, now, old).map(fieldErrorText)).toEqual([
      invalidText('spec.selector', {"matchLabels":{"app":"web","tier":"front"}}, 'field is immutable'),
    ]);
    const scaled = workload(kind);
    at(scaled, 'spec').replicas = 10;
    expect(validateUpdate(key, scaled, old)).toEqual([]);
  });
});

describe('Deployment strategy and limits', () => {
  const key: KindKey = 'apps/Deployment';
  it.each<[string, (o: Obj) => void, string]>([
    [
      'strategy type',
      (o) => (at(o, 'spec').strategy = { type: 'BlueGreen' }),
      notSupportedText('spec.strategy', {'type':'BlueGreen'}, ['Recreate', 'RollingUpdate']),
    ],
    [
      'Recreate without rollingUpdate',
      (o) => (at(o, 'spec', 'strategy').type = 'Recreate'),
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ],
    [
      'maxUnavailable and maxSurge not both 0',
      (o) => (at(o, 'spec', 'strategy').rollingUpdate = { maxUnavailable: 0, maxSurge: '0%' }),
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
    ],
    [
      'percent format',
      (o) => (at(o, 'spec', 'strategy', 'rollingUpdate').maxSurge = '25 percent'),
      `spec.strategy.rollingUpdate.maxSurge: Invalid value: "25 percent": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    ],
    ['negative ints', (o) => (at(o, 'spec', 'strategy', 'rollingUpdate').maxSurge = -1), 'spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0'],
    [
      'maxUnavailable at most 100%',
      (o) => (at(o, 'spec', 'strategy', 'rollingUpdate').maxUnavailable = '120%'),
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "120%": must not be greater than 100%',
    ],
    ['revisionHistoryLimit >= 0', (o) => (at(o, 'spec').revisionHistoryLimit = -1), 'spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0'],
    [
      'progressDeadlineSeconds > minReadySeconds',
      (o) => {
        at(o, 'spec').minReadySeconds = 600;
        at(o, 'spec').progressDeadlineSeconds = 600;
      },
      'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds',
    ],
  ])('%s', (_name, mutate, expected) => {
    const o = workload('Deployment');
    mutate(o);
    expect(texts(key, o)).toEqual([expected]);
  });
});
