// Acceptance: bad input. Malformed, invalid, mistyped and oversized requests get the answer
// kube-apiserver v1.32 gives (HTTP code, Status reason, message, causes naming the field),
// nothing is written, and the server keeps serving. Plain HTTPS so bodies and headers are seen
// exactly; the real kubectl where what it prints is the point.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, Status, StatusCause } from '../../lib/api/object.js';
import { ApiCluster } from '../support/api-cluster.js';
import { KubeHttpsClient, isFailureStatus } from '../support/kube-https.js';
import type { KubeResponse } from '../support/kube-https.js';
import type { JsonObject } from '../support/valid-objects.js';
import { collectionPath, configMap, deployment, destinationRule, pod, service, virtualService } from '../support/valid-objects.js';

const NS = 'default';
const CONFIGMAPS = collectionPath('v1', 'configmaps', NS);
const PODS = collectionPath('v1', 'pods', NS);
const SERVICES = collectionPath('v1', 'services', NS);
const DEPLOYMENTS = collectionPath('apps/v1', 'deployments', NS);
const VIRTUALSERVICES = collectionPath('networking.istio.io/v1', 'virtualservices', NS);
const DESTINATIONRULES = collectionPath('networking.istio.io/v1', 'destinationrules', NS);

/** kube-apiserver's default --max-request-bytes-ish limit on a request body (3 MiB). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** The Go type json.Unmarshal names when a body is not an object (SimpleMetaFactory.Interpret). */
const FIND_KIND_TYPE = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';
const LABEL_VALUE_REGEX_ERROR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const DNS1123_SUBDOMAIN_ERROR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

let c: ApiCluster;
let api: KubeHttpsClient;
/** Objects that failed updates must leave untouched. */
let victimConfigMap: KubeObject;
let victimDeployment: KubeObject;

beforeAll(async () => {
  c = await ApiCluster.start();
  api = new KubeHttpsClient(c.url(0), c.certDir, 8);
  victimConfigMap = created(await send('POST', CONFIGMAPS, configMap('victim')));
  victimDeployment = created(await send('POST', DEPLOYMENTS, deployment('victim')));
}, 120_000);

afterAll(async () => {
  api?.close();
  await c?.destroy();
}, 60_000);

afterEach(async () => {
  await expectServing();
});

// ---- helpers ----------------------------------------------------------------------------

function describeResponse(r: KubeResponse): string {
  return `HTTP ${r.status}: ${r.text.slice(0, 3000)}`;
}

