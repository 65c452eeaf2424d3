// --validate: what the server should do with unknown or duplicate fields (fieldValidation).
import { CliError } from '../errors.js';

export function fieldValidationOf(flag: string | undefined): 'Strict' | 'Warn' | 'Ignore' {
  switch ((flag ?? 'strict').toLowerCase()) {
    case 'strict':
    case 'true':
      return 'Strict';
    case 'warn':
      return 'Warn';
    case 'ignore':
    case 'false':
      return 'Ignore';
    default:
      throw new CliError(`invalid - validate option "${flag ?? ''}"; must be one of: strict (or true), warn, ignore (or false)`);
  }
}
