// API errors as Kubernetes sends them: an HTTP code and a metav1.Status body with a reason,
// a message and details. Handlers throw StatusError; the server's edge turns it into the
// response. Messages follow apimachinery's api/errors word for word, since kubectl prints them.
import type { ListMeta, Status, StatusCause, StatusDetails } from './object.js';
import { aggregateFieldErrors, fieldErrorBody } from './field-errors.js';
import type { FieldError } from './field-errors.js';

/** A group and resource ("deployments" in "apps"), as in Kubernetes' GroupResource. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A group and kind ("Deployment" in "apps"). */
export interface GroupKind {
  group: string;
  kind: string;
}

export function groupResourceText(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

export function groupKindText(gk: GroupKind): string {
  return gk.group === '' ? gk.kind : `${gk.kind}.${gk.group}`;
}

/** One API error: code, reason, message and details of a metav1.Status. */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  /** ListMeta of the Status, e.g. a fresh continue token with a 410 for an expired one. */
  listMeta: ListMeta = {};

  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: { ...this.listMeta }, status: 'Failure', message: this.message, code: this.code };
    if (this.reason !== '') s.reason = this.reason;
    if (this.details) s.details = this.details;
    return s;
  }
}

function grDetails(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = {};
  if (name !== '') d.name = name;
  if (gr.group !== '') d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

export const Errors = {
  notFound: (gr: GroupResource, name: string): StatusError =>
    new StatusError(404, 'NotFound', `${groupResourceText(gr)} "${name}" not found`, grDetails(gr, name)),

  alreadyExists: (gr: GroupResource, name: string): StatusError =>
    new StatusError(409, 'AlreadyExists', `${groupResourceText(gr)} "${name}" already exists`, grDetails(gr, name)),

  conflict: (gr: GroupResource, name: string, why: string): StatusError =>
    new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${groupResourceText(gr)} "${name}": ${why}`, grDetails(gr, name)),

  /** The optimistic-concurrency conflict: the update carried a stale resourceVersion. */
  staleUpdate: (gr: GroupResource, name: string): StatusError =>
    Errors.conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again'),

  invalid: (gk: GroupKind, name: string, errs: readonly FieldError[]): StatusError => {
    const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
    const details: StatusDetails = { name };
    if (gk.group !== '') details.group = gk.group;
    details.kind = gk.kind;
    details.causes = causes;
    const what = `${groupKindText(gk)} "${name}" is invalid`;
    return new StatusError(422, 'Invalid', errs.length === 0 ? what : `${what}: ${aggregateFieldErrors(errs)}`, details);
  },

  badRequest: (message: string, causes?: StatusCause[]): StatusError =>
    new StatusError(400, 'BadRequest', message, causes ? { causes } : undefined),

  unauthorized: (message = 'Unauthorized'): StatusError => new StatusError(401, 'Unauthorized', message),

  forbidden: (gr: GroupResource, name: string, why: string): StatusError => {
    const what = name === '' ? groupResourceText(gr) : `${groupResourceText(gr)} "${name}"`;
    return new StatusError(403, 'Forbidden', `${what} is forbidden: ${why}`, grDetails(gr, name));
  },

  methodNotSupported: (gr: GroupResource, verb: string): StatusError =>
    new StatusError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${groupResourceText(gr)}"`, grDetails(gr, '')),

  notAcceptable: (message: string): StatusError => new StatusError(406, 'NotAcceptable', message),

  /** 410: the requested resourceVersion has been compacted away. */
  gone: (message: string): StatusError => new StatusError(410, 'Expired', message),

  /** The watch/list form of 410 Gone, with Kubernetes' message. */
  resourceVersionTooOld: (requested: string, oldest: number): StatusError =>
    Errors.gone(`too old resource version: ${requested} (${oldest})`),

  tooLarge: (limit: number): StatusError =>
    new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`),

  unsupportedMediaType: (contentType: string, supported: readonly string[]): StatusError =>
    new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')}`, {
      causes: [{ reason: 'UnexpectedServerResponse', message: contentType }],
    }),

  tooManyRequests: (message: string, retryAfterSeconds: number): StatusError =>
    new StatusError(429, 'TooManyRequests', message, { retryAfterSeconds }),

  internal: (message: string): StatusError =>
    new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),

  serviceUnavailable: (message: string): StatusError => new StatusError(503, 'ServiceUnavailable', message),

  timeout: (message: string, retryAfterSeconds = 0): StatusError =>
    new StatusError(504, 'Timeout', message, { retryAfterSeconds }),
};
