/**
 * Producing with schema formats through the handler, against the local registry (in memory, on loopback),
 * with Confluent's JavaScript deserializers as the oracle of what was written.
 */
import {
  AvroDeserializer,
  SchemaRegistryClient as ConfluentClient,
  JsonDeserializer,
  ProtobufDeserializer,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSchemaRegistry, startSchemaRegistry } from '../../../src/schema-registry/server.js';
import { memoryWriter } from '../../support/kafka-events.js';
import { produceApi } from '../../support/produce.js';
import { FULL_ORDER_AVRO, ORDER_JSON_SCHEMA, registerSchema } from '../../support/schemas.js';

const ORDER_PROTO = `syntax = "proto3";
package shop.v1;
message Order { string id = 1; int64 cents = 2; repeated string tags = 3; }
message Refund { string order_id = 1; }`;

let registry: RunningSchemaRegistry;
let confluent: ConfluentClient;

const register = (subject: string, schema: string, schemaType?: 'AVRO' | 'PROTOBUF' | 'JSON') =>
  registerSchema(registry.url, subject, schema, schemaType);

function produceWith(url: string | undefined) {
  const { writer, written } = memoryWriter();
  const { produce, schemas } = produceApi(writer, url ? { SCHEMA_REGISTRY_URL: url } : {});
  return { produce, written, client: schemas.registry };
}

beforeAll(async () => {
  registry = await startSchemaRegistry({ port: 0, log: () => {} });
  confluent = new ConfluentClient({ baseURLs: [registry.url], maxRetries: 0 });
  await register('orders-value', FULL_ORDER_AVRO);
  await register(
    'orders-key',
    JSON.stringify({ type: 'record', name: 'OrderKey', fields: [{ name: 'id', type: 'string' }] }),
  );
  await register('orders.pb-value', ORDER_PROTO, 'PROTOBUF');
  await register('orders.json-value', ORDER_JSON_SCHEMA, 'JSON');
});
afterAll(() => registry.stop());

