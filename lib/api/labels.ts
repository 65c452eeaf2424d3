// Label selectors as k8s.io/apimachinery/pkg/labels and the metav1 LabelSelector helpers have
// them: the string grammar clients send in ?labelSelector=, matching, the canonical string
// form, conversion from metav1.LabelSelector objects, and validation of labels, annotations
// and label selectors inside objects. Error texts follow Kubernetes word for word.

import { isRecord } from './object.js';
import { isQualifiedName, isValidLabelValue, TOTAL_ANNOTATION_SIZE_LIMIT_B, annotationsSize } from './name-validation.js';
import { aggregateFieldErrors, fieldErrors } from './field-errors.js';
import type { FieldError, FieldPath } from './field-errors.js';

/**
 * Kubernetes' selection operators, spelled as selection.Operator spells them:
 * '=' / '==' / '!=' take one value, 'in' / 'notin' a non-empty set, 'exists' / '!' (does not
 * exist) none, 'gt' / 'lt' one integer.
 */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/**
 * All requirements must hold (AND). No requirements = matches everything. `nothing: true` is
 * labels.Nothing(): matches no labels at all (what a null metav1.LabelSelector means); its
 * requirements are then ignored.
 */
export interface LabelSelector {
  readonly requirements: readonly Requirement[];
  readonly nothing?: true;
}

export const EVERYTHING: LabelSelector = Object.freeze({ requirements: Object.freeze([]) });
export const NOTHING: LabelSelector = Object.freeze({ requirements: Object.freeze([]), nothing: true });

/** A label or field selector that does not parse or validate; the message is Kubernetes'. */
export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
}

/** labels.Selector.Empty(): true when the selector does not restrict anything. */
export function isEverything(sel: LabelSelector): boolean {
  return sel.nothing !== true && sel.requirements.length === 0;
}

// ---- requirements ----

// Go's *field.Path is nil when the parser is called without a path; nil prints as "<nil>" and
// nil.Child("key") is just "key". null stands for that nil here.
type GoPath = string | null;
const goPathText = (p: GoPath): string => p ?? '<nil>';
const goChild = (p: GoPath, name: string): string => (p === null ? name : `${p}.${name}`);

const validOperators: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt', 'exists', '!'];

function labelKeyError(key: string, path: GoPath): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length > 0 ? fieldErrors.invalid(goPathText(path), key, errs.join('; ')) : undefined;
}

