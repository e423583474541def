/** The mapping's registry step against the local registry (in memory, on loopback). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSchemaRegistry, startSchemaRegistry } from '../../../../src/schema-registry/server.js';
import { recordDecoder } from '../../../../src/serverless-kafka-events/emulate/schema-records.js';
import type { SchemaRegistrySettings } from '../../../../src/serverless-kafka-events/emulate/sources.js';
import type { ConsumedMessage } from '../../../../src/shared/kafka/group-consumer.js';
import { loadSchemaRegistryConfig } from '../../../../src/shared/schema/config.js';
import {
  type SchemaDeserializer,
  schemaDeserializerFor,
} from '../../../../src/shared/schema/deserializer.js';
import { schemaSerializerFor } from '../../../../src/shared/schema/serializer.js';
import { wireHeader } from '../../../../src/shared/schema/wire.js';
import { ORDER_AVRO, registerSchema } from '../../../support/schemas.js';

// Two messages: a record of the second carries message indexes [1] after its schema id.
const REFUNDS_PROTO = `syntax = "proto3";
package shop;
message Order { string id = 1; }
message Refund { string order_id = 1; int64 cents = 2; }
`;

let registry: RunningSchemaRegistry;
let deserializer: SchemaDeserializer;
let framed: Buffer;
let framedRefund: Buffer;

const settings = (
  eventRecordFormat: 'JSON' | 'SOURCE',
  attributes: ('KEY' | 'VALUE')[] = ['VALUE'],
): SchemaRegistrySettings => ({
  uri: 'https://registry.example',
  eventRecordFormat,
  attributes: new Set(attributes),
});

const record = (value: Buffer | null, key: Buffer | null = Buffer.from('k-1')): ConsumedMessage => ({
  offset: '0',
  timestamp: '0',
  timestampType: 'CREATE_TIME',
  key,
  value,
  headers: {},
});

beforeAll(async () => {
  registry = await startSchemaRegistry({ port: 0, log: () => {} });
  await registerSchema(registry.url, 'orders-value', ORDER_AVRO);
  await registerSchema(registry.url, 'refunds-value', REFUNDS_PROTO, 'PROTOBUF');
  const config = loadSchemaRegistryConfig({ SCHEMA_REGISTRY_URL: registry.url });
  deserializer = schemaDeserializerFor(config);
  const encode = await schemaSerializerFor(config).encoder({
    format: 'avro',
    selector: { subject: 'orders-value', version: 'latest' },
  });
  framed = encode({ id: 'o-1', cents: 1250 });
  const encodeRefund = await schemaSerializerFor(config).encoder({
    format: 'protobuf',
    selector: { subject: 'refunds-value', version: 'latest' },
    message: 'shop.Refund',
  });
  framedRefund = encodeRefund({ orderId: 'o-1', cents: 1250 });
});

afterAll(async () => {
  await registry.stop();
});

describe('recordDecoder', () => {
  it('JSON: delivers the decoded value as JSON text with its schema metadata; an unlisted key passes untouched', async () => {
    // Act
    const outcome = await recordDecoder(settings('JSON'), deserializer)(record(framed));

    // Assess
    expect(outcome.kind).toBe('decoded');
    if (outcome.kind !== 'decoded') return;
    expect(outcome.message.value?.toString()).toBe('{"id":"o-1","cents":1250}');
    expect(outcome.message.valueSchemaMetadata).toEqual({
      dataFormat: 'AVRO',
      schemaId: String(framed.readUInt32BE(1)),
    });
    expect(outcome.message.key?.toString()).toBe('k-1');
    expect(outcome.message.keySchemaMetadata).toBeUndefined();
    expect(outcome.filterValue?.toString()).toBe('{"id":"o-1","cents":1250}');
  });

  it('SOURCE: delivers the payload without the schema header, and filters on the decoded value', async () => {
    const outcome = await recordDecoder(settings('SOURCE'), deserializer)(record(framed));

    expect(outcome.kind === 'decoded' && outcome.message.value).toEqual(framed.subarray(5));
    expect(outcome.kind === 'decoded' && outcome.filterValue?.toString()).toBe('{"id":"o-1","cents":1250}');
  });

  it('SOURCE: removes only the magic byte and schema id, keeping Protobuf message indexes', async () => {
    const outcome = await recordDecoder(settings('SOURCE'), deserializer)(record(framedRefund));

    expect(outcome.kind === 'decoded' && outcome.message.value).toEqual(framedRefund.subarray(5));
    // Message indexes [1]: a count of 1 and the index 1, each a zigzag varint.
    expect([...framedRefund.subarray(5, 7)]).toEqual([2, 2]);
    expect(outcome.kind === 'decoded' && outcome.filterValue?.toString()).toBe(
      '{"orderId":"o-1","cents":"1250"}',
    );
  });

  it('leaves tombstones and null keys alone', async () => {
    const outcome = await recordDecoder(settings('JSON', ['KEY', 'VALUE']), deserializer)(record(null, null));

    expect(outcome).toMatchObject({ kind: 'decoded', message: { key: null, value: null } });
  });

  it.each([
    [
      'an id the registry does not have',
      () => Buffer.concat([wireHeader(4242), framed.subarray(5)]),
      'SCHEMA_NOT_FOUND',
    ],
    ['bytes not in the wire format', () => Buffer.from('{"id":"o-1"}'), 'DESERIALIZATION_ERROR'],
    ['a payload that does not decode', () => framed.subarray(0, 7), 'DESERIALIZATION_ERROR'],
  ])('rejects %s', async (_, value, condition) => {
    const outcome = await recordDecoder(settings('JSON'), deserializer)(record(value()));

    expect(outcome).toMatchObject({ kind: 'rejected', condition });
  });

  it('rejects a key that does not decode when KEY is listed', async () => {
    const outcome = await recordDecoder(settings('JSON', ['KEY', 'VALUE']), deserializer)(record(framed));

    expect(outcome).toMatchObject({ kind: 'rejected', condition: 'DESERIALIZATION_ERROR' });
  });
});
