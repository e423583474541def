/**
 * Producing with the avro, protobuf and jsonschema formats against a real broker and the local registry:
 * what the API answered as written is read back by kafka-python at its partition and offset, and its bytes
 * are deserialized by clients we did not write: Confluent's JavaScript deserializers and Python
 * confluent-kafka's.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AvroDeserializer,
  SchemaRegistryClient as ConfluentClient,
  JsonDeserializer,
  ProtobufDeserializer,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { repositoryRoot } from '../../../infra/kafka/broker.js';
import { type RunningSchemaRegistry, startSchemaRegistry } from '../../../src/schema-registry/server.js';
import { afterFile } from '../../support/cleanup.js';
import { produceEvent } from '../../support/http-events.js';
import { createTestTopic } from '../../support/kafka.js';
import { deserializeWithConfluentPython, type PeerRecord, readWithKafkaPython } from '../../support/peers.js';
import { produceHandler } from '../../support/produce.js';
import { registerSchema } from '../../support/schemas.js';

const bootstrap = inject('kafkaBrokers');

const ORDER_PROTO = `syntax = "proto3";
package shop.v1;
import "google/protobuf/timestamp.proto";
message Order {
  string id = 1;
  int64 total_cents = 2;
  repeated Line lines = 3;
  google.protobuf.Timestamp placed_at = 4;
  message Line { string sku = 1; uint32 quantity = 2; }
}
message Refund { string order_id = 1; int64 cents = 2; }`;

const ORDER_JSON_SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    id: { type: 'string' },
    totalCents: { type: 'integer', minimum: 0 },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['id', 'totalCents'],
  additionalProperties: false,
});

/** The orders of the service's own example (schemas/orders-value.avsc). */
const orders = [
  {
    id: 'o-1001',
    customerId: 'c-42',
    items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 }],
    totalCents: 2500,
    placedAt: 1_767_225_600_000,
  },
  {
    id: 'o-1002',
    customerId: 'c-7',
    items: [],
    totalCents: 0,
    currency: 'GBP',
    placedAt: 1_767_225_601_000,
    note: 'gift',
  },
];

let registry: RunningSchemaRegistry;
let confluent: ConfluentClient;
let api: ReturnType<typeof produceHandler>;

const register = (subject: string, schema: string, schemaType: 'AVRO' | 'PROTOBUF' | 'JSON') =>
  registerSchema(registry.url, subject, schema, schemaType);

/** The values the API reported written, as kafka-python read them at those partitions and offsets. */
async function readBack(topic: string, written: { partition: number; offset: string }[]): Promise<Buffer[]> {
  const read: PeerRecord[] = await readWithKafkaPython(bootstrap, topic, written.length);
  return written.map(({ partition, offset }) => {
    const record = read.find(
      (candidate) => candidate.partition === partition && String(candidate.offset) === offset,
    );
    if (!record?.value) throw new Error(`nothing at ${topic} ${partition}/${offset}`);
    return Buffer.from(record.value, 'base64');
  });
}

beforeAll(async () => {
  registry = await startSchemaRegistry({ port: 0, log: () => {} });
  afterFile(() => registry.stop());
  confluent = new ConfluentClient({ baseURLs: [registry.url], maxRetries: 0 });
  api = produceHandler(bootstrap, { SCHEMA_REGISTRY_URL: registry.url });
}, 300_000);

describe('produce with schema formats, read back by independent clients', () => {
  it('writes avro values of the orders schema that Confluent JavaScript and Python deserialize', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'orders-avro', { partitions: 3 });
    await register(
      `${topic}-value`,
      await readFile(join(repositoryRoot, 'schemas', 'orders-value.avsc'), 'utf8'),
      'AVRO',
    );

    // Act
    const answer = await api.produce(topic, {
      valueFormat: 'avro',
      records: orders.map((value) => ({ key: value.id, value })),
    });

    // Assess
    expect(answer.status).toBe(200);
    const values = await readBack(topic, answer.body.records);
    const expected = orders.map((order) => ({ currency: 'EUR', note: null, ...order }));
    const javascript = new AvroDeserializer(confluent, SerdeType.VALUE, {});
    expect(await Promise.all(values.map((value) => javascript.deserialize(topic, value)))).toEqual(expected);
    expect(await deserializeWithConfluentPython(registry.url, topic, 'avro', values)).toEqual(expected);
  });

  it('writes protobuf messages, the first or the one named, that Confluent JavaScript and Python deserialize', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'orders-protobuf', { partitions: 1 });
    await register(`${topic}-value`, ORDER_PROTO, 'PROTOBUF');
    const order = {
      id: 'o-1',
      totalCents: '9007199254740993',
      lines: [{ sku: 'BOOK-1', quantity: 2 }],
      placedAt: '2026-01-02T03:04:05Z',
    };
    const refund = { orderId: 'o-1', cents: '250' };

    // Act
    const first = await api.produce(topic, { valueFormat: 'protobuf', records: [{ value: order }] });
    const named = await api.produce(topic, {
      valueFormat: 'protobuf',
      valueSchema: { message: 'shop.v1.Refund' },
      records: [{ value: refund }],
    });

    // Assess
    expect([first.status, named.status]).toEqual([200, 200]);
    const values = await readBack(topic, [...first.body.records, ...named.body.records]);
    const javascript = new ProtobufDeserializer(confluent, SerdeType.VALUE, {});
    const decoded = await Promise.all(values.map((value) => javascript.deserialize(topic, value)));
    expect(decoded.map((message) => message.$typeName)).toEqual(['shop.v1.Order', 'shop.v1.Refund']);
    expect(decoded[0]).toMatchObject({ id: 'o-1', totalCents: 9_007_199_254_740_993n });
    expect(decoded[1]).toMatchObject({ orderId: 'o-1', cents: 250n });
    expect(await deserializeWithConfluentPython(registry.url, topic, 'protobuf', values)).toEqual([
      { type: 'shop.v1.Order', value: order },
      { type: 'shop.v1.Refund', value: refund },
    ]);
  });

  it('writes jsonschema values as the JSON sent, which Confluent JavaScript and Python deserialize', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'orders-json', { partitions: 1 });
    await register(`${topic}-value`, ORDER_JSON_SCHEMA, 'JSON');
    const text = '{"id": "o-1", "totalCents": 2500, "tags": ["gift"]}';

    // Act
    const answer = await api.invoke(
      produceEvent(topic, { rawBody: `{"valueFormat": "jsonschema", "records": [{"value": ${text}}]}` }),
    );

    // Assess
    expect(answer.status).toBe(200);
    const [value] = await readBack(topic, answer.body.records);
    expect(value?.subarray(5).toString()).toBe(text);
    const javascript = new JsonDeserializer(confluent, SerdeType.VALUE, {});
    expect(await javascript.deserialize(topic, value as Buffer)).toEqual(JSON.parse(text));
    expect(
      await deserializeWithConfluentPython(registry.url, topic, 'jsonschema', [value as Buffer]),
    ).toEqual([JSON.parse(text)]);
  });
});
