// Errors of the Kubernetes protobuf codec. The HTTP layer turns a ProtobufDecodeError into a
// 400 for the client's body; a ProtobufEncodeError means the server holds an object that does
// not fit its kind's schema (a bug, or a kind without a protobuf form).

/** A request body that is not a well-formed Kubernetes protobuf message of a known kind. */
export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
}

/** A JSON object that cannot be written as its kind's protobuf message. */
export class ProtobufEncodeError extends Error {
  override readonly name = 'ProtobufEncodeError';
}
