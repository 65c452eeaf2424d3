import { describe, expect, it } from 'vitest';
import type protobuf from 'protobufjs';
import { goJsonToMessage, messageToGoJson } from './go-json-codec.js';
import { k8sProtoRoot } from './k8s-proto-schema.js';
import { ProtobufDecodeError, ProtobufEncodeError } from './protobuf-errors.js';

const CORE = 'k8s.io.api.core.v1';
const APPS = 'k8s.io.api.apps.v1';
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

function type(name: string): protobuf.Type {
  return k8sProtoRoot().lookupType(name);
}

/** The JSON of a message that has exactly the given fields on the wire (as Go would write them). */
function jsonOfWire(typeName: string, fields: Record<string, unknown>): unknown {
  const t = type(typeName);
  const bytes = t.encode(t.fromObject(fields)).finish();
  return messageToGoJson(t, t.decode(bytes));
}

/** JSON → wire → plain object of the fields present on the wire. */
function wireOfJson(typeName: string, json: unknown): Record<string, unknown> {
  const t = type(typeName);
  const bytes = t.encode(goJsonToMessage(t, json)).finish();
  return t.toObject(t.decode(bytes), { longs: Number, bytes: String }) as Record<string, unknown>;
}

describe('messageToGoJson: Go value fields and omitempty', () => {
  it('drops zero omitempty scalars Go writes on the wire, keeps creationTimestamp as null', () => {
    const meta = { name: 'web', generateName: '', namespace: '', selfLink: '', uid: '', resourceVersion: '', generation: 0, creationTimestamp: {} };
    expect(jsonOfWire(`${META}.ObjectMeta`, meta)).toEqual({ name: 'web', creationTimestamp: null });
  });

  it.each([
    { name: 'pointer present with zero value', fields: { replicas: 0, selector: {}, template: {}, strategy: {} }, key: 'replicas', json: 0 },
    { name: 'pointer absent', fields: { selector: {}, template: {}, strategy: {} }, key: 'replicas', json: undefined },
    { name: 'omitempty value zero', fields: { minReadySeconds: 0, selector: {}, template: {}, strategy: {} }, key: 'minReadySeconds', json: undefined },
    { name: 'omitempty value non-zero', fields: { minReadySeconds: 5, selector: {}, template: {}, strategy: {} }, key: 'minReadySeconds', json: 5 },
    { name: 'bool value false', fields: { paused: false, selector: {}, template: {}, strategy: {} }, key: 'paused', json: undefined },
    { name: 'pointer struct without omitempty, absent', fields: { template: {}, strategy: {} }, key: 'selector', json: null },
  ])('DeploymentSpec: $name', ({ fields, key, json }) => {
    const out = jsonOfWire(`${APPS}.DeploymentSpec`, fields) as Record<string, unknown>;
    expect(out[key]).toEqual(json);
  });

  it.each([
    { name: 'no-omitempty scalar present as zero', typeName: `${CORE}.ContainerPort`, fields: { containerPort: 0, hostPort: 0, name: '' }, json: { containerPort: 0 } },
    { name: 'no-omitempty scalar absent', typeName: `${CORE}.ContainerPort`, fields: {}, json: { containerPort: 0 } },
    { name: 'no-omitempty string absent', typeName: `${CORE}.Container`, fields: {}, json: { name: '' } },
    { name: 'value struct present', typeName: `${CORE}.Container`, fields: { name: 'c', resources: {} }, json: { name: 'c', resources: {} } },
    { name: 'no-omitempty slice empty', typeName: `${CORE}.PodSpec`, fields: {}, json: { containers: null } },
    { name: 'no-omitempty slice of ClusterRole', typeName: 'k8s.io.api.rbac.v1.ClusterRole', fields: { metadata: { name: 'x' } }, json: { metadata: { name: 'x' }, rules: null } },
    { name: 'omitempty slice empty', typeName: `${CORE}.Capabilities`, fields: {}, json: {} },
    { name: 'pointer + no-omitempty string absent', typeName: `${CORE}.GRPCAction`, fields: { port: 9000 }, json: { port: 9000, service: null } },
    { name: 'pointer + no-omitempty string empty', typeName: `${CORE}.GRPCAction`, fields: { port: 9000, service: '' }, json: { port: 9000, service: '' } },
    { name: 'pointer bool false', typeName: `${CORE}.SecurityContext`, fields: { privileged: false, runAsNonRoot: true }, json: { privileged: false, runAsNonRoot: true } },
    { name: 'no-omitempty value struct absent', typeName: `${CORE}.Binding`, fields: { metadata: { name: 'p' } }, json: { metadata: { name: 'p' }, target: {} } },
    { name: 'no-omitempty Time absent', typeName: `${META}.Condition`, fields: { type: 'Ready', status: 'True' }, json: { type: 'Ready', status: 'True', lastTransitionTime: null, reason: '', message: '' } },
    { name: 'Go JSON name differing from the proto name', typeName: 'k8s.io.api.authentication.v1.BoundObjectReference', fields: { kind: 'Pod', uID: 'u-1' }, json: { kind: 'Pod', uid: 'u-1' } },
    { name: 'upper-case Go JSON name', typeName: `${CORE}.NodeDaemonEndpoints`, fields: { kubeletEndpoint: { Port: 10250 } }, json: { kubeletEndpoint: { Port: 10250 } } },
  ])('$name', ({ typeName, fields, json }) => {
    expect(jsonOfWire(typeName, fields)).toEqual(json);
  });
});

