import { describe, expect, it } from 'vitest';
import { fixtureService, fixtureSlice } from './fixtures.js';
import { servicePorts } from './service-port.js';

describe('servicePorts', () => {
  const svc = fixtureService('ns', 'web', '10.96.0.5', [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }]);

  it('matches slice ports by name and keeps ready endpoints (nil ready counts as ready)', () => {
    const slice = fixtureSlice('ns', 'web', 'web-1', [{ name: 'http', port: 8080 }], [{ ip: '10.244.1.3' }, { ip: '10.244.1.2', ready: true }, { ip: '10.244.1.4', ready: false }]);
    const [http, metrics] = servicePorts(svc, [slice]);
    expect(http?.endpoints).toEqual([{ ip: '10.244.1.2', port: 8080 }, { ip: '10.244.1.3', port: 8080 }]);
    expect(metrics?.endpoints).toEqual([]);
    expect(http?.id).toBe('ns/web:http');
  });

  it('falls back to serving+terminating endpoints only when none is ready', () => {
    const term = { ip: '10.244.1.7', ready: false, serving: true, terminating: true };
    const notServing = { ip: '10.244.1.8', ready: false, serving: false, terminating: true };
    const only = fixtureSlice('ns', 'web', 'a', [{ name: 'http', port: 80 }], [term, notServing]);
    expect(servicePorts(svc, [only])[0]?.endpoints.map((e) => e.ip)).toEqual(['10.244.1.7']);
    const withReady = fixtureSlice('ns', 'web', 'b', [{ name: 'http', port: 80 }], ['10.244.1.9']);
    expect(servicePorts(svc, [only, withReady])[0]?.endpoints.map((e) => e.ip)).toEqual(['10.244.1.9']);
  });

  it('ignores headless and ExternalName services; reads NodePort and ClientIP affinity', () => {
    expect(servicePorts(fixtureService('ns', 'h', 'None', [{ port: 80 }]), [])).toEqual([]);
    expect(servicePorts(fixtureService('ns', 'x', '10.96.0.9', [{ port: 80 }], { type: 'ExternalName' }), [])).toEqual([]);
    const np = servicePorts(fixtureService('ns', 'n', '10.96.0.6', [{ port: 80, nodePort: 30080 }], { type: 'NodePort', sessionAffinity: 'ClientIP' }), [])[0];
    expect(np?.nodePort).toBe(30080);
    expect(np?.affinityTimeoutSeconds).toBe(10800);
    const t = servicePorts(fixtureService('ns', 'n', '10.96.0.6', [{ port: 80 }], { sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 60 }), [])[0];
    expect(t?.affinityTimeoutSeconds).toBe(60);
    expect(t?.nodePort).toBeUndefined();
  });
});
