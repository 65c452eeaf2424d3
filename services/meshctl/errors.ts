// How meshctl reports failures, in kubectl's words: "Error from server (Reason): message" for
// API errors, "error: message" for the client's own.
import { ApiError, ConnectionError, InvalidConfigurationError } from '../../lib/api/kube-client/index.js';

/** A failure of the command itself, printed as "error: <message>". */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** A malformed flag or flag value; printed as cobra does, "Error: ..." plus a pointer to --help. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

/** Several failures, each printed on its own line (kubectl's aggregate errors). */
export class MultipleErrors extends Error {
  override readonly name = 'MultipleErrors';
  constructor(readonly errors: readonly unknown[]) {
    super(errors.map(messageForError).join('\n'));
  }
}

/** The same API error with a prefix on its message, e.g. `error when creating "f.yaml": `. */
export function withPrefix(err: unknown, prefix: string): unknown {
  if (err instanceof ApiError) return new ApiError({ ...err.status, message: `${prefix}${err.message}` });
  if (err instanceof Error && !(err instanceof ConnectionError)) return new CliError(`${prefix}${err.message}`);
  return err;
}

/** kubectl's text for an Invalid error: the kind and name, then each cause's field and message. */
function invalidText(err: ApiError): string {
  const d = err.details;
  if (d === undefined) return 'The request is invalid';
  let s = 'The request is invalid';
  if ((d.kind ?? '') !== '' || (d.name ?? '') !== '') s = `The ${d.kind ?? ''} ${JSON.stringify(d.name ?? '')} is invalid`;
  else if ((d.causes?.[0]?.field ?? '') !== '') s = `The request is invalid: ${d.causes?.[0]?.field ?? ''}`;
  const causes = (d.causes ?? []).map((c) => `${c.field ?? ''}: ${c.message ?? ''}`);
  if (causes.length === 0) return s;
  if (causes.length === 1) return `${s}: ${causes[0] ?? ''}`;
  return `${s}: \n${causes.map((c) => `* ${c}`).join('\n')}`;
}

/** What kubectl prints for the error a command ends with (its checkErr); `verb` for flag errors. */
export function finalErrorText(err: unknown, verb = ''): string {
  if (err instanceof FlagError) return `Error: ${err.message}\nSee 'meshctl ${verb} --help' for usage.`;
  const single = err instanceof MultipleErrors && err.errors.length === 1 ? err.errors[0] : err;
  if (single instanceof ApiError && single.reason === 'Invalid') return invalidText(single);
  return errorLine(single);
}

/** An error inside an aggregate: API and connection errors as usual, others without "error: ". */
function messageForError(err: unknown): string {
  if (err instanceof ApiError || err instanceof ConnectionError) return errorLine(err);
  return err instanceof Error ? err.message : String(err);
}

/** kubectl's StandardErrorMessage. */
export function errorLine(err: unknown): string {
  if (err instanceof MultipleErrors) return err.message;
  if (err instanceof ApiError) {
    if (err.reason === 'Unauthorized') return `error: You must be logged in to the server (${err.message})`;
    return err.reason !== '' ? `Error from server (${err.reason}): ${err.message}` : `Error from server: ${err.message}`;
  }
  if (err instanceof ConnectionError) return err.message;
  if (err instanceof InvalidConfigurationError) return `Error in configuration: ${err.message}`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}
