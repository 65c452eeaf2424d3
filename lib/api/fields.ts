// Field selectors as k8s.io/apimachinery/pkg/fields has them: `field=value`, `field==value`,
// `field!=value`, comma-separated, with `\,` `\=` `\\` escapes in values. Fields are compared
// as strings, an absent field being "". Error texts follow Kubernetes word for word.

import { SelectorParseError } from './labels.js';

export interface FieldRequirement {
  readonly field: string;
  /** '=' and '==' are the same test; '!=' its negation. */
  readonly operator: '=' | '==' | '!=';
  /** The value with its escapes resolved. */
  readonly value: string;
}

/** All requirements must hold (AND); none = everything. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

export const EVERY_FIELD: FieldSelector = Object.freeze({ requirements: Object.freeze([]) });

// Checked in this order at each position, so "a!=b" is a '!=' and "a==b" a '=='.
const termOperators = ['!=', '==', '='] as const;

/** Splits on commas that are not escaped by a backslash. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

function splitTerm(term: string): { field: string; operator: FieldRequirement['operator']; rest: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return { field: term.slice(0, i), operator: op, rest: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue: resolves `\\`, `\,`, `\=`; any other escape or a bare ',' or '=' is an error. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v, i.e. as its number.
      throw new SelectorParseError(`invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new SelectorParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** fields.EscapeValue: the inverse of unescapeFieldValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * fields.ParseSelector. Terms are sorted as text before parsing (so the first bad term in that
 * order is the one reported), empty terms are skipped, and nothing is trimmed: "a = b" selects
 * field "a " with value " b". Throws SelectorParseError.
 */
export function parseFieldSelector(text: string): FieldSelector {
  const parts = splitTerms(text).sort();
  const requirements: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const term = splitTerm(part);
    if (term === undefined) throw new SelectorParseError(`invalid selector: '${text}'; can't understand '${part}'`);
    requirements.push({ field: term.field, operator: term.operator, value: unescapeFieldValue(term.rest) });
  }
  return { requirements };
}

/** Whether every requirement holds; `get` returns a field's value, undefined when absent (compared as ""). */
export function matchesFields(sel: FieldSelector, get: (field: string) => string | undefined): boolean {
  return sel.requirements.every((r) => {
    const actual = get(r.field) ?? '';
    return r.operator === '!=' ? actual !== r.value : actual === r.value;
  });
}

/** The first field the selector uses that is not in `allowed` (for "field label not supported: <field>"). */
export function unsupportedField(sel: FieldSelector, allowed: readonly string[]): string | undefined {
  return sel.requirements.find((r) => !allowed.includes(r.field))?.field;
}

/** The value a selector requires `field` to equal, when it has an `=`/`==` term for it (RequiresExactMatch). */
export function requiredFieldValue(sel: FieldSelector, field: string): string | undefined {
  return sel.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
}

/** The form Kubernetes prints: `f=v` / `f!=v` ('==' prints as '='), values escaped, joined by ','. */
export function fieldSelectorToString(sel: FieldSelector): string {
  return sel.requirements.map((r) => `${r.field}${r.operator === '!=' ? '!=' : '='}${escapeFieldValue(r.value)}`).join(',');
}
