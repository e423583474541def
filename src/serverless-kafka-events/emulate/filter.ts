/**
 * Lambda's event filtering for Kafka (https://docs.aws.amazon.com/lambda/latest/dg/kafka-filtering.html):
 * only the record's `value` is matched. The bytes are decoded as UTF-8; a JSON object value is matched by
 * a JSON pattern (`{"value": {"field": [...rules]}}`), any other value as a plain string by a string
 * pattern (`{"value": [...rules]}`); a format mismatch or bytes that are not UTF-8 never match. Rule syntax
 * as https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html: fields of one pattern
 * are ANDed, the rules listed for one field ORed, and several patterns ORed.
 */
import { OfflineKafkaError } from './errors.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Pattern = Record<string, unknown>;

const OPERATORS = new Set(['exists', 'prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric']);
const NUMERIC_OPERATORS = new Set(['<', '<=', '=', '>', '>=']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(message: string): never {
  throw new OfflineKafkaError('INVALID_FILTER_PATTERN', `filter pattern: ${message}`);
}

function validateRule(rule: unknown, path: string): void {
  if (rule === null || ['string', 'number', 'boolean'].includes(typeof rule)) return;
  if (!isObject(rule)) invalid(`${path}: a rule is a value or an object, got ${JSON.stringify(rule)}`);
  const [operator, ...more] = Object.keys(rule);
  if (operator === undefined || more.length > 0 || !OPERATORS.has(operator)) {
    invalid(`${path}: unknown rule ${JSON.stringify(rule)}`);
  }
  if (operator === 'numeric') {
    const terms = rule.numeric;
    if (!Array.isArray(terms) || terms.length === 0 || terms.length % 2 !== 0) {
      invalid(`${path}: numeric takes [operator, number, ...], got ${JSON.stringify(terms)}`);
    }
    for (let i = 0; i < terms.length; i += 2) {
      if (!NUMERIC_OPERATORS.has(String(terms[i])) || typeof terms[i + 1] !== 'number') {
        invalid(`${path}: numeric takes [operator, number, ...], got ${JSON.stringify(terms)}`);
      }
    }
  }
}

function validatePattern(pattern: unknown, path: string): asserts pattern is Pattern {
  if (!isObject(pattern)) invalid(`${path} must be an object`);
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2) invalid(`${path}.$or takes two patterns or more`);
      for (const [i, alternative] of rule.entries()) validatePattern(alternative, `${path}.$or[${i}]`);
    } else if (Array.isArray(rule)) {
      for (const [i, one] of rule.entries()) validateRule(one, `${path}.${key}[${i}]`);
    } else {
      validatePattern(rule, `${path}.${key}`);
    }
  }
}

function compare(operator: string, left: number, right: number): boolean {
  switch (operator) {
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '=':
      return left === right;
    case '>':
      return left > right;
    default:
      return left >= right;
  }
}

function anythingBut(argument: unknown, value: Json): boolean {
  if (Array.isArray(argument)) return !argument.some((excluded) => excluded === value);
  if (isObject(argument)) {
    if (typeof value !== 'string') return false;
    if (typeof argument.prefix === 'string') return !value.startsWith(argument.prefix);
    if (typeof argument.suffix === 'string') return !value.endsWith(argument.suffix);
    const ignoringCase = argument['equals-ignore-case'];
    const excluded = Array.isArray(ignoringCase) ? ignoringCase : [ignoringCase];
    return !excluded.some((one) => typeof one === 'string' && one.toLowerCase() === value.toLowerCase());
  }
  return argument !== value;
}

/** One rule against one value (`undefined`: the field is absent). */
function matchRule(rule: unknown, value: Json | undefined): boolean {
  if (!isObject(rule)) return value !== undefined && rule === value;
  if ('exists' in rule) return rule.exists === (value !== undefined);
  if (value === undefined) return false;
  if ('anything-but' in rule) return anythingBut(rule['anything-but'], value);
  if ('numeric' in rule) {
    if (typeof value !== 'number') return false;
    const terms = rule.numeric as unknown[];
    for (let i = 0; i < terms.length; i += 2) {
      if (!compare(String(terms[i]), value, Number(terms[i + 1]))) return false;
    }
    return true;
  }
  if (typeof value !== 'string') return false;
  if ('prefix' in rule) return value.startsWith(String(rule.prefix));
  if ('suffix' in rule) return value.endsWith(String(rule.suffix));
  return value.toLowerCase() === String(rule['equals-ignore-case']).toLowerCase();
}

function matchField(rules: unknown[], value: Json | undefined): boolean {
  // A field holding an array matches when any of its elements does.
  if (Array.isArray(value)) {
    return rules.some((rule) =>
      isObject(rule) && 'exists' in rule ? matchRule(rule, value) : value.some((one) => matchRule(rule, one)),
    );
  }
  return rules.some((rule) => matchRule(rule, value));
}

function matchPattern(pattern: Pattern, subject: Record<string, Json>): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') return (rule as Pattern[]).some((alternative) => matchPattern(alternative, subject));
    const value = subject[key];
    if (Array.isArray(rule)) return matchField(rule, value);
    if (value === undefined) return matchPattern(rule as Pattern, {});
    return isObject(value) && matchPattern(rule as Pattern, value);
  });
}

/** The record as filters see it: `{}` for a tombstone, `{value}` otherwise; undefined when not UTF-8. */
function subjectOf(value: Buffer | null): { json: boolean; subject: Record<string, Json> } | undefined {
  if (value === null) return { json: false, subject: {} };
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return undefined;
  }
  try {
    const parsed: Json = JSON.parse(text);
    if (isObject(parsed)) return { json: true, subject: { value: parsed } };
  } catch {
    // A plain string.
  }
  return { json: false, subject: { value: text } };
}

/** Decides, for a record's value bytes, whether the mapping delivers it. */
export type RecordFilter = (value: Buffer | null) => boolean;

/**
 * Compiles a mapping's filter patterns (as written in serverless.yml's `filterPatterns`, or the JSON
 * strings of `FilterCriteria.Filters[].Pattern`); throws on a pattern Lambda would reject.
 */
export function compileFilters(patterns: readonly unknown[]): RecordFilter {
  const compiled = patterns.map((raw, i) => {
    const pattern = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
    validatePattern(pattern, `filterPatterns[${i}]`);
    // A JSON pattern describes the fields of a JSON value; a string pattern lists rules for the whole value.
    const wantsJson = isObject(pattern.value);
    return { pattern, wantsJson, constrainsValue: 'value' in pattern };
  });
  return (value) => {
    const decoded = subjectOf(value);
    if (decoded === undefined) return false;
    return compiled.some(
      ({ pattern, wantsJson, constrainsValue }) =>
        (!constrainsValue || value === null || wantsJson === decoded.json) &&
        matchPattern(pattern, decoded.subject),
    );
  };
}