/** Sends a JSON-encoded object, or a string/Buffer body as is. */
function send(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse> {
  return api.request({ method, path, body, contentType, timeoutMs: 60_000 });
}

function created(r: KubeResponse): KubeObject {
  expect(r.status, describeResponse(r)).toBe(201);
  return r.json as KubeObject;
}

type Failure = Status & { message: string; reason: string };

/** Asserts an error answer: the code, a JSON metav1.Status with that code, and its reason. */
function failure(r: KubeResponse, code: number, reason: string): Failure {
  const context = describeResponse(r);
  expect(r.status, context).toBe(code);
  expect(r.headers['content-type'], context).toBe('application/json');
  expect(isFailureStatus(r.json, code), context).toBe(true);
  const s = r.json as Failure;
  expect(s.reason, context).toBe(reason);
  return s;
}

function causes(s: Status): StatusCause[] {
  return s.details?.causes ?? [];
}

/** A 422 Invalid with Kubernetes' details: name, group (omitted for core), kind and causes. */
function invalid(r: KubeResponse, group: string, kind: string, name: string): Failure {
  const s = failure(r, 422, 'Invalid');
  const context = describeResponse(r);
  expect(s.details?.name, context).toBe(name);
  expect(s.details?.group, context).toBe(group === '' ? undefined : group);
  expect(s.details?.kind, context).toBe(kind);
  expect(causes(s).length, context).toBeGreaterThan(0);
  return s;
}

async function expectServing(): Promise<void> {
  expect(c.isRunning(0), c.logTail(0)).toBe(true);
  const r = await api.get('/readyz');
  expect(r.status, describeResponse(r)).toBe(200);
  expect(r.text).toBe('ok');
}

/** Nothing was stored under that name: GET answers 404 NotFound. */
async function expectAbsent(collection: string, resourceText: string, name: string): Promise<void> {
  const r = await api.get(`${collection}/${encodeURIComponent(name)}`);
  const s = failure(r, 404, 'NotFound');
  expect(s.message).toBe(`${resourceText} "${name}" not found`);
}

/** The object is exactly as it was (same resourceVersion, same content). */
async function expectUnchanged(collection: string, before: KubeObject): Promise<void> {
  const r = await api.get(`${collection}/${before.metadata.name ?? ''}`);
  expect(r.status, describeResponse(r)).toBe(200);
  const now = r.json as KubeObject;
  expect(now.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  expect(now).toEqual(before);
}

/** handlers.summarizeData: how kube-apiserver quotes an undecodable body (30 bytes, hex unless it starts with '{'). */
function summarize(body: string): string {
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length === 0) return '<empty>';
  const head = bytes.subarray(0, 30);
  const text = body.startsWith('{') ? head.toString('utf8') : head.toString('hex');
  return bytes.length > 30 ? `${text} ...` : text;
}

function unrecognized(kind: string, error: string, body: string): string {
  return `the object provided is unrecognized (must be of type ${kind}): ${error} (${summarize(body)})`;
}

function withSpec(obj: JsonObject, edit: (spec: Record<string, unknown>) => void): JsonObject {
  const copy = structuredClone(obj);
  edit(copy.spec as Record<string, unknown>);
  return copy;
}

// ---- tests ------------------------------------------------------------------------------

describe('malformed bodies are 400 BadRequest', () => {
  it('refuses truncated JSON', async () => {
    const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"truncated"';
    const s = failure(await send('POST', CONFIGMAPS, body), 400, 'BadRequest');
    expect(s.message).toBe(unrecognized('ConfigMap', "couldn't get version/kind; json parse error: unexpected end of JSON input", body));
    await expectAbsent(CONFIGMAPS, 'configmaps', 'truncated');
  });

  it('refuses JSON with a syntax error', async () => {
    const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bad-json",}}';
    const s = failure(await send('POST', CONFIGMAPS, body), 400, 'BadRequest');
    expect(s.message).toBe(
      unrecognized('ConfigMap', "couldn't get version/kind; json parse error: invalid character '}' looking for beginning of object key string", body),
    );
    await expectAbsent(CONFIGMAPS, 'configmaps', 'bad-json');
  });

  it('refuses malformed YAML sent as application/yaml', async () => {
    const body = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: bad-yaml', 'data:', '  a: b: c', ''].join('\n');
    const s = failure(await send('POST', CONFIGMAPS, body, 'application/yaml'), 400, 'BadRequest');
    // The YAML is converted to JSON before anything else: sigs.k8s.io/yaml reports go-yaml's error.
    // go-yaml's wording ("mapping values are not allowed in this context") is not reproduced; the
    // shape, the line and the quoted body are.
    expect(s.message.startsWith('the object provided is unrecognized (must be of type ConfigMap): yaml: line 6: '), s.message).toBe(true);
    expect(s.message.endsWith(`(${summarize(body)})`), s.message).toBe(true);
    await expectAbsent(CONFIGMAPS, 'configmaps', 'bad-yaml');
  });

  it('refuses bodies that are a JSON array or a JSON string', async () => {
    for (const [body, jsonType] of [
      ['[1,2,3]', 'array'],
      ['"a ConfigMap, honestly"', 'string'],
    ] as const) {
      const s = failure(await send('POST', CONFIGMAPS, body), 400, 'BadRequest');
      expect(s.message).toBe(
        unrecognized('ConfigMap', `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonType} into Go value of type ${FIND_KIND_TYPE}`, body),
      );
    }
    const list = await api.get(CONFIGMAPS);
    expect(list.status).toBe(200);
    expect((list.json as { items: KubeObject[] }).items.map((o) => o.metadata.name)).toEqual(['victim']);
  });

  it('leaves the object unchanged when an update or patch body is malformed', async () => {
    const path = `${CONFIGMAPS}/victim`;
    const truncated = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"victim"},"data":{"greeting":';
    const put = failure(await send('PUT', path, truncated), 400, 'BadRequest');
    expect.soft(put.message).toBe(unrecognized('ConfigMap', "couldn't get version/kind; json parse error: unexpected end of JSON input", truncated));
    failure(await send('PATCH', path, '{"data":{"greeting":', 'application/merge-patch+json'), 400, 'BadRequest');
    failure(await send('PATCH', path, '{"data":', 'application/strategic-merge-patch+json'), 400, 'BadRequest');
    failure(await send('PATCH', path, '[{"op":"replace","path":"/data/greeting",', 'application/json-patch+json'), 400, 'BadRequest');
    await expectUnchanged(CONFIGMAPS, victimConfigMap);
  });
});

describe('unknown resources and mismatched kinds', () => {
  it('answers 404 NotFound for unknown resource paths', async () => {
    const requests: [string, string][] = [
      ['POST', '/apis/apps/v1/namespaces/default/frobs'],
      ['GET', '/apis/apps/v1/namespaces/default/frobs'],
      ['GET', '/apis/apps/v1/namespaces/default/frobs/one'],
      ['POST', '/apis/frobs.example.com/v1/namespaces/default/frobs'],
      ['POST', '/api/v1/namespaces/default/frobs'],
    ];
    for (const [method, path] of requests) {
      const body = method === 'POST' ? { apiVersion: 'apps/v1', kind: 'Frob', metadata: { name: 'one' } } : undefined;
      const s = failure(await send(method, path, body), 404, 'NotFound');
      expect(s.message, `${method} ${path}`).toBe('the server could not find the requested resource');
      expect(s.details, `${method} ${path}`).toEqual({});
    }
  });

  it('refuses a body of another kind than the URL names', async () => {
    const sts = { ...deployment('wrong-kind'), kind: 'StatefulSet' };
    const s = failure(await send('POST', DEPLOYMENTS, sts), 400, 'BadRequest');
    // Decoded as what the body says it is, then it cannot be converted into a Deployment.
    expect(s.message.startsWith('StatefulSet in version "v1" cannot be handled as a Deployment: '), s.message).toBe(true);
    await expectAbsent(DEPLOYMENTS, 'deployments.apps', 'wrong-kind');
  });

  it('refuses a body of another version than the URL names', async () => {
    const old = { ...deployment('wrong-version'), apiVersion: 'apps/v1beta2' };
    const s = failure(await send('POST', DEPLOYMENTS, old), 400, 'BadRequest');
    expect(s.message).toBe('the API version in the data (apps/v1beta2) does not match the expected API version (apps/v1)');
    await expectAbsent(DEPLOYMENTS, 'deployments.apps', 'wrong-version');
  });

  it('refuses a namespace or name that differs from the URL', async () => {
    const elsewhere = configMap('elsewhere');
    (elsewhere.metadata as Record<string, unknown>).namespace = 'kube-system';
    const ns = failure(await send('POST', CONFIGMAPS, elsewhere), 400, 'BadRequest');
    expect(ns.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
    await expectAbsent(CONFIGMAPS, 'configmaps', 'elsewhere');

    const renamed = { ...victimConfigMap, metadata: { ...victimConfigMap.metadata, name: 'other-name' } };
    const name = failure(await send('PUT', `${CONFIGMAPS}/victim`, renamed), 400, 'BadRequest');
    expect(name.message).toBe('the name of the object (other-name) does not match the name on the URL (victim)');
    await expectUnchanged(CONFIGMAPS, victimConfigMap);
    await expectAbsent(CONFIGMAPS, 'configmaps', 'other-name');
  });
});

describe('missing required fields are 422 Invalid naming the field', () => {
  it('refuses a Deployment without spec.selector', async () => {
    const body = withSpec(deployment('no-selector'), (spec) => delete spec.selector);
    const s = invalid(await send('POST', DEPLOYMENTS, body), 'apps', 'Deployment', 'no-selector');
    expect(s.message.startsWith('Deployment.apps "no-selector" is invalid: '), s.message).toBe(true);
    expect(s.message).toContain('spec.selector: Required value');
    expect(causes(s)).toContainEqual({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' });
    await expectAbsent(DEPLOYMENTS, 'deployments.apps', 'no-selector');
  });

  it('refuses a Pod without containers, and kubectl prints the field', async () => {
    const body = withSpec(pod('no-containers'), (spec) => {
      spec.containers = [];
    });
    const s = invalid(await send('POST', PODS, body), '', 'Pod', 'no-containers');
    expect(s.message).toBe('Pod "no-containers" is invalid: spec.containers: Required value');
    expect(causes(s)).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }]);
    await expectAbsent(PODS, 'pods', 'no-containers');

    const viaKubectl = withSpec(pod('kubectl-no-containers'), (spec) => {
      spec.containers = [];
    });
    const r = await c.kubectl(['create', '-n', NS, '-f', '-'], { input: JSON.stringify(viaKubectl) });
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stderr.trim()).toBe('The Pod "kubectl-no-containers" is invalid: spec.containers: Required value');
    await expectAbsent(PODS, 'pods', 'kubectl-no-containers');
  });

  it('refuses a container without an image', async () => {
    const body = withSpec(pod('no-image'), (spec) => {
      spec.containers = [{ name: 'web' }];
    });
    const s = invalid(await send('POST', PODS, body), '', 'Pod', 'no-image');
    expect(s.message).toBe('Pod "no-image" is invalid: spec.containers[0].image: Required value');
    expect(causes(s)).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }]);
    await expectAbsent(PODS, 'pods', 'no-image');
  });

  it('refuses a ClusterIP Service without ports', async () => {
    const body = withSpec(service('no-ports'), (spec) => delete spec.ports);
    const s = invalid(await send('POST', SERVICES, body), '', 'Service', 'no-ports');
    expect(s.message).toBe('Service "no-ports" is invalid: spec.ports: Required value');
    expect(causes(s)).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports' }]);
    await expectAbsent(SERVICES, 'services', 'no-ports');
  });
});

