import { describe, expect, it } from 'vitest';
import type { ApiResource } from './api-resource.js';
import { groupKindLower, groupResource, resourcePath } from './api-resource.js';
import { parseResourceList } from './discovery.js';
import { UnknownResourceError, resolveKind, resolveResource, resourcesInCategory } from './resolve-resource.js';

function res(group: string, version: string, kind: string, resource: string, o: Partial<ApiResource> = {}): ApiResource {
  return { group, version, kind, resource, singular: kind.toLowerCase(), namespaced: true, shortNames: [], categories: [], verbs: [], subresources: [], preferred: true, ...o };
}

const RESOURCES: ApiResource[] = [
  res('', 'v1', 'Pod', 'pods', { shortNames: ['po'], categories: ['all'] }),
  res('', 'v1', 'Service', 'services', { shortNames: ['svc'], categories: ['all'] }),
  res('', 'v1', 'Event', 'events', { shortNames: ['ev'] }),
  res('', 'v1', 'Namespace', 'namespaces', { shortNames: ['ns'], namespaced: false }),
  res('apps', 'v1', 'Deployment', 'deployments', { shortNames: ['deploy'], categories: ['all'] }),
  res('events.k8s.io', 'v1', 'Event', 'events', { shortNames: ['ev'] }),
  res('networking.istio.io', 'v1', 'Gateway', 'gateways', { shortNames: ['gw'] }),
  res('networking.istio.io', 'v1beta1', 'Gateway', 'gateways', { shortNames: ['gw'], preferred: false }),
  res('networking.istio.io', 'v1', 'VirtualService', 'virtualservices', { shortNames: ['vs'] }),
];

const key = (r: ApiResource): string => `${r.resource}.${r.version}.${r.group}`;

describe('resolveResource', () => {
  it.each([
    ['pods', 'pods.v1.'],
    ['pod', 'pods.v1.'],
    ['po', 'pods.v1.'],
    ['Pod', 'pods.v1.'],
    ['deploy', 'deployments.v1.apps'],
    ['Deployment', 'deployments.v1.apps'],
    ['deployments.apps', 'deployments.v1.apps'],
    ['deployments.v1.apps', 'deployments.v1.apps'],
    ['deployment.apps', 'deployments.v1.apps'],
    ['gw', 'gateways.v1.networking.istio.io'],
    ['gateways.v1beta1.networking.istio.io', 'gateways.v1beta1.networking.istio.io'],
    ['gateway.networking.istio.io', 'gateways.v1.networking.istio.io'],
    ['vs', 'virtualservices.v1.networking.istio.io'],
    // Core wins over other groups for the same name, as kubectl's priority RESTMapper does.
    ['events', 'events.v1.'],
    ['ev', 'events.v1.'],
    ['events.events.k8s.io', 'events.v1.events.k8s.io'],
  ])('%s → %s', (arg, want) => {
    expect(key(resolveResource(RESOURCES, arg))).toBe(want);
  });

  it('reports unknown types with kubectl\'s message', () => {
    expect(() => resolveResource(RESOURCES, 'foo')).toThrow(UnknownResourceError);
    expect(() => resolveResource(RESOURCES, 'foo')).toThrow('the server doesn\'t have a resource type "foo"');
    expect(() => resolveResource(RESOURCES, 'pods.nope')).toThrow('the server doesn\'t have a resource type "pods.nope"');
  });
});

describe('resolveKind', () => {
  it('finds the exact group version kind', () => {
    expect(key(resolveKind(RESOURCES, 'networking.istio.io/v1beta1', 'Gateway'))).toBe('gateways.v1beta1.networking.istio.io');
    expect(key(resolveKind(RESOURCES, 'v1', 'Namespace'))).toBe('namespaces.v1.');
    expect(() => resolveKind(RESOURCES, 'apps/v2', 'Deployment')).toThrow('no matches for kind "Deployment" in version "apps/v2"');
  });
});

describe('names and paths', () => {
  it('formats kubectl names and REST paths', () => {
    const deploy = resolveResource(RESOURCES, 'deploy');
    const ns = resolveResource(RESOURCES, 'ns');
    expect(groupResource(deploy)).toBe('deployments.apps');
    expect(groupKindLower(deploy)).toBe('deployment.apps');
    expect(groupKindLower(ns)).toBe('namespace');
    expect(resourcePath(deploy, { namespace: 'demo', name: 'web', subresource: 'scale' })).toBe('/apis/apps/v1/namespaces/demo/deployments/web/scale');
    expect(resourcePath(deploy, { namespace: '' })).toBe('/apis/apps/v1/deployments');
    expect(resourcePath(ns, { namespace: 'ignored', name: 'demo' })).toBe('/api/v1/namespaces/demo');
  });

  it('lists a category in discovery order', () => {
    expect(resourcesInCategory(RESOURCES, 'all').map((r) => r.resource)).toEqual(['pods', 'services', 'deployments']);
  });
});

describe('parseResourceList', () => {
  it('folds subresources into their parents', () => {
    const list = parseResourceList(
      {
        kind: 'APIResourceList',
        resources: [
          { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['get'], shortNames: ['deploy'], categories: ['all'] },
          { name: 'deployments/scale', singularName: '', namespaced: true, kind: 'Scale', verbs: ['get'] },
          { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get'] },
        ],
      },
      'apps',
      'v1',
      true,
    );
    expect(list).toEqual([res('apps', 'v1', 'Deployment', 'deployments', { shortNames: ['deploy'], categories: ['all'], verbs: ['get'], subresources: ['scale', 'status'] })]);
  });
});
