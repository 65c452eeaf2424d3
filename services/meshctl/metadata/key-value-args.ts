// The KEY=VALUE and KEY- arguments of label and annotate, after the resource arguments.
import { isValidLabelValue } from '../../../lib/api/name-validation.js';
import { CliError } from '../errors.js';

export interface KeyValueChanges {
  /** In argument order. */
  set: [string, string][];
  remove: string[];
}

/** cmdutil.GetResourcesAndPairs: resource arguments first, then the pairs. */
export function splitResourcesAndPairs(args: readonly string[], pairType: string): { resources: string[]; pairs: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const s of args) {
    const isPair = (s.includes('=') && !s.startsWith('=')) || (s.endsWith('-') && s !== '-');
    if (isPair) pairs.push(s);
    else if (pairs.length > 0) throw new CliError(`all resources must be specified before ${pairType} changes: ${s}`);
    else resources.push(s);
  }
  return { resources, pairs };
}

export function parseChanges(pairs: readonly string[], kind: 'label' | 'annotation'): KeyValueChanges {
  const out: KeyValueChanges = { set: [], remove: [] };
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq > 0) {
      const key = p.slice(0, eq);
      const value = p.slice(eq + 1);
      // Like kubectl, only label values are checked here; the server judges keys.
      if (kind === 'label') {
        const valueErrs = isValidLabelValue(value);
        if (valueErrs.length > 0) throw new CliError(`invalid label value: ${JSON.stringify(p)}: ${valueErrs.join(';')}`);
      }
      out.set.push([key, value]);
    } else if (p.endsWith('-')) out.remove.push(p.slice(0, -1));
    else throw new CliError(`invalid ${kind} format: ${p}`);
  }
  for (const [k] of out.set) {
    if (out.remove.includes(k)) throw new CliError(`can not both modify and remove ${kind === 'label' ? 'a label' : 'an annotation'} in the same command`);
  }
  return out;
}