describe('invalid metadata is 422 Invalid naming the field', () => {
  it('refuses a label value of 70 characters', async () => {
    const value = 'a'.repeat(70);
    const body = configMap('long-label');
    (body.metadata as Record<string, unknown>).labels = { app: value };
    const s = invalid(await send('POST', CONFIGMAPS, body), '', 'ConfigMap', 'long-label');
    const cause = `Invalid value: "${value}": must be no more than 63 characters`;
    expect(s.message).toBe(`ConfigMap "long-label" is invalid: metadata.labels: ${cause}`);
    expect(causes(s)).toEqual([{ reason: 'FieldValueInvalid', message: cause, field: 'metadata.labels' }]);
    await expectAbsent(CONFIGMAPS, 'configmaps', 'long-label');
  });

  it('refuses a label value with spaces, on create and on patch', async () => {
    const body = configMap('spaced-label');
    (body.metadata as Record<string, unknown>).labels = { app: 'has spaces' };
    const cause = `Invalid value: "has spaces": ${LABEL_VALUE_REGEX_ERROR}`;
    const s = invalid(await send('POST', CONFIGMAPS, body), '', 'ConfigMap', 'spaced-label');
    expect(s.message).toBe(`ConfigMap "spaced-label" is invalid: metadata.labels: ${cause}`);
    expect(causes(s)).toEqual([{ reason: 'FieldValueInvalid', message: cause, field: 'metadata.labels' }]);
    await expectAbsent(CONFIGMAPS, 'configmaps', 'spaced-label');

    const patch = { metadata: { labels: { app: 'has spaces' } } };
    const p = invalid(await send('PATCH', `${CONFIGMAPS}/victim`, patch, 'application/merge-patch+json'), '', 'ConfigMap', 'victim');
    expect(p.message).toBe(`ConfigMap "victim" is invalid: metadata.labels: ${cause}`);
    await expectUnchanged(CONFIGMAPS, victimConfigMap);
  });

  it('refuses an invalid name', async () => {
    const s = invalid(await send('POST', CONFIGMAPS, configMap('Bad_Name')), '', 'ConfigMap', 'Bad_Name');
    const cause = `Invalid value: "Bad_Name": ${DNS1123_SUBDOMAIN_ERROR}`;
    expect(s.message).toBe(`ConfigMap "Bad_Name" is invalid: metadata.name: ${cause}`);
    expect(causes(s)).toEqual([{ reason: 'FieldValueInvalid', message: cause, field: 'metadata.name' }]);
    await expectAbsent(CONFIGMAPS, 'configmaps', 'Bad_Name');
  });
});