const goInt64 = /^[+-]?[0-9]+$/;
function parseGoInt64(s: string): bigint | undefined {
  if (!goInt64.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

function requirementErrors(key: string, operator: string, values: readonly string[], path: GoPath): FieldError[] {
  const errs: FieldError[] = [];
  const keyErr = labelKeyError(key, goChild(path, 'key'));
  if (keyErr) errs.push(keyErr);
  const valuePath = goChild(path, 'values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) {
        errs.push(fieldErrors.invalid(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        errs.push(fieldErrors.invalid(valuePath, values, 'exact-match compatibility requires one single value'));
      }
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        errs.push(fieldErrors.invalid(valuePath, values, 'values set must be empty for exists and does not exist'));
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        errs.push(fieldErrors.invalid(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      values.forEach((v, i) => {
        if (parseGoInt64(v) === undefined) {
          errs.push(fieldErrors.invalid(`${valuePath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(fieldErrors.notSupported(goChild(path, 'operator'), operator, validOperators));
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0) errs.push(fieldErrors.invalid(`${valuePath}[${i}][${key}]`, v, msgs.join('; ')));
  });
  return errs;
}

/** labels.NewRequirement: a validated requirement, or a SelectorParseError with the aggregated field errors. */
export function newRequirement(key: string, operator: LabelOperator, values: readonly string[]): Requirement {
  return checkedRequirement(key, operator, values, null);
}

function checkedRequirement(key: string, operator: string, values: readonly string[], path: GoPath): Requirement {
  const errs = requirementErrors(key, operator, values, path);
  if (errs.length > 0) throw new SelectorParseError(aggregateFieldErrors(errs));
  return { key, operator: operator as LabelOperator, values: [...values] };
}

/** Sorts by key, keeping the given order among equal keys (what Kubernetes' small-input sort does). */
function byKey(reqs: readonly Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A selector from requirements (sorted by key, as Selector.Add does). */
export function selectorFromRequirements(reqs: readonly Requirement[]): LabelSelector {
  return { requirements: byKey(reqs) };
}

/** labels.SelectorFromSet: key=value for every entry, without validation. Empty = everything. */
export function selectorFromSet(set: Readonly<Record<string, string>> | undefined): LabelSelector {
  if (set === undefined) return EVERYTHING;
  return selectorFromRequirements(Object.entries(set).map(([key, v]) => ({ key, operator: '=', values: [v] })));
}

// ---- matching ----

function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && value !== undefined && r.values.includes(value);
    case 'notin':
    case '!=':
      return !has || value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || value === undefined || r.values.length !== 1) return false;
      const actual = parseGoInt64(value);
      const bound = parseGoInt64(r.values[0] ?? '');
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

/** Whether the labels satisfy every requirement. `!=` and `notin` hold when the key is absent. */
export function matchesLabels(sel: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (sel.nothing === true) return false;
  const ls = labels ?? {};
  return sel.requirements.every((r) => requirementMatches(r, ls));
}

// ---- string form ----

function requirementToString(r: Requirement): string {
  let s = r.operator === '!' ? `!${r.key}` : r.key;
  switch (r.operator) {
    case 'exists':
    case '!':
      return s;
    case 'in':
      s += ' in ';
      break;
    case 'notin':
      s += ' notin ';
      break;
    case 'gt':
      s += '>';
      break;
    case 'lt':
      s += '<';
      break;
    default:
      s += r.operator;
  }
  const values = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort().join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${values})` : s + values;
}

/** The form Kubernetes prints: requirements in stored (key) order joined by ','; "" for everything and nothing. */
export function labelSelectorToString(sel: LabelSelector): string {
  if (sel.nothing === true) return '';
  return sel.requirements.map(requirementToString).join(',');
}

// ---- the string grammar (labels.Parse) ----

const enum Tok {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const literalTokens: ReadonlyMap<string, Tok> = new Map([
  [')', Tok.ClosedPar],
  [',', Tok.Comma],
  ['!', Tok.DoesNotExist],
  ['==', Tok.DoubleEquals],
  ['=', Tok.Equals],
  ['>', Tok.GreaterThan],
  ['in', Tok.In],
  ['<', Tok.LessThan],
  ['!=', Tok.NotEquals],
  ['notin', Tok.NotIn],
  ['(', Tok.OpenPar],
]);

const binaryOperators = 'in, notin, =, ==, !=, gt, lt';
const END = '\u0000';
const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecialSymbol = (c: string): boolean => '=!(),><'.includes(c);

interface Scanned {
  tok: Tok;
  lit: string;
}

/** Splits a selector into tokens exactly as the Kubernetes lexer does (a NUL reads as end of input). */
function lex(s: string): Scanned[] {
  let pos = 0;
  const read = (): string => (pos < s.length ? (s[pos++] ?? END) : END);
  const unread = (): void => {
    pos--;
  };
  const scanIdOrKeyword = (): Scanned => {
    let buf = '';
    for (;;) {
      const c = read();
      if (c === END) break;
      if (isSpecialSymbol(c) || isWhitespace(c)) {
        unread();
        break;
      }
      buf += c;
    }
    return { tok: literalTokens.get(buf) ?? Tok.Identifier, lit: buf };
  };
  const scanSpecialSymbol = (): Scanned => {
    let last: Scanned | undefined;
    let buf = '';
    for (;;) {
      const c = read();
      if (c === END) break;
      if (!isSpecialSymbol(c)) {
        unread();
        break;
      }
      buf += c;
      const t = literalTokens.get(buf);
      if (t !== undefined) {
        last = { tok: t, lit: buf };
      } else if (last !== undefined) {
        unread();
        break;
      }
    }
    return last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` };
  };
  const items: Scanned[] = [];
  for (;;) {
    let c = read();
    while (isWhitespace(c)) c = read();
    let item: Scanned;
    if (c === END) {
      item = { tok: Tok.EndOfString, lit: '' };
    } else {
      unread();
      item = isSpecialSymbol(c) ? scanSpecialSymbol() : scanIdOrKeyword();
    }
    items.push(item);
    if (item.tok === Tok.EndOfString) return items;
  }
}

class Parser {
  private position = 0;

  constructor(private readonly items: readonly Scanned[]) {}

  // In value context the keywords 'in' and 'notin' are plain identifiers ("x in (in)").
  private static asValue(item: Scanned): Scanned {
    return item.tok === Tok.In || item.tok === Tok.NotIn ? { tok: Tok.Identifier, lit: item.lit } : item;
  }

  private lookahead(): Scanned {
    return Parser.asValue(this.items[this.position] ?? { tok: Tok.EndOfString, lit: '' });
  }

  private consume(valueContext = true): Scanned {
    const item = this.items[this.position] ?? { tok: Tok.EndOfString, lit: '' };
    this.position++;
    return valueContext ? Parser.asValue(item) : item;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead();
      if (tok === Tok.EndOfString) return reqs;
      if (tok !== Tok.Identifier && tok !== Tok.DoesNotExist) {
        throw new SelectorParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      try {
        reqs.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof SelectorParseError) throw new SelectorParseError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const next = this.consume();
      if (next.tok === Tok.EndOfString) return reqs;
      if (next.tok !== Tok.Comma) throw new SelectorParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead();
      if (after.tok !== Tok.Identifier && after.tok !== Tok.DoesNotExist) {
        throw new SelectorParseError(`found '${after.lit}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): Requirement {
    let operator: LabelOperator | undefined;
    let { tok, lit } = this.consume();
    if (tok === Tok.DoesNotExist) {
      operator = '!';
      ({ tok, lit } = this.consume());
    }
    if (tok !== Tok.Identifier) throw new SelectorParseError(`found '${lit}', expected: identifier`);
    const key = lit;
    const keyErr = labelKeyError(key, null);
    if (keyErr) throw new SelectorParseError(aggregateFieldErrors([keyErr]));
    const ahead = this.lookahead().tok;
    if ((ahead === Tok.EndOfString || ahead === Tok.Comma) && operator === undefined) operator = 'exists';
    if (operator !== undefined) return checkedRequirement(key, operator, [], null);

    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    // A set: sorted and without duplicates.
    return checkedRequirement(key, op, [...values].sort(), null);
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case Tok.In:
        return 'in';
      case Tok.Equals:
        return '=';
      case Tok.DoubleEquals:
        return '==';
      case Tok.GreaterThan:
        return 'gt';
      case Tok.LessThan:
        return 'lt';
      case Tok.NotIn:
        return 'notin';
      case Tok.NotEquals:
        return '!=';
      default:
        throw new SelectorParseError(`found '${lit}', expected: ${binaryOperators}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume();
    if (open.tok !== Tok.OpenPar) throw new SelectorParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead();
    if (tok === Tok.Identifier || tok === Tok.Comma) {
      const s = this.parseIdentifiersList();
      // Kubernetes reports the token after '(' here, not the one it failed on.
      if (this.consume().tok !== Tok.ClosedPar) throw new SelectorParseError(`found '${lit}', expected: ')'`);
      return s;
    }
    if (tok === Tok.ClosedPar) {
      this.consume();
      return new Set(['']);
    }
    throw new SelectorParseError(`found '${lit}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume();
      if (tok === Tok.Identifier) {
        s.add(lit);
        const next = this.lookahead();
        if (next.tok === Tok.Comma) continue;
        if (next.tok === Tok.ClosedPar) return s;
        throw new SelectorParseError(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok === Tok.Comma) {
        // "(,", ",)" and ",," stand for empty values.
        if (s.size === 0) s.add('');
        const next = this.lookahead().tok;
        if (next === Tok.ClosedPar) {
          s.add('');
          return s;
        }
        if (next === Tok.Comma) {
          this.consume();
          s.add('');
        }
        continue;
      }
      throw new SelectorParseError(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): Set<string> {
    const ahead = this.lookahead().tok;
    if (ahead === Tok.EndOfString || ahead === Tok.Comma) return new Set(['']);
    const { tok, lit } = this.consume();
    if (tok === Tok.Identifier) return new Set([lit]);
    throw new SelectorParseError(`found '${lit}', expected: identifier`);
  }
}

/**
 * labels.Parse: the ?labelSelector= grammar (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
 * `a`, `!a`, `a>1`, `a<1`, comma-separated). "" selects everything. Requirements come out
 * sorted by key; set values sorted and deduplicated. Throws SelectorParseError.
 */
export function parseLabelSelector(text: string): LabelSelector {
  return selectorFromRequirements(new Parser(lex(text)).parse());
}

// ---- metav1.LabelSelector ----

const metav1Operators: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

function stringList(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) {
    throw new SelectorParseError(`${what} must be a list of strings`);
  }
  return v;
}

/**
 * metav1.LabelSelectorAsSelector: null/undefined selects nothing, {} (no matchLabels and no
 * matchExpressions) everything. Invalid keys, values or operators throw SelectorParseError.
 */
export function selectorFromMetav1(ls: unknown): LabelSelector {
  if (ls === undefined || ls === null) return NOTHING;
  if (!isRecord(ls)) throw new SelectorParseError('label selector must be an object');
  const matchLabels = ls.matchLabels ?? {};
  const matchExpressions = ls.matchExpressions ?? [];
  if (!isRecord(matchLabels)) throw new SelectorParseError('matchLabels must be an object');
  if (!Array.isArray(matchExpressions)) throw new SelectorParseError('matchExpressions must be a list');
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(matchLabels)) {
    if (typeof value !== 'string') throw new SelectorParseError(`matchLabels[${key}] must be a string`);
    reqs.push(checkedRequirement(key, '=', [value], null));
  }
  for (const expr of matchExpressions) {
    if (!isRecord(expr)) throw new SelectorParseError('matchExpressions entries must be objects');
    const opName = typeof expr.operator === 'string' ? expr.operator : '';
    const op = Object.prototype.hasOwnProperty.call(metav1Operators, opName) ? metav1Operators[opName] : undefined;
    if (op === undefined) throw new SelectorParseError(`${JSON.stringify(opName)} is not a valid label selector operator`);
    const key = typeof expr.key === 'string' ? expr.key : '';
    reqs.push(checkedRequirement(key, op, stringList(expr.values, 'values'), null));
  }
  if (reqs.length === 0) return EVERYTHING;
  return selectorFromRequirements(reqs);
}

// ---- validation of labels, annotations and selectors in objects ----

function stringMapEntries(v: unknown, path: FieldPath, errs: FieldError[]): [string, string][] {
  if (v === undefined || v === null) return [];
  if (!isRecord(v)) {
    errs.push(fieldErrors.typeInvalid(path, v, 'must be of type object'));
    return [];
  }
  const out: [string, string][] = [];
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out.push([k, val]);
    else errs.push(fieldErrors.typeInvalid(path.key(k), val, 'must be of type string'));
  }
  return out;
}

/** metav1validation.ValidateLabelName: the key as a qualified name; errors on `path` itself. */
export function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((msg) => fieldErrors.invalid(path, name, msg));
}

/**
 * metav1validation.ValidateLabels: every key a qualified name, every value a label value.
 * As in Kubernetes, each error is reported on `path` itself (e.g. `metadata.labels`) with the
 * bad key or value as its value.
 */
export function validateLabels(labels: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of stringMapEntries(labels, path, errs)) {
    errs.push(...validateLabelName(k, path));
    for (const msg of isValidLabelValue(v)) errs.push(fieldErrors.invalid(path, v, msg));
  }
  return errs;
}

/**
 * ValidateAnnotations (apimachinery api/validation): keys are qualified names compared in
 * lower case, and keys plus values may total at most 256 KiB.
 */
export function validateAnnotations(annotations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const entries = stringMapEntries(annotations, path, errs);
  for (const [k] of entries) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldErrors.invalid(path, k, msg));
  }
  if (annotationsSize(Object.fromEntries(entries)) > TOTAL_ANNOTATION_SIZE_LIMIT_B) {
    errs.push(fieldErrors.tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT_B));
  }
  return errs;
}

export interface LabelSelectorValidationOptions {
  /** Skip the label-value check of matchExpressions values (Kubernetes allows it on update of old objects). */
  allowInvalidLabelValueInSelector?: boolean;
}

/** metav1validation.ValidateLabelSelector. A null/undefined selector is valid (it selects nothing). */
export function validateMetav1LabelSelector(
  ls: unknown,
  path: FieldPath,
  opts: LabelSelectorValidationOptions = {},
): FieldError[] {
  if (ls === undefined || ls === null) return [];
  if (!isRecord(ls)) return [fieldErrors.typeInvalid(path, ls, 'must be of type object')];
  const errs = validateLabels(ls.matchLabels, path.child('matchLabels'));
  const exprs = ls.matchExpressions;
  if (exprs === undefined || exprs === null) return errs;
  const exprsPath = path.child('matchExpressions');
  if (!Array.isArray(exprs)) return [...errs, fieldErrors.typeInvalid(exprsPath, exprs, 'must be of type array')];
  exprs.forEach((expr: unknown, i) => {
    const p = exprsPath.index(i);
    if (!isRecord(expr)) {
      errs.push(fieldErrors.typeInvalid(p, expr, 'must be of type object'));
      return;
    }
    errs.push(...validateRequirement(expr, p, opts));
  });
  return errs;
}

function validateRequirement(expr: Record<string, unknown>, path: FieldPath, opts: LabelSelectorValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  const valuesPath = path.child('values');
  let values: unknown[] = [];
  if (Array.isArray(expr.values)) values = expr.values;
  else if (expr.values !== undefined && expr.values !== null) {
    errs.push(fieldErrors.typeInvalid(valuesPath, expr.values, 'must be of type array'));
  }
  const operator = expr.operator ?? '';
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(fieldErrors.required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push(fieldErrors.forbidden(valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    default:
      errs.push(fieldErrors.invalid(path.child('operator'), operator, 'not a valid selector operator'));
  }
  const key = expr.key ?? '';
  if (typeof key === 'string') errs.push(...validateLabelName(key, path.child('key')));
  else errs.push(fieldErrors.typeInvalid(path.child('key'), key, 'must be of type string'));
  values.forEach((v, i) => {
    if (typeof v !== 'string') {
      errs.push(fieldErrors.typeInvalid(valuesPath.index(i), v, 'must be of type string'));
    } else if (opts.allowInvalidLabelValueInSelector !== true) {
      for (const msg of isValidLabelValue(v)) errs.push(fieldErrors.invalid(valuesPath.index(i), v, msg));
    }
  });
  return errs;
}
