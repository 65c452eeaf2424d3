import { describe, expect, it } from 'vitest';
import { requestInfo } from './request-info.js';

const q = (s = ''): URLSearchParams => new URLSearchParams(s);

describe('requestInfo', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods', '', { verb: 'list', group: '', version: 'v1', namespace: 'default', resource: 'pods', name: '', subresource: '' }],
    ['GET', '/api/v1/namespaces/default/pods', 'watch=true', { verb: 'watch', resource: 'pods', namespace: 'default' }],
    ['GET', '/api/v1/pods', '', { verb: 'list', namespace: '', resource: 'pods' }],
    ['GET', '/api/v1/namespaces/default/pods/web-1', '', { verb: 'get', name: 'web-1' }],
    ['PUT', '/api/v1/namespaces/default/pods/web-1/status', '', { verb: 'update', name: 'web-1', subresource: 'status' }],
    ['POST', '/api/v1/namespaces/default/pods/web-1/binding', '', { verb: 'create', subresource: 'binding' }],
    ['DELETE', '/api/v1/namespaces/default/pods', '', { verb: 'deletecollection' }],
    ['GET', '/api/v1/namespaces/default', '', { verb: 'get', resource: 'namespaces', name: 'default', namespace: '' }],
    ['GET', '/api/v1/namespaces', '', { verb: 'list', resource: 'namespaces', name: '' }],
    ['PUT', '/api/v1/namespaces/default/status', '', { verb: 'update', resource: 'namespaces', name: 'default', subresource: 'status' }],
    ['PATCH', '/apis/apps/v1/namespaces/demo/deployments/web/scale', '', { verb: 'patch', group: 'apps', version: 'v1', namespace: 'demo', resource: 'deployments', name: 'web', subresource: 'scale' }],
    ['GET', '/apis/apps/v1/watch/namespaces/demo/deployments', '', { verb: 'watch', resource: 'deployments', namespace: 'demo' }],
    ['GET', '/apis/networking.istio.io/v1beta1/virtualservices', '', { verb: 'list', group: 'networking.istio.io', version: 'v1beta1' }],
  ])('%s %s?%s', (method, path, query, want) => {
    const info = requestInfo(method, path, q(query));
    expect(info.isResourceRequest).toBe(true);
    expect(info).toMatchObject(want);
  });

  it.each([['/api'], ['/api/v1'], ['/apis'], ['/apis/apps'], ['/apis/apps/v1'], ['/version'], ['/healthz'], ['/openapi/v2']])('%s is not a resource request', (path) => {
    expect(requestInfo('GET', path, q())).toEqual({ isResourceRequest: false, verb: 'get', path });
  });
});