describe('type errors and unknown fields', () => {
  const replicasError =
    'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32';

  it('refuses a string where an integer belongs, as Go decoding words it', async () => {
    const body = withSpec(deployment('three'), (spec) => {
      spec.replicas = 'three';
    });
    const s = failure(await send('POST', DEPLOYMENTS, body), 400, 'BadRequest');
    expect(s.message).toBe(replicasError);
    await expectAbsent(DEPLOYMENTS, 'deployments.apps', 'three');

    const update = { ...victimDeployment, spec: { ...(victimDeployment.spec as Record<string, unknown>), replicas: 'three' } };
    const u = failure(await send('PUT', `${DEPLOYMENTS}/victim`, update), 400, 'BadRequest');
    expect(u.message).toBe(replicasError);
    await expectUnchanged(DEPLOYMENTS, victimDeployment);

    const r = await c.kubectl(['create', '-n', NS, '-f', '-'], { input: JSON.stringify(body) });
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stderr.trim()).toBe(`Error from server (BadRequest): error when creating "STDIN": ${replicasError}`);
    await expectAbsent(DEPLOYMENTS, 'deployments.apps', 'three');
  });

  it('refuses unknown fields under fieldValidation=Strict', async () => {
    const body = withSpec(deployment('strict-foo'), (spec) => {
      spec.foo = 'bar';
    });
    const s = failure(await send('POST', `${DEPLOYMENTS}?fieldValidation=Strict`, body), 400, 'BadRequest');
    expect(s.message).toBe('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"');
    await expectAbsent(DEPLOYMENTS, 'deployments.apps', 'strict-foo');

    const kubectlBody = withSpec(deployment('kubectl-strict-foo'), (spec) => {
      spec.foo = 'bar';
    });
    const r = await c.kubectl(['create', '--validate=strict', '-n', NS, '-f', '-'], { input: JSON.stringify(kubectlBody) });
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"',
    );
    await expectAbsent(DEPLOYMENTS, 'deployments.apps', 'kubectl-strict-foo');
  });

  it('accepts unknown fields with a Warning header under Warn, the default', async () => {
    const body = withSpec(deployment('warn-foo'), (spec) => {
      spec.foo = 'bar';
    });
    const r = await send('POST', DEPLOYMENTS, body);
    const obj = created(r);
    expect(r.headers.warning).toBe('299 - "unknown field \\"spec.foo\\""');
    expect((obj.spec as Record<string, unknown>).foo).toBeUndefined();

    const kubectlBody = withSpec(deployment('kubectl-warn-foo'), (spec) => {
      spec.foo = 'bar';
    });
    const k = await c.kubectl(['create', '--validate=warn', '-n', NS, '-f', '-'], { input: JSON.stringify(kubectlBody) });
    expect(k.exitCode, k.stderr).toBe(0);
    expect(k.stdout).toBe('deployment.apps/kubectl-warn-foo created'); // execa drops the final newline
    expect(k.stderr).toBe('Warning: unknown field "spec.foo"');
  });

  it('warns about unknown fields with non-ASCII or control characters in their names', async () => {
    // The warning is Go-quoted (strconv.Quote of `unknown field %q`) and sent as UTF-8 bytes;
    // Node reads header bytes as latin1, so they are turned back into UTF-8 here.
    const cases: [string, string, string][] = [
      ['unicode-field', '日本語', '299 - "unknown field \\"日本語\\""'],
      ['tab-field', 'a\tb', '299 - "unknown field \\"a\\\\tb\\""'],
    ];
    for (const [name, field, header] of cases) {
      const r = await send('POST', CONFIGMAPS, { ...configMap(name), [field]: 1 });
      created(r);
      const warning = r.headers.warning;
      expect(typeof warning, field).toBe('string');
      expect(Buffer.from(String(warning), 'latin1').toString('utf8'), field).toBe(header);
    }
  });
});

