import { describe, expect, it } from 'vitest';
import { SchemaCompileError } from '../../../src/shared/schema/codec.js';
import {
  compileJsonSchema,
  decodeJsonSchema,
  encodeJsonSchema,
} from '../../../src/shared/schema/json-schema.js';
import { valueIssues } from '../../support/schemas.js';

const ORDER = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    id: { type: 'string' },
    price: { $ref: 'money.json' },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: { quantity: { type: 'integer', minimum: 1 } },
        required: ['quantity'],
      },
    },
  },
  required: ['id'],
  additionalProperties: false,
});
const MONEY = JSON.stringify({
  type: 'object',
  properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
  required: ['amount', 'currency'],
});

describe('JSON Schema values', () => {
  const order = compileJsonSchema(ORDER, [{ name: 'money.json', schema: MONEY }]);

  it('writes a value that fits as its own JSON text, or serialized when there is none', () => {
    // Prepare
    const value = { id: 'o-1', price: { amount: 12.5, currency: 'EUR' } };
    const text = Buffer.from('{"id":"o-1", "price": {"amount": 12.50, "currency": "EUR"}}');

    // Act
    const kept = encodeJsonSchema(order, value, text);
    const serialized = encodeJsonSchema(order, value);

    // Assess
    expect(kept).toBe(text);
    expect(serialized.toString()).toBe('{"id":"o-1","price":{"amount":12.5,"currency":"EUR"}}');
    expect(decodeJsonSchema(order, kept)).toEqual(value);
  });

  it('names the innermost fields that do not fit, through references and arrays', () => {
    // Act
    const issues = valueIssues(() =>
      encodeJsonSchema(order, {
        price: { amount: 'x', currency: 'eur' },
        lines: [{ quantity: 0 }, {}],
        extra: true,
      }),
    );

    // Assess
    expect(issues).toEqual([
      { path: ['id'], message: 'required' },
      { path: ['price', 'amount'], message: 'Instance type "string" is invalid. Expected "number".' },
      { path: ['price', 'currency'], message: 'String does not match pattern.' },
      { path: ['lines', 0, 'quantity'], message: '0 is less than 1.' },
      { path: ['lines', 1, 'quantity'], message: 'required' },
      { path: ['extra'], message: 'is not allowed by the schema' },
    ]);
  });

  it('takes the dialect from $schema and refuses what is not a schema', () => {
    // Prepare: 2020-12's prefixItems, which draft-07 ignores.
    const tuple = compileJsonSchema(
      JSON.stringify({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'array',
        prefixItems: [{ type: 'string' }],
      }),
    );

    // Assess
    expect(valueIssues(() => encodeJsonSchema(tuple, [1]))).toEqual([
      { path: [0], message: 'Instance type "number" is invalid. Expected "string".' },
    ]);
    expect(() => compileJsonSchema('[1]')).toThrow(SchemaCompileError);
    expect(() => compileJsonSchema('{')).toThrow(SchemaCompileError);
  });

  it('refuses a value whose object key has a lone surrogate the validator visits, instead of failing', () => {
    // Prepare
    const value = JSON.parse('{"\\ud800": 1}');
    const numbers = compileJsonSchema('{"type": "object", "additionalProperties": {"type": "number"}}');
    const anything = compileJsonSchema('{"type": "object"}');

    // Assess: the key is kept as sent (the source text) when nothing looks into it.
    expect(valueIssues(() => encodeJsonSchema(numbers, value))).toEqual([
      { path: [], message: expect.stringContaining('lone surrogate') },
    ]);
    expect(encodeJsonSchema(anything, value, Buffer.from('{"\\ud800": 1}')).toString()).toBe(
      '{"\\ud800": 1}',
    );
  });
});