describe('messageToGoJson: inlined structs', () => {
  it('merges Volume.volumeSource and ConfigMapVolumeSource.localObjectReference', () => {
    const volume = { name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'app-config' }, defaultMode: 420, optional: false } } };
    expect(jsonOfWire(`${CORE}.Volume`, volume)).toEqual({ name: 'cfg', configMap: { name: 'app-config', defaultMode: 420, optional: false } });
  });

  it('merges Probe.handler', () => {
    const probe = { handler: { httpGet: { path: '/healthz', port: { type: 1, intVal: 0, strVal: 'http' }, scheme: 'HTTP' } }, periodSeconds: 10, timeoutSeconds: 0 };
    expect(jsonOfWire(`${CORE}.Probe`, probe)).toEqual({ httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 10 });
  });

  it('merges EphemeralContainer.ephemeralContainerCommon', () => {
    const ec = { ephemeralContainerCommon: { name: 'debug', image: 'busybox', stdin: true, resources: {} }, targetContainerName: 'app' };
    expect(jsonOfWire(`${CORE}.EphemeralContainer`, ec)).toEqual({ name: 'debug', image: 'busybox', stdin: true, resources: {}, targetContainerName: 'app' });
  });
});

describe('messageToGoJson: special types', () => {
  const port = (fields: Record<string, unknown>): unknown => (jsonOfWire(`${CORE}.ServicePort`, { port: 80, targetPort: fields }) as { targetPort: unknown }).targetPort;

  it.each([
    { fields: { type: 0, intVal: 8080, strVal: '' }, json: 8080 },
    { fields: { type: 1, intVal: 0, strVal: 'http' }, json: 'http' },
    { fields: { intVal: 9090 }, json: 9090 },
    { fields: {}, json: 0 },
  ])('IntOrString $fields → $json', ({ fields, json }) => {
    expect(port(fields)).toBe(json);
  });

  it('rejects an IntOrString of an unknown type', () => {
    expect(() => port({ type: 2 })).toThrow(ProtobufDecodeError);
    expect(() => port({ type: 2 })).toThrow('targetPort: impossible IntOrString.Type 2');
  });

  it('renders quantities as strings, an empty one as "0"', () => {
    const rr = { limits: { cpu: { string: '500m' }, memory: { string: '1Gi' } }, requests: { cpu: {} } };
    expect(jsonOfWire(`${CORE}.ResourceRequirements`, rr)).toEqual({ limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '0' } });
  });

  it('renders bytes maps as base64 and string maps as they are', () => {
    const secret = { metadata: { name: 's' }, data: { k: Buffer.from('v'), bin: Buffer.from([0xff, 0x00]) }, stringData: { a: 'b' }, type: 'Opaque' };
    expect(jsonOfWire(`${CORE}.Secret`, secret)).toEqual({ metadata: { name: 's' }, data: { k: 'dg==', bin: '/wA=' }, stringData: { a: 'b' }, type: 'Opaque' });
  });

  it.each([
    { name: 'zero time (empty message)', fields: {}, json: null },
    { name: 'epoch, written explicitly', fields: { seconds: 0, nanos: 0 }, json: '1970-01-01T00:00:00Z' },
    { name: 'sub-second part dropped', fields: { seconds: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000, nanos: 600_000_000 }, json: '2026-01-02T03:04:05Z' },
  ])('Time: $name', ({ fields, json }) => {
    expect((jsonOfWire(`${META}.ObjectMeta`, { creationTimestamp: fields }) as { creationTimestamp: unknown }).creationTimestamp).toEqual(json);
  });

  it('renders MicroTime with microseconds and Lease pointers', () => {
    const spec = { holderIdentity: 'node-a', leaseDurationSeconds: 40, renewTime: { seconds: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000, nanos: 123_456_789 }, leaseTransitions: 0 };
    expect(jsonOfWire('k8s.io.api.coordination.v1.LeaseSpec', spec)).toEqual({
      holderIdentity: 'node-a',
      leaseDurationSeconds: 40,
      renewTime: '2026-01-02T03:04:05.123456Z',
      leaseTransitions: 0,
    });
  });

  it('renders Duration as a Go duration string', () => {
    expect(jsonOfWire(`${META}.Duration`, { duration: 90_000_000_000 })).toBe('1m30s');
    expect(jsonOfWire(`${META}.Duration`, {})).toBe('0s');
  });

  it('embeds FieldsV1 and RawExtension JSON', () => {
    const entry = { manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { Raw: Buffer.from('{"f:metadata":{"f:labels":{}}}') } };
    expect(jsonOfWire(`${META}.ManagedFieldsEntry`, entry)).toEqual({ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } } });
    const rev = { metadata: { name: 'r1' }, data: { raw: Buffer.from('{"spec":{"x":1}}') }, revision: 3 };
    expect(jsonOfWire(`${APPS}.ControllerRevision`, rev)).toEqual({ metadata: { name: 'r1' }, data: { spec: { x: 1 } }, revision: 3 });
    expect(jsonOfWire(`${APPS}.ControllerRevision`, { metadata: { name: 'r0' }, data: {} })).toEqual({ metadata: { name: 'r0' }, data: null, revision: 0 });
  });

  it('rejects a RawExtension that is not JSON', () => {
    expect(() => jsonOfWire(`${APPS}.ControllerRevision`, { data: { raw: Buffer.from('\u0001not json') } })).toThrow('data: embedded object is not JSON');
  });

  it('renders int64 fields as numbers', () => {
    expect(jsonOfWire(`${META}.ObjectMeta`, { generation: 7, deletionGracePeriodSeconds: 0 })).toEqual({ generation: 7, deletionGracePeriodSeconds: 0 });
  });
});