describe('produce with a schema', () => {
  it('writes avro keys and values in the wire format, from the topic subjects by default', async () => {
    // Prepare
    const { produce, written } = produceWith(registry.url);

    // Act
    const response = await produce('orders', {
      keyFormat: 'avro',
      valueFormat: 'avro',
      records: [
        { key: { id: 'o-1' }, value: { id: 'o-1', amount: 12.5 } },
        { key: { id: 'o-2' }, value: null },
      ],
    });

    // Assess: Confluent's deserializer reads what was written.
    expect(response.status).toBe(200);
    const values = new AvroDeserializer(confluent, SerdeType.VALUE, {});
    const keys = new AvroDeserializer(confluent, SerdeType.KEY, {});
    expect(await values.deserialize('orders', written[0]?.value as Buffer)).toEqual({
      id: 'o-1',
      amount: 12.5,
      note: null,
      items: [],
      status: 'NEW',
      digest: null,
    });
    expect(await keys.deserialize('orders', written[1]?.key as Buffer)).toEqual({ id: 'o-2' });
    expect(written[1]?.value).toBeNull();
  });

  it('writes protobuf with the message chosen and its indexes, and jsonschema as the JSON sent', async () => {
    // Prepare
    const { produce, written } = produceWith(registry.url);
    const jsonValue = '{"id": "o-1", "cents": 1250}';

    // Act
    const protobuf = await produce('orders.pb', {
      valueFormat: 'protobuf',
      valueSchema: { subject: 'orders.pb-value', message: 'shop.v1.Refund' },
      records: [{ value: { orderId: 'o-1' } }],
    });
    const firstMessage = await produce('orders.pb', {
      valueFormat: 'protobuf',
      records: [{ value: { id: 'o-2', cents: '1250', tags: ['a'] } }],
    });
    const json = await produce(
      'orders.json',
      `{"valueFormat": "jsonschema", "records": [{"value": ${jsonValue}}]}`,
    );

    // Assess
    expect([protobuf.status, firstMessage.status, json.status]).toEqual([200, 200, 200]);
    const [refund, order, jsonRecord] = written.map((record) => record.value as Buffer);
    const protobufReader = new ProtobufDeserializer(confluent, SerdeType.VALUE, {});
    expect(await protobufReader.deserialize('orders.pb', refund as Buffer)).toMatchObject({
      $typeName: 'shop.v1.Refund',
      orderId: 'o-1',
    });
    expect(await protobufReader.deserialize('orders.pb', order as Buffer)).toMatchObject({
      $typeName: 'shop.v1.Order',
      id: 'o-2',
      cents: 1250n,
      tags: ['a'],
    });
    expect(jsonRecord?.subarray(5).toString()).toBe(jsonValue);
    expect(
      await new JsonDeserializer(confluent, SerdeType.VALUE, {}).deserialize(
        'orders.json',
        jsonRecord as Buffer,
      ),
    ).toEqual({ id: 'o-1', cents: 1250 });
  });

  it('refuses values that do not fit with 400, naming every record and field, and writes nothing', async () => {
    // Prepare
    const { produce, written } = produceWith(registry.url);

    // Act
    const response = await produce('orders', {
      valueFormat: 'avro',
      records: [
        { value: { id: 'o-1', amount: 1 } },
        { value: { id: 'o-2', amount: 'lots', colour: 'red' } },
        { value: { amount: 3 } },
      ],
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('SCHEMA_VALIDATION_FAILED');
    expect(response.body.error.details).toEqual([
      expect.objectContaining({ field: 'records[1].value.amount', message: 'must be a double (a number)' }),
      expect.objectContaining({
        field: 'records[1].value.colour',
        message: 'is not a field of record shop.Order',
      }),
      expect.objectContaining({ field: 'records[2].value.id', message: 'required: a string' }),
    ]);
    expect(written).toEqual([]);
  });

  it('refuses text Avro would change (a lone surrogate) instead of writing U+FFFD', async () => {
    // Prepare
    const { produce, written } = produceWith(registry.url);

    // Act
    const response = await produce(
      'orders',
      '{"valueFormat": "avro", "records": [{"value": {"id": "\\ud800", "amount": 1}}]}',
    );

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].field).toBe('records[0].value.id');
    expect(written).toEqual([]);
  });

  it.each([
    [{ subject: 'nothing-value' }, 404, 'SCHEMA_SUBJECT_NOT_FOUND'],
    [{ subject: 'orders-value', version: 42 }, 404, 'SCHEMA_VERSION_NOT_FOUND'],
    [{ id: 424_242 }, 404, 'SCHEMA_NOT_FOUND'],
    [{ subject: 'orders.pb-value' }, 422, 'SCHEMA_UNUSABLE'],
  ])('answers a schema that cannot be had, %j, with %i %s', async (valueSchema, status, code) => {
    // Prepare
    const { produce } = produceWith(registry.url);

    // Act
    const response = await produce('orders', {
      valueFormat: 'avro',
      valueSchema,
      records: [{ value: { id: 'o' } }],
    });

    // Assess
    expect([response.status, response.body.error.code]).toEqual([status, code]);
  });

  it('answers 503 with Retry-After when the registry is unreachable, and 422 when there is none', async () => {
    // Prepare: a registry that was stopped.
    const gone = await startSchemaRegistry({ port: 0, log: () => {} });
    await gone.stop();
    const unreachable = produceWith(gone.url);
    const none = produceWith(undefined);
    const body = { valueFormat: 'avro', records: [{ value: { id: 'o-1', amount: 1 } }] };

    // Act
    const down = await unreachable.produce('orders', body);
    const missing = await none.produce('orders', body);

    // Assess
    expect([down.status, down.body.error.code, down.headers['retry-after']]).toEqual([
      503,
      'SCHEMA_REGISTRY_UNAVAILABLE',
      '1',
    ]);
    expect([missing.status, missing.body.error.code]).toEqual([422, 'SCHEMA_UNUSABLE']);
  });

  it.each([
    [{ valueFormat: 'json', valueSchema: { subject: 's' } }, 'valueSchema'],
    [{ valueFormat: 'avro', valueSchema: { version: 1, id: 1 } }, 'valueSchema.version'],
    [{ valueFormat: 'avro', valueSchema: { message: 'a.B' } }, 'valueSchema.message'],
    [{ valueFormat: 'avro', valueSchema: { version: 0 } }, 'valueSchema.version'],
  ])('refuses %j naming %s', async (settings, field) => {
    // Prepare
    const { produce } = produceWith(registry.url);

    // Act
    const response = await produce('orders', { ...settings, records: [{ value: { id: 'o' } }] });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((detail: { field: string }) => detail.field)).toContain(field);
  });

  it('looks up nothing once warm: latest and the compiled schema are reused', async () => {
    // Prepare
    const { produce, client } = produceWith(registry.url);
    const body = { valueFormat: 'avro', records: [{ value: { id: 'o-1', amount: 1 } }] };
    await produce('orders', body);
    const warm = client?.requests;

    // Act
    for (let i = 0; i < 5; i++) await produce('orders', body);

    // Assess
    expect(client?.requests).toBe(warm);
  });
});
