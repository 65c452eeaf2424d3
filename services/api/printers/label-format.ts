// Label maps and label selectors rendered as apimachinery's labels package renders them:
// requirements sorted by key, set values sorted, "<none>" for an empty selector.
import { isRecord } from '../../../lib/api/object.js';
import { asArray, asString, asStringMap } from './fields.js';

/** labels.Set(m).String(): "k1=v1,k2=v2" with keys sorted; "" when empty. */
export function labelSetString(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort(compareStrings)
    .map((k) => `${k}=${labels[k] ?? ''}`)
    .join(',');
}

/** labels.FormatLabels: like labelSetString but "<none>" when empty. */
export function formatLabels(labels: Record<string, string>): string {
  return labelSetString(labels) || '<none>';
}

/** Byte-wise string order, as Go's sort.Strings. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Requirement {
  key: string;
  text: string;
}

function requirementText(key: string, operator: string, values: readonly string[]): string {
  const joined = values.length === 1 ? (values[0] ?? '') : [...values].sort(compareStrings).join(',');
  switch (operator) {
    case 'In':
      return `${key} in (${joined})`;
    case 'NotIn':
      return `${key} notin (${joined})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      return `${key}=${joined}`;
  }
}

/**
 * metav1.LabelSelectorAsSelector(s).String(). Returns undefined where Go returns an error (unknown
 * operator, or values that do not fit the operator). A missing or empty selector prints as "".
 */
export function labelSelectorString(selector: unknown): string | undefined {
  if (!isRecord(selector)) return '';
  const requirements: Requirement[] = [];
  const matchLabels = asStringMap(selector['matchLabels']);
  for (const [key, value] of Object.entries(matchLabels)) {
    requirements.push({ key, text: requirementText(key, 'Equals', [value]) });
  }
  for (const expr of asArray(selector['matchExpressions'])) {
    if (!isRecord(expr)) return undefined;
    const key = asString(expr['key']);
    const operator = asString(expr['operator']);
    const values = asArray(expr['values']).map(asString);
    switch (operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return undefined;
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length !== 0) return undefined;
        break;
      default:
        return undefined;
    }
    requirements.push({ key, text: requirementText(key, operator, values) });
  }
  // labels.Selector.Add keeps requirements sorted by key.
  requirements.sort((a, b) => compareStrings(a.key, b.key));
  return requirements.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: "<none>" for an empty selector, "<error>" for an invalid one. */
export function formatLabelSelector(selector: unknown): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return '<error>';
  return s || '<none>';
}