describe('oversized objects', () => {
  it('refuses a body over the request size limit with 413, and the connection still works', async () => {
    // One connection of its own: after answering early, the server must either read the rest
    // of the body or close the connection; either way the next request there is answered.
    const single = new KubeHttpsClient(c.url(0), c.certDir, 1);
    try {
      const body = JSON.stringify(configMap('four-mib', { blob: 'x'.repeat(4 * 1024 * 1024) }));
      const s = failure(await single.request({ method: 'POST', path: CONFIGMAPS, body, timeoutMs: 30_000 }), 413, 'RequestEntityTooLarge');
      expect(s.message).toBe(`Request entity too large: limit is ${MAX_BODY_BYTES}`);
      const next = await single
        .request({ method: 'GET', path: '/readyz', timeoutMs: 5_000 })
        .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      expect(next instanceof Error ? `no answer to the request after the 413: ${next.message}` : next.status).toBe(200);
    } finally {
      single.close();
    }
    await expectAbsent(CONFIGMAPS, 'configmaps', 'four-mib');
  });

  it('refuses a ConfigMap holding more than 1 MiB with 422', async () => {
    const body = configMap('big', { blob: 'x'.repeat(Math.round(1.2 * 1024 * 1024)) });
    // validation.ValidateConfigMap reports the whole object (field.NewPath(""), printed "[]").
    const s = invalid(await send('POST', CONFIGMAPS, body), '', 'ConfigMap', 'big');
    expect(s.message).toBe('ConfigMap "big" is invalid: []: Too long: may not be more than 1048576 bytes');
    expect(causes(s)).toEqual([{ reason: 'FieldValueTooLong', message: 'Too long: may not be more than 1048576 bytes', field: '[]' }]);
    await expectAbsent(CONFIGMAPS, 'configmaps', 'big');
  });
});

