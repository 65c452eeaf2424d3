// The "live object" of a create, as kube-apiserver's field manager sees it: the Go zero value of
// the kind, converted to JSON. Its value structs are present (`spec: {}`) and its lists without
// omitempty are null (`containers: null`), so a create's managed fields record "f:spec" without
// "." but "f:labels" with it. CRD-served kinds start from an empty object.
import { isRecord } from '../../../lib/api/object.js';
import type { Schema } from '../schema/dsl.js';
import { schemaFor } from '../schema/kind-schemas.js';
import { resolveSchema } from './resolve-schema.js';
import type { KubeObject } from '../../../lib/api/object.js';

/** Struct fields the Go types hold by value (not pointer), below a kind's spec and status. */
const VALUE_STRUCT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'io.k8s.api.core.v1.PodTemplateSpec': ['metadata', 'spec'],
  'io.k8s.api.apps.v1.DeploymentSpec': ['template', 'strategy'],
  'io.k8s.api.apps.v1.ReplicaSetSpec': ['template'],
  'io.k8s.api.apps.v1.StatefulSetSpec': ['template', 'updateStrategy'],
  'io.k8s.api.apps.v1.DaemonSetSpec': ['template', 'updateStrategy'],
  'io.k8s.api.core.v1.ServiceStatus': ['loadBalancer'],
  'io.k8s.api.core.v1.NodeStatus': ['daemonEndpoints', 'nodeInfo'],
  'io.k8s.api.core.v1.NodeDaemonEndpoints': ['kubeletEndpoint'],
};

/** Top-level fields every built-in kind holds by value. */
const KIND_VALUE_STRUCTS: readonly string[] = ['metadata', 'spec', 'status'];

function isGranularContainer(s: Schema): boolean {
  if (s.type === 'array') return s['x-kubernetes-list-type'] !== 'atomic';
  return (s.properties !== undefined || s.additionalProperties !== undefined) && s['x-kubernetes-map-type'] !== 'atomic';
}

function zeroStruct(schema: Schema, valueFields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = schema.properties ?? {};
  for (const [name, field] of Object.entries(properties)) {
    const { schema: target, definition } = resolveSchema(field);
    if (valueFields.includes(name) && target.properties) {
      out[name] = zeroStruct(target, (definition && VALUE_STRUCT_FIELDS[definition]) || []);
    } else if (schema.required?.includes(name) && isGranularContainer(target)) {
      // A required (non-omitempty) slice or map is null in the zero value.
      out[name] = null;
    }
  }
  return out;
}

/** The zero object of a kind as the create path compares against; {} for unknown and CRD kinds. */
export function zeroObject(group: string, version: string, kind: string): Record<string, unknown> {
  const ks = schemaFor(group, version, kind);
  const typeMeta = { apiVersion: group === '' ? version : `${group}/${version}`, kind };
  if (!ks || ks.custom) return typeMeta;
  const valueFields = [...KIND_VALUE_STRUCTS, ...(VALUE_STRUCT_FIELDS[ks.name] ?? [])];
  return { ...typeMeta, ...zeroStruct(resolveSchema(ks.schema).schema, valueFields) };
}

/** True when `obj` looks like a stored object (it has a uid), i.e. the write is not a create. */
export function isStored(obj: KubeObject | undefined): boolean {
  return obj !== undefined && isRecord(obj.metadata) && typeof obj.metadata.uid === 'string' && obj.metadata.uid !== '';
}
