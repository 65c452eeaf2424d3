// YAML as kubectl prints it (sigs.k8s.io/yaml over go-yaml v2): keys sorted, sequences not
// indented under their key, and each string in the style go-yaml's emitter picks: strings
// that YAML 1.1 would read as something else double-quoted, multi-line strings literal, the
// rest plain when the emitter allows it, else single-quoted, else double-quoted.
import { Document, Scalar, visit } from 'yaml';
import { sortKeysDeep } from './go-json.js';

const YAML11_WORDS = new Set([
  '', '~', 'null', 'Null', 'NULL',
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
  '<<',
]);

const INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[0-9]+)$/;
const FLOAT = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?(?:inf|infinity)$|^nan$/i;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?(?:Z|[-+][0-9]{2}:[0-9]{2}))|(?: [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?))?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** go-yaml v2 double-quotes a string that would resolve to a non-string in YAML 1.1. */
export function resolvesToNonString(s: string): boolean {
  if (YAML11_WORDS.has(s)) return true;
  const first = s[0] ?? '';
  if (!'+-.0123456789'.includes(first)) return false;
  const plain = s.replace(/_/g, '');
  if (INT.test(plain) || FLOAT.test(plain) || BASE60.test(s)) return true;
  return /[0-9]/.test(first) && TIMESTAMP.test(s);
}

const isBreak = (c: string): boolean => c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0) ?? 0;
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || cp === 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) || cp >= 0x10000;
}

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** yaml_emitter_analyze_scalar, for block context. */
function analyze(value: string): Analysis {
  const chars = [...value];
  let blockIndicators = value.startsWith('---') || value.startsWith('...');
  let specialCharacters = false;
  let lineBreaks = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    const next = chars[i + 1];
    const followedByWhitespace = next === undefined || isBlank(next) || isBreak(next);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      else if ((c === '?' || c === ':' || c === '-') && followedByWhitespace) blockIndicators = true;
    } else if (c === ':' && followedByWhitespace) blockIndicators = true;
    else if (c === '#' && precededByWhitespace) blockIndicators = true;
    if (!isPrintable(c)) specialCharacters = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c);
  }
  const a: Analysis = { multiline: lineBreaks, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.blockPlainAllowed = false;
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks) a.blockPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

type Style = typeof Scalar.PLAIN | typeof Scalar.QUOTE_SINGLE | typeof Scalar.QUOTE_DOUBLE | typeof Scalar.BLOCK_LITERAL;

/** The style go-yaml v2 emits a string in (keys are simple keys: never block literals). */
export function goYamlStringStyle(s: string, isKey: boolean): Style {
  const a = analyze(s);
  if (s.includes('\n')) return a.blockAllowed && !isKey ? Scalar.BLOCK_LITERAL : Scalar.QUOTE_DOUBLE;
  if (resolvesToNonString(s)) return Scalar.QUOTE_DOUBLE;
  if (a.blockPlainAllowed) return Scalar.PLAIN;
  return a.singleQuotedAllowed ? Scalar.QUOTE_SINGLE : Scalar.QUOTE_DOUBLE;
}

/** One document, ending in a newline. */
export function toGoYaml(value: unknown): string {
  const doc = new Document(sortKeysDeep(value), { version: '1.1' });
  visit(doc, {
    Scalar(key, node: Scalar) {
      if (typeof node.value === 'string') node.type = goYamlStringStyle(node.value, key === 'key');
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, nullStr: 'null', trueStr: 'true', falseStr: 'false', doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER });
}
