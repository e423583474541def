import { describe, expect, it } from 'vitest';
import { compileAvro, decodeAvro, encodeAvro } from '../../../src/shared/schema/avro.js';
import { SchemaCompileError } from '../../../src/shared/schema/codec.js';
import { FULL_ORDER_AVRO, valueIssues } from '../../support/schemas.js';

describe('Avro values as JSON', () => {
  const order = compileAvro(FULL_ORDER_AVRO);

  it('encodes a JSON value and decodes it back, defaults filled, bytes as base64', () => {
    // Act
    const bytes = encodeAvro(order, { id: 'o-1', amount: 12.5, note: 'gift', digest: 'AAEC' });
    const decoded = decodeAvro(order, bytes);

    // Assess
    expect(decoded).toEqual({
      id: 'o-1',
      amount: 12.5,
      note: 'gift',
      items: [],
      status: 'NEW',
      digest: 'AAEC',
    });
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x06, ...Buffer.from('o-1')]));
  });

  it('names every field that does not fit, with array indexes as numbers', () => {
    // Act
    const issues = valueIssues(() =>
      encodeAvro(order, {
        amount: 'twelve',
        items: [
          { sku: 'a', quantity: 1 },
          { sku: 'b', quantity: 1.5 },
        ],
        status: 'LOST',
        colour: 'red',
      }),
    );

    // Assess
    expect(issues).toEqual([
      { path: ['id'], message: 'required: a string' },
      { path: ['amount'], message: 'must be a double (a number)' },
      { path: ['items', 1, 'quantity'], message: 'must be an int (a 32-bit integer)' },
      { path: ['status'], message: 'must be one of NEW, PAID' },
      { path: ['colour'], message: 'is not a field of record shop.Order' },
    ]);
  });

  it("says to send a union's branch value itself when it comes in Avro's JSON encoding", () => {
    // Act
    const issues = valueIssues(() => encodeAvro(order, { id: 'o', amount: 1, note: { string: 'gift' } }));

    // Assess
    expect(issues).toEqual([
      {
        path: ['note'],
        message:
          'must be a value of one of the union\'s types: null, string; send the string value itself, not {"string": value}',
      },
    ]);
  });

  it('refuses fields the schema does not declare, nested ones too', () => {
    // Act
    const issues = valueIssues(() =>
      encodeAvro(order, { id: 'o', amount: 1, items: [{ sku: 'a', quantity: 1, colour: 'red' }] }),
    );

    // Assess
    expect(issues).toEqual([{ path: ['items', 0, 'colour'], message: 'is not a field of record shop.Item' }]);
  });

  it('refuses longs beyond what a JSON number holds exactly, and bytes that are not base64', () => {
    // Prepare
    const schema = compileAvro(
      JSON.stringify({
        type: 'record',
        name: 'R',
        fields: [
          { name: 'n', type: 'long' },
          { name: 'b', type: 'bytes' },
        ],
      }),
    );

    // Act
    const issues = valueIssues(() => encodeAvro(schema, { n: 2 ** 60, b: 'not base64!' }));

    // Assess
    expect(issues.map((issue) => issue.path)).toEqual([['n'], ['b']]);
  });

  it('compiles with referenced named types, and refuses an invalid schema', () => {
    // Prepare
    const money = JSON.stringify({
      type: 'record',
      name: 'Money',
      namespace: 'shop',
      fields: [{ name: 'cents', type: 'long' }],
    });
    const priced = JSON.stringify({
      type: 'record',
      name: 'Priced',
      namespace: 'shop',
      fields: [{ name: 'price', type: 'shop.Money' }],
    });

    // Act
    const compiled = compileAvro(priced, [money]);

    // Assess
    expect(decodeAvro(compiled, encodeAvro(compiled, { price: { cents: 5 } }))).toEqual({
      price: { cents: 5 },
    });
    expect(() => compileAvro(priced)).toThrow(SchemaCompileError);
    expect(() => compileAvro('{"type": "nope"}')).toThrow(SchemaCompileError);
  });
});
