// Small valid objects of the kinds most tests write, as plain JSON bodies, and the REST
// collection paths they are created under. Tests break them on purpose from this known-good
// starting point.

export type JsonObject = Record<string, unknown>;

export function configMap(name: string, data: Record<string, string> = { greeting: 'hello' }): JsonObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

/** A Deployment whose pods run a "web" container, followed by any `sidecars`. */
export function deployment(name: string, sidecars: readonly JsonObject[] = []): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }, ...sidecars] },
      },
    },
  };
}

export function pod(name: string): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
  };
}

export function service(name: string): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

export function virtualService(name: string): JsonObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name },
    spec: {
      hosts: ['reviews'],
      http: [
        {
          match: [{ uri: { prefix: '/api' } }],
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 75 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 25 },
          ],
          timeout: '5s',
        },
      ],
    },
  };
}

export function destinationRule(name: string): JsonObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name },
    spec: {
      host: 'reviews',
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
      ],
    },
  };
}

/** The collection path of a namespaced resource: "/api/v1/namespaces/ns/pods", "/apis/apps/v1/...". */
export function collectionPath(apiVersion: string, resource: string, namespace: string): string {
  const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${prefix}/namespaces/${namespace}/${resource}`;
}
