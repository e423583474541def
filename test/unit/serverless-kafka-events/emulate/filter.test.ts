/**
 * Lambda's filter rules for Kafka values (docs: kafka-filtering, invocation-eventfiltering), one table
 * row per rule.
 */
import { describe, expect, it } from 'vitest';
import { OfflineKafkaError } from '../../../../src/serverless-kafka-events/emulate/errors.js';
import { compileFilters } from '../../../../src/serverless-kafka-events/emulate/filter.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const text = (value: string) => Buffer.from(value);

const cases: [string, Record<string, unknown>, Buffer | null, boolean][] = [
  ['exact string', { value: { kind: ['order'] } }, json({ kind: 'order' }), true],
  ['exact string, other value', { value: { kind: ['order'] } }, json({ kind: 'refund' }), false],
  ['exact number, numerically', { value: { n: [5] } }, json({ n: 5.0 }), true],
  ['a number does not equal its string', { value: { n: [5] } }, json({ n: '5' }), false],
  ['boolean', { value: { ok: [true] } }, json({ ok: true }), true],
  ['null', { value: { gone: [null] } }, json({ gone: null }), true],
  ['null does not match an absent field', { value: { gone: [null] } }, json({}), false],
  ['empty string', { value: { name: [''] } }, json({ name: '' }), true],
  ['several rules for one field are ORed', { value: { kind: ['a', 'b'] } }, json({ kind: 'b' }), true],
  ['prefix', { value: { id: [{ prefix: 'AB' }] } }, json({ id: 'ABC' }), true],
  ['prefix, no match', { value: { id: [{ prefix: 'AB' }] } }, json({ id: 'XAB' }), false],
  ['suffix', { value: { file: [{ suffix: '.png' }] } }, json({ file: 'a.png' }), true],
  [
    'equals-ignore-case',
    { value: { c: [{ 'equals-ignore-case': 'seattle' }] } },
    json({ c: 'SeAttle' }),
    true,
  ],
  ['anything-but a value', { value: { s: [{ 'anything-but': 'x' }] } }, json({ s: 'y' }), true],
  ['anything-but a value, matching it', { value: { s: [{ 'anything-but': 'x' }] } }, json({ s: 'x' }), false],
  ['anything-but a list', { value: { s: [{ 'anything-but': ['x', 'y'] }] } }, json({ s: 'y' }), false],
  [
    'anything-but a prefix',
    { value: { s: [{ 'anything-but': { prefix: 'in' } }] } },
    json({ s: 'out' }),
    true,
  ],
  [
    'anything-but a prefix, matching',
    { value: { s: [{ 'anything-but': { prefix: 'in' } }] } },
    json({ s: 'init' }),
    false,
  ],
  ['anything-but needs the field', { value: { s: [{ 'anything-but': 'x' }] } }, json({}), false],
  ['numeric range', { value: { n: [{ numeric: ['>', 0, '<=', 5] }] } }, json({ n: 5 }), true],
  ['numeric range, outside', { value: { n: [{ numeric: ['>', 0, '<=', 5] }] } }, json({ n: 0 }), false],
  ['numeric equals', { value: { n: [{ numeric: ['=', 3] }] } }, json({ n: 3 }), true],
  ['numeric on a string', { value: { n: [{ numeric: ['>', 0] }] } }, json({ n: '3' }), false],
  ['exists true', { value: { a: [{ exists: true }] } }, json({ a: 1 }), true],
  ['exists true, absent', { value: { a: [{ exists: true }] } }, json({ b: 1 }), false],
  ['exists false', { value: { a: [{ exists: false }] } }, json({ b: 1 }), true],
  ['exists false, present', { value: { a: [{ exists: false }] } }, json({ a: null }), false],
  ['nested fields', { value: { order: { state: ['paid'] } } }, json({ order: { state: 'paid' } }), true],
  ['nested, not an object', { value: { order: { state: ['paid'] } } }, json({ order: 'paid' }), false],
  ['fields are ANDed', { value: { a: [1], b: [2] } }, json({ a: 1, b: 3 }), false],
  ['array fields match any element', { value: { tags: ['red'] } }, json({ tags: ['blue', 'red'] }), true],
  ['$or', { value: { $or: [{ a: [1] }, { b: [2] }] } }, json({ b: 2 }), true],
  ['$or, neither', { value: { $or: [{ a: [1] }, { b: [2] }] } }, json({ a: 2, b: 1 }), false],
  ['string pattern on a plain string', { value: [{ prefix: 'ERROR' }] }, text('ERROR disk'), true],
  ['string pattern, exact', { value: ['hello'] }, text('hello'), true],
  ['string pattern on a JSON value', { value: [{ prefix: '{' }] }, json({ a: 1 }), false],
  ['JSON pattern on a plain string', { value: { a: [1] } }, text('a=1'), false],
  ['a JSON number is matched as a plain string', { value: ['42'] }, text('42'), true],
  ['bytes that are not UTF-8', { value: [{ exists: true }] }, Buffer.from([0xff, 0xfe]), false],
  ['a tombstone has no value', { value: [{ exists: false }] }, null, true],
];

describe('compileFilters', () => {
  it.each(cases)('%s', (_name, pattern, value, expected) => {
    // Prepare
    const filter = compileFilters([pattern]);

    // Act
    const matched = filter(value);

    // Assess
    expect(matched).toBe(expected);
  });

  it('ORs several patterns', () => {
    // Prepare
    const filter = compileFilters([{ value: { a: [1] } }, { value: [{ prefix: 'x' }] }]);

    // Act
    const results = [filter(json({ a: 1 })), filter(text('xyz')), filter(json({ a: 2 }))];

    // Assess
    expect(results).toEqual([true, true, false]);
  });

  it('accepts the JSON strings of FilterCriteria', () => {
    // Prepare
    const filter = compileFilters([JSON.stringify({ value: { a: [1] } })]);

    // Act
    const matched = filter(json({ a: 1 }));

    // Assess
    expect(matched).toBe(true);
  });

  it.each([
    ['an unknown operator', { value: { a: [{ wildcard2: 'x' }] } }],
    ['a numeric rule without a number', { value: { a: [{ numeric: ['>', 'x'] }] } }],
    ['an $or with one branch', { value: { $or: [{ a: [1] }] } }],
    ['a pattern that is not an object', ['a']],
  ])('rejects %s', (_name, pattern) => {
    // Act
    const compile = () => compileFilters([pattern]);

    // Assess
    expect(compile).toThrow(OfflineKafkaError);
  });
});
