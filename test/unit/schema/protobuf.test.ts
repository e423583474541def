import { describe, expect, it } from 'vitest';
import { parseSchema } from '../../../src/schema-registry/formats/index.js';
import { SchemaCompileError } from '../../../src/shared/schema/codec.js';
import { compileProtobuf, decodeProtobuf, encodeProtobuf } from '../../../src/shared/schema/protobuf.js';
import { valueIssues } from '../../support/schemas.js';

/** A .proto file as the registry serves it with `?format=serialized` (the local registry's rendering). */
function serialized(text: string, references: { name: string; schema: string }[] = []): string {
  return parseSchema('PROTOBUF', text, references).formatted('serialized') as string;
}

const MONEY = `syntax = "proto3";
package shop;
message Money { string currency = 1; int64 cents = 2; }`;

const ORDER = `syntax = "proto3";
package shop;
import "money.proto";
import "google/protobuf/timestamp.proto";
message Order {
  string id = 1;
  Money total = 2;
  repeated Line lines = 3;
  google.protobuf.Timestamp placed_at = 4;
  Status status = 5;
  message Line { string sku = 1; uint32 quantity = 2; }
}
enum Status { NEW = 0; PAID = 1; }
message Refund { string order_id = 1; }`;

describe('Protobuf values as JSON', () => {
  const money = { name: 'money.proto', schema: serialized(MONEY) };
  const order = serialized(ORDER, [{ name: 'money.proto', schema: MONEY }]);

  it('encodes canonical JSON with a referenced file and a well-known type, and decodes it back', () => {
    // Prepare
    const compiled = compileProtobuf(order, [money]);
    const value = {
      id: 'o-1',
      total: { currency: 'EUR', cents: '1250' },
      lines: [{ sku: 'a', quantity: 2 }],
      placedAt: '2026-01-02T03:04:05Z',
      status: 'PAID',
    };

    // Act
    const bytes = encodeProtobuf(compiled, value);

    // Assess
    expect(compiled.messageIndexes).toEqual([0]);
    expect(decodeProtobuf(compiled, bytes)).toEqual(value);
  });

  it('selects a message by its full name, nested ones included, with its message indexes', () => {
    expect(compileProtobuf(order, [money], 'shop.Refund').messageIndexes).toEqual([1]);
    expect(compileProtobuf(order, [money], 'shop.Order.Line').messageIndexes).toEqual([0, 0]);
    expect(() => compileProtobuf(order, [money], 'shop.Money')).toThrow(SchemaCompileError);
    expect(() => compileProtobuf(order, [money], 'shop.Nothing')).toThrow(SchemaCompileError);
  });

  it('names the field that does not fit, and refuses unknown fields', () => {
    // Prepare
    const compiled = compileProtobuf(order, [money]);

    // Act
    const issues = valueIssues(() =>
      encodeProtobuf(compiled, { id: 7, status: 'LOST', colour: 'red', total: { cents: 'many' } }),
    );

    // Assess
    expect(issues).toEqual([
      { path: ['id'], message: expect.stringContaining('shop.Order.id') },
      { path: ['status'], message: expect.stringContaining('"LOST"') },
      { path: ['colour'], message: expect.stringContaining('"colour" is unknown') },
      { path: ['total'], message: expect.stringContaining('shop.Money.cents') },
    ]);
  });

  it('refuses a schema whose reference is missing', () => {
    expect(() => compileProtobuf(order)).toThrow(SchemaCompileError);
  });
});
