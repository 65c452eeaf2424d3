// Kubernetes' protobuf wire format for built-in kinds (k8s.io/apimachinery/pkg/runtime/
// serializer/protobuf): the magic bytes "k8s\0", then a runtime.Unknown whose typeMeta names
// the kind and whose raw holds the object's own message (k8s.io/api/<group>/<version>).
// Typed Go clients (kubectl's create/rollout/scale/drain/token commands, controllers) send
// their bodies this way; the API server keeps objects as JSON, so bodies are converted to
// exactly the JSON the Go types would produce (see go-json-codec.ts).
import type { KubeObject } from '../../../lib/api/object.js';
import { goJsonToMessage, messageToGoJson } from './go-json-codec.js';
import { messageTypeForKind, unknownEnvelopeType } from './k8s-proto-schema.js';
import { ProtobufDecodeError, ProtobufEncodeError } from './protobuf-errors.js';

export { ProtobufDecodeError, ProtobufEncodeError } from './protobuf-errors.js';

/** The media type of Kubernetes protobuf bodies. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** "k8s\0", the prefix of every Kubernetes protobuf body. */
export const PROTOBUF_MAGIC: Readonly<Buffer> = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** True for a Content-Type of application/vnd.kubernetes.protobuf (any parameters). */
export function isProtobufContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return (contentType.split(';', 1)[0] ?? '').trim().toLowerCase() === PROTOBUF_MEDIA_TYPE;
}

/** A decoded body: the kind it names and the object as Kubernetes JSON (kind and apiVersion included). */
export interface DecodedProtobuf {
  apiVersion: string;
  kind: string;
  object: Record<string, unknown>;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function stringField(fields: Record<string, unknown>, name: string): string {
  const v = fields[name];
  return typeof v === 'string' ? v : '';
}

/** Decodes a protobuf body into Kubernetes JSON; throws ProtobufDecodeError when it is not one. */
export function decodeK8sProtobuf(body: Buffer): DecodedProtobuf {
  if (body.length < PROTOBUF_MAGIC.length || !body.subarray(0, PROTOBUF_MAGIC.length).equals(PROTOBUF_MAGIC)) {
    throw new ProtobufDecodeError(`provided data does not appear to be a protobuf message, expected prefix [${[...PROTOBUF_MAGIC].join(' ')}]`);
  }
  let envelope: Record<string, unknown>;
  try {
    envelope = unknownEnvelopeType().decode(body.subarray(PROTOBUF_MAGIC.length)) as unknown as Record<string, unknown>;
  } catch (err) {
    throw new ProtobufDecodeError(`malformed protobuf envelope (runtime.Unknown): ${errorText(err)}`);
  }
  const typeMeta = (envelope['typeMeta'] ?? {}) as Record<string, unknown>;
  const apiVersion = stringField(typeMeta, 'apiVersion');
  const kind = stringField(typeMeta, 'kind');
  if (kind === '') throw new ProtobufDecodeError("Object 'Kind' is missing in the protobuf envelope");
  if (apiVersion === '') throw new ProtobufDecodeError("Object 'apiVersion' is missing in the protobuf envelope");
  const contentEncoding = stringField(envelope, 'contentEncoding');
  if (contentEncoding !== '') throw new ProtobufDecodeError(`unsupported content encoding "${contentEncoding}" in the protobuf envelope`);
  const contentType = stringField(envelope, 'contentType');
  if (contentType !== '' && contentType !== PROTOBUF_MEDIA_TYPE) {
    throw new ProtobufDecodeError(`unsupported content type "${contentType}" in the protobuf envelope`);
  }
  const type = messageTypeForKind(apiVersion, kind);
  if (!type) throw new ProtobufDecodeError(`no kind "${kind}" is registered for version "${apiVersion}"`);
  const rawValue = envelope['raw'];
  const raw = rawValue instanceof Uint8Array ? rawValue : new Uint8Array(0);
  let message;
  try {
    message = type.decode(raw);
  } catch (err) {
    throw new ProtobufDecodeError(`malformed ${kind} (${apiVersion}) message: ${errorText(err)}`);
  }
  const json = messageToGoJson(type, message) as Record<string, unknown>;
  return { apiVersion, kind, object: { kind, apiVersion, ...json } };
}

/** Encodes an object of a built-in kind as a protobuf body; throws ProtobufEncodeError when it cannot. */
export function encodeK8sProtobuf(obj: KubeObject): Buffer {
  const type = messageTypeForKind(obj.apiVersion, obj.kind);
  if (!type) throw new ProtobufEncodeError(`no kind "${obj.kind}" is registered for version "${obj.apiVersion}"`);
  const raw = type.encode(goJsonToMessage(type, obj)).finish();
  const envelope = unknownEnvelopeType();
  const unknown = envelope.fromObject({
    typeMeta: { apiVersion: obj.apiVersion, kind: obj.kind },
    raw,
    contentEncoding: '',
    contentType: '',
  });
  return Buffer.concat([PROTOBUF_MAGIC, envelope.encode(unknown).finish()]);
}
