// Why a patch could not be applied or computed, and the response kube-apiserver gives for it.
// The patch handler (k8s.io/apiserver endpoints/handlers/patch.go) maps failures like this:
//  - a JSON patch body that does not decode, a malformed strategic-merge directive
//    ($retainKeys, $setElementOrder, $deleteFromPrimitiveList) or a non-object document:
//    400 BadRequest with the error text;
//  - a JSON patch operation that cannot be applied (missing path, bad index, failed "test"):
//    422 Invalid via NewGenericServerResponse, whose message is the fixed text below and whose
//    details are empty; the evanphx/json-patch text (e.g. `add operation does not apply: doc is
//    missing path: "/spec/foo": missing value`) is not sent to the client;
//  - more than 10000 JSON patch operations: 413 "Request entity too large: The allowed maximum
//    operations in a JSON patch is 10000, got N";
//  - a list of lists in a strategic merge patch: 422 like a failed JSON patch;
//  - any other strategic-merge failure (element without its merge key, unknown $patch value...):
//    passed up unwrapped, which the apiserver answers as 500 with no reason and the Go error
//    text as the message. Here it is 400 BadRequest with the same text: the cause is the
//    request, and bad input never gets a 5xx from us.
import { StatusError } from '../status-error.js';

export type PatchErrorReason =
  /** The patch document itself is malformed: 400 BadRequest. */
  | 'bad-request'
  /** A JSON patch operation (or SMP list of lists) cannot be applied: 422 Invalid, generic text. */
  | 'invalid'
  /** A JSON patch "test" operation failed: 422 Invalid, generic text (as 'invalid'). */
  | 'conflict'
  /** More JSON patch operations than the apiserver accepts: 413. */
  | 'too-large'
  /** A strategic merge failure the apiserver does not classify: 500, no reason, message verbatim. */
  | 'unclassified';

/** The message kube-apiserver sends with a 422 for a JSON patch that cannot be applied. */
export const JSON_PATCH_REJECTED_MESSAGE = 'the server rejected our request due to an error in our request';

export class PatchError extends Error {
  override readonly name = 'PatchError';

  constructor(
    readonly reason: PatchErrorReason,
    message: string,
  ) {
    super(message);
  }

  /** The API error kube-apiserver answers with for this failure. */
  toStatusError(): StatusError {
    switch (this.reason) {
      case 'bad-request':
        return new StatusError(400, 'BadRequest', this.message);
      case 'invalid':
      case 'conflict':
        return new StatusError(422, 'Invalid', JSON_PATCH_REJECTED_MESSAGE, {});
      case 'too-large':
        return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: ${this.message}`);
      case 'unclassified':
        // Kubernetes answers these with a reasonless 500; the cause is the request, so (as the
        // issue requires: bad input never gets a 5xx) we answer 400 with the same message.
        return new StatusError(400, 'BadRequest', this.message);
    }
  }
}


export function isPatchError(e: unknown): e is PatchError {
  return e instanceof PatchError;
}