describe('goJsonToMessage', () => {
  it('writes what is in the JSON, including zero pointers and null times', () => {
    const wire = wireOfJson(`${APPS}.Deployment`, { metadata: { name: 'web', creationTimestamp: null }, spec: { replicas: 0, template: { spec: { containers: [] } } } });
    expect(wire).toEqual({ metadata: { name: 'web', creationTimestamp: {} }, spec: { replicas: 0, template: { spec: {} } } });
  });

  it('writes IntOrString, Quantity, Time and base64 bytes in their wire forms', () => {
    expect(wireOfJson(`${CORE}.ServicePort`, { port: 80, targetPort: 'http' })).toEqual({ port: 80, targetPort: { type: 1, intVal: 0, strVal: 'http' } });
    expect(wireOfJson(`${CORE}.ServicePort`, { port: 80, targetPort: 8080 })).toEqual({ port: 80, targetPort: { type: 0, intVal: 8080, strVal: '' } });
    expect(wireOfJson(`${CORE}.EmptyDirVolumeSource`, { sizeLimit: '1Gi' })).toEqual({ sizeLimit: { string: '1Gi' } });
    expect(wireOfJson(`${CORE}.ConfigMap`, { binaryData: { b: '/wA=' } })).toEqual({ binaryData: { b: Buffer.from([0xff, 0]).toString('base64') } });
    expect(wireOfJson(`${META}.ObjectMeta`, { creationTimestamp: '2026-01-02T03:04:05Z' })).toEqual({
      creationTimestamp: { seconds: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000, nanos: 0 },
    });
  });

  it('splits inlined fields back into their struct', () => {
    expect(wireOfJson(`${CORE}.Volume`, { name: 'v', secret: { secretName: 's', defaultMode: 256 } })).toEqual({ name: 'v', volumeSource: { secret: { secretName: 's', defaultMode: 256 } } });
    expect(wireOfJson(`${CORE}.SecretKeySelector`, { name: 's', key: 'k' })).toEqual({ localObjectReference: { name: 's' }, key: 'k' });
  });

  it('drops fields the message does not have, as Go does', () => {
    expect(wireOfJson(`${CORE}.Namespace`, { metadata: { name: 'n' }, bogus: 1 })).toEqual({ metadata: { name: 'n' } });
  });

  it.each([
    { json: { spec: { replicas: '2' } }, message: 'spec.replicas: expected an integer, got string "2"' },
    { json: { spec: { replicas: 2 ** 31 } }, message: 'spec.replicas: expected an integer in [-2147483648, 2147483647], got number 2147483648' },
    { json: { metadata: { labels: ['a'] } }, message: 'metadata.labels: expected an object, got an array' },
    { json: { metadata: { labels: { a: 1 } } }, message: 'metadata.labels[a]: expected a string, got number 1' },
    { json: { metadata: { creationTimestamp: 'yesterday' } }, message: 'metadata.creationTimestamp: expected an RFC 3339 time, got string "yesterday"' },
    { json: { spec: { template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 1.5 }] }] } } } }, message: 'spec.template.spec.containers[0].ports[0].containerPort: expected an integer, got number 1.5' },
    { json: { spec: { strategy: { rollingUpdate: { maxSurge: true } } } }, message: 'spec.strategy.rollingUpdate.maxSurge: expected an int32 or a string, got boolean true' },
    { json: { spec: 'x' }, message: 'spec: expected an object, got string "x"' },
  ])('rejects $message', ({ json, message }) => {
    const t = type(`${APPS}.Deployment`);
    expect(() => goJsonToMessage(t, json)).toThrow(ProtobufEncodeError);
    expect(() => goJsonToMessage(t, json)).toThrow(message);
  });

  it('rejects bytes that are not base64', () => {
    expect(() => goJsonToMessage(type(`${CORE}.Secret`), { data: { k: 'not base64!' } })).toThrow('data[k]: expected a base64 string');
  });
});
