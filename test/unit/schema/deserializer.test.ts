/**
 * The deserializer against the local registry (in memory, on loopback): values the serializer wrote in each
 * format come back as they were, and bytes that do not decode fail with one typed error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSchemaRegistry, startSchemaRegistry } from '../../../src/schema-registry/server.js';
import {
  SchemaDeserializationError,
  SchemaNotFoundError,
  SchemaRegistryUnavailableError,
  SchemaUnusableError,
} from '../../../src/shared/errors.js';
import { loadSchemaRegistryConfig } from '../../../src/shared/schema/config.js';
import { SchemaDeserializer, schemaDeserializerFor } from '../../../src/shared/schema/deserializer.js';
import { SchemaRegistryClient } from '../../../src/shared/schema/registry-client.js';
import { type SchemaChoice, schemaSerializerFor } from '../../../src/shared/schema/serializer.js';
import { wireHeader } from '../../../src/shared/schema/wire.js';
import { registerSchema } from '../../support/schemas.js';

// A union and bytes: the JSON shapes a round trip must keep (a bare union branch, base64).
const PAYMENT_AVRO = JSON.stringify({
  type: 'record',
  name: 'Payment',
  fields: [
    { name: 'signature', type: 'bytes' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'amount', type: 'double' },
    { name: 'id', type: 'string' },
  ],
});
const ORDER_PROTO = `syntax = "proto3";
package shop.v1;
message Order { string id = 1; int64 cents = 2; message Line { string sku = 1; } }
message Refund { string order_id = 1; }`;
const ORDER_JSON = JSON.stringify({
  type: 'object',
  properties: { id: { type: 'string' }, cents: { type: 'integer', minimum: 0 } },
  required: ['id', 'cents'],
});

let registry: RunningSchemaRegistry;
let ids: { avro: number; protobuf: number; json: number };

const configFor = (url: string) => loadSchemaRegistryConfig({ SCHEMA_REGISTRY_URL: url });

async function serialize(choice: SchemaChoice, value: unknown): Promise<Buffer> {
  const encode = await schemaSerializerFor(configFor(registry.url)).encoder(choice);
  return encode(value);
}

beforeAll(async () => {
  registry = await startSchemaRegistry({ port: 0, log: () => {} });
  ids = {
    avro: await registerSchema(registry.url, 'payments-value', PAYMENT_AVRO),
    protobuf: await registerSchema(registry.url, 'orders.pb-value', ORDER_PROTO, 'PROTOBUF'),
    json: await registerSchema(registry.url, 'orders.json-value', ORDER_JSON, 'JSON'),
  };
});

afterAll(async () => {
  await registry.stop();
});

describe('SchemaDeserializer', () => {
  it.each([
    [
      'avro',
      { format: 'avro', selector: { subject: 'payments-value', version: 'latest' } },
      { id: 'o-1', amount: 12.5, note: 'gift', signature: 'AAEC' },
      'AVRO',
    ],
    [
      'protobuf (first message)',
      { format: 'protobuf', selector: { subject: 'orders.pb-value', version: 'latest' } },
      { id: 'o-1', cents: '1250' },
      'PROTOBUF',
    ],
    [
      'protobuf (by its message indexes)',
      {
        format: 'protobuf',
        selector: { subject: 'orders.pb-value', version: 'latest' },
        message: 'shop.v1.Order.Line',
      },
      { sku: 'a-1' },
      'PROTOBUF',
    ],
    [
      'protobuf (second message)',
      {
        format: 'protobuf',
        selector: { subject: 'orders.pb-value', version: 'latest' },
        message: 'shop.v1.Refund',
      },
      { orderId: 'o-1' },
      'PROTOBUF',
    ],
    [
      'jsonschema',
      { format: 'jsonschema', selector: { subject: 'orders.json-value', version: 'latest' } },
      { id: 'o-1', cents: 1250, extra: [true] },
      'JSON',
    ],
  ] as const)('round-trips %s with the serializer', async (_, choice, value, schemaType) => {
    // Prepare
    const bytes = await serialize(choice, value);
    const deserializer = schemaDeserializerFor(configFor(registry.url));

    // Act
    const decoded = await deserializer.deserialize(bytes);

    // Assess
    expect(decoded).toEqual({
      schemaId: expect.any(Number),
      schemaType,
      value,
    });
    expect(decoded.schemaId).toBe(bytes.readUInt32BE(1));
  });

  it('looks each schema up once, however many records it decodes', async () => {
    // Prepare
    const client = new SchemaRegistryClient({ ...configFor(registry.url), url: registry.url });
    const deserializer = new SchemaDeserializer(client);
    const avro = await serialize(
      { format: 'avro', selector: { id: ids.avro } },
      { id: 'o', amount: 1, note: null, signature: '' },
    );
    const protobuf = await serialize({ format: 'protobuf', selector: { id: ids.protobuf } }, { id: 'o' });

    // Act
    for (let i = 0; i < 5; i++) {
      await deserializer.deserialize(avro);
      await deserializer.deserialize(protobuf);
    }

    // Assess: Avro by id once; Protobuf by id, then in serialized form.
    expect(client.requests).toBe(3);
  });

  it.each([
    ['bytes without the magic byte', () => Buffer.from('{"id":"o-1"}')],
    ['bytes that end inside the header', () => Buffer.from([0, 0, 0])],
    ['an Avro payload cut short', () => Buffer.concat([wireHeader(ids.avro), Buffer.from([6, 0x6f])])],
  ])('refuses %s with SchemaDeserializationError', async (_, bytes) => {
    // Prepare
    const deserializer = schemaDeserializerFor(configFor(registry.url));

    // Act / Assess
    const error = await deserializer.deserialize(bytes()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaDeserializationError);
    expect(error).toMatchObject({ code: 'SCHEMA_DESERIALIZATION_FAILED', retriable: false });
  });

  it('refuses a JSON Schema value that no longer fits, and a Protobuf message index that does not exist', async () => {
    // Prepare
    const deserializer = schemaDeserializerFor(configFor(registry.url));
    const json = Buffer.concat([wireHeader(ids.json), Buffer.from('{"id":"o-1","cents":-1}')]);
    const protobuf = Buffer.concat([wireHeader(ids.protobuf, [7]), Buffer.from([])]);

    // Act / Assess
    await expect(deserializer.deserialize(json)).rejects.toThrow(/cents/);
    await expect(deserializer.deserialize(json)).rejects.toBeInstanceOf(SchemaDeserializationError);
    await expect(deserializer.deserialize(protobuf)).rejects.toBeInstanceOf(SchemaDeserializationError);
  });

  it('keeps the registry not knowing the id apart', async () => {
    const deserializer = schemaDeserializerFor(configFor(registry.url));

    await expect(deserializer.deserialize(wireHeader(9999))).rejects.toBeInstanceOf(SchemaNotFoundError);
  });

  it('reports a registry that cannot be reached as retriable', async () => {
    // Prepare: a port nothing listens on any more.
    const gone = await startSchemaRegistry({ port: 0, log: () => {} });
    await gone.stop();
    const deserializer = schemaDeserializerFor(configFor(gone.url));

    // Act
    const error = await deserializer.deserialize(wireHeader(1)).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(SchemaRegistryUnavailableError);
    expect(error).toMatchObject({ retriable: true });
  });

  it('needs a registry to decode with', () => {
    expect(() => schemaDeserializerFor(loadSchemaRegistryConfig({}))).toThrow(SchemaUnusableError);
  });
});