describe('bad query parameters are 400 BadRequest', () => {
  it('refuses a label selector that does not parse', async () => {
    const s = failure(await api.get(`${PODS}?labelSelector=${encodeURIComponent('a in (')}`), 400, 'BadRequest');
    expect(s.message).toBe("unable to parse requirement: found '', expected: ',', ')' or identifier");
  });

  it('refuses a field selector on a field the kind does not support', async () => {
    const pods = failure(await api.get(`${PODS}?fieldSelector=${encodeURIComponent('spec.foo=bar')}`), 400, 'BadRequest');
    expect(pods.message).toBe('field label not supported: spec.foo');
    // Kinds without their own field label conversion fall back to metadata.name/namespace only.
    const deploys = failure(await api.get(`${DEPLOYMENTS}?fieldSelector=${encodeURIComponent('spec.replicas=1')}`), 400, 'BadRequest');
    expect(deploys.message).toBe('"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });
});

describe('Istio kinds are validated with field paths', () => {
  it('refuses a VirtualService whose route weights sum to 90', async () => {
    const body = withSpec(virtualService('bad-weights'), (spec) => {
      const http = spec.http as { route: { weight: number }[] }[];
      const route = http[0]?.route ?? [];
      if (route[0]) route[0].weight = 60;
      if (route[1]) route[1].weight = 30;
    });
    const s = invalid(await send('POST', VIRTUALSERVICES, body), 'networking.istio.io', 'VirtualService', 'bad-weights');
    expect(s.message.startsWith('VirtualService.networking.istio.io "bad-weights" is invalid: '), s.message).toBe(true);
    const weight = causes(s).find((x) => x.message?.includes('total destination weight 90 != 100'));
    expect(weight, JSON.stringify(causes(s))).toBeDefined();
    expect(weight?.reason).toBe('FieldValueInvalid');
    expect(weight?.field ?? '').toMatch(/^spec\.http\[0\]\.route/);
    await expectAbsent(VIRTUALSERVICES, 'virtualservices.networking.istio.io', 'bad-weights');
  });

  it('refuses a DestinationRule with duplicate subset names', async () => {
    const body = withSpec(destinationRule('dup-subsets'), (spec) => {
      spec.subsets = [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v1', labels: { version: 'v2' } },
      ];
    });
    const s = invalid(await send('POST', DESTINATIONRULES, body), 'networking.istio.io', 'DestinationRule', 'dup-subsets');
    expect(s.message.startsWith('DestinationRule.networking.istio.io "dup-subsets" is invalid: '), s.message).toBe(true);
    const dup = causes(s).find((x) => x.message?.includes('duplicate subset names: v1'));
    expect(dup, JSON.stringify(causes(s))).toBeDefined();
    expect(dup?.field ?? '').toMatch(/^spec\.subsets\[1\]/);
    await expectAbsent(DESTINATIONRULES, 'destinationrules.networking.istio.io', 'dup-subsets');
  });
});
