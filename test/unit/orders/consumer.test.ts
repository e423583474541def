/**
 * The orders function as Lambda invokes it: AWS-shaped events whose values are Avro orders as the mapping
 * delivers them in JSON format, and (SOURCE) as Confluent's Avro serializer writes them, decoded with the
 * local registry (in memory, on loopback) holding schemas/orders-value.avsc.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../infra/kafka/broker.js';
import { type RunningSchemaRegistry, startSchemaRegistry } from '../../../src/schema-registry/server.js';
import { createConsumer } from '../../../src/shared/consumer/runtime.js';
import { ordersConsumer } from '../../../src/shared/orders/consumer.js';
import { loadSchemaRegistryConfig } from '../../../src/shared/schema/config.js';
import { schemaDeserializerFor } from '../../../src/shared/schema/deserializer.js';
import { CONSUMER_TOPICS } from '../../../src/shared/topics.js';
import { consumerContext, headerText, memoryWriter, mskEvent } from '../../support/kafka-events.js';
import { registerSchema } from '../../support/schemas.js';

const { input, output, deadLetter } = CONSUMER_TOPICS.orders;
const placedAt = Date.UTC(2026, 0, 2, 3, 4, 5);

const order = (id: string, totalCents: number) => ({
  id,
  customerId: 'c-7',
  items: [
    { sku: 'mug', quantity: 2, unitPriceCents: 800 },
    { sku: 'tea', quantity: 1, unitPriceCents: 450 },
  ],
  totalCents,
  currency: 'EUR',
  placedAt,
  note: null,
});

/** The orders handler writing to memory; `SOURCE` decodes with the registry at `registryUrl`. */
function ordersHandler(format: 'JSON' | 'SOURCE', registryUrl?: string) {
  const { writer, on } = memoryWriter();
  const handler = createConsumer(ordersConsumer(format), {
    writer,
    outputTopic: output.name,
    reportBatchItemFailures: true,
    writeTimeoutMs: 5_000,
    deserializer: registryUrl
      ? schemaDeserializerFor(loadSchemaRegistryConfig({ SCHEMA_REGISTRY_URL: registryUrl }))
      : undefined,
  });
  return { handler, on };
}

const summary = (orderId: string) => ({
  orderId,
  customerId: 'c-7',
  lines: 2,
  units: 3,
  totalCents: 2050,
  currency: 'EUR',
  placedAt: '2026-01-02T03:04:05.000Z',
});

describe('orders function, JSON format (decoded by the mapping)', () => {
  it('summarizes each order keyed by customer, and dead-letters an order whose total does not add up', async () => {
    // Prepare
    const { handler, on } = ordersHandler('JSON');
    const event = mskEvent({
      records: [
        { topic: input.name, offset: 10, key: 'o-1', value: order('o-1', 2050) },
        // Avro's JSON encoding of a union branch, as a mapping may write it.
        {
          topic: input.name,
          offset: 11,
          key: 'o-2',
          value: { ...order('o-2', 2050), note: { string: 'gift' } },
        },
        { topic: input.name, offset: 12, key: 'o-3', value: order('o-3', 9999) },
        { topic: input.name, offset: 13, key: 'o-4', value: { ...order('o-4', 2050), currency: 'JPY' } },
      ],
    });

    // Act
    const response = await handler(event, consumerContext('orders'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(on(output.name).map((record) => [String(record.key), JSON.parse(String(record.value))])).toEqual([
      ['c-7', summary('o-1')],
      ['c-7', summary('o-2')],
    ]);
    const letters = Object.fromEntries(
      on(deadLetter.name).map((record) => [headerText(record, 'dlq.source.offset'), record]),
    );
    expect(Object.keys(letters).sort()).toEqual(['12', '13']);
    expect(headerText(letters['12'] as never, 'dlq.error.class')).toBe('RECORD_REJECTED');
    expect(headerText(letters['12'] as never, 'dlq.error.message')).toContain('not the sum of its lines');
    expect(headerText(letters['13'] as never, 'dlq.error.class')).toBe('RECORD_SCHEMA_INVALID');
  });
});

describe('orders function, SOURCE format (decoded with the registry)', () => {
  let registry: RunningSchemaRegistry;

  beforeAll(async () => {
    registry = await startSchemaRegistry({ port: 0, log: () => {} });
    await registerSchema(
      registry.url,
      'orders-value',
      readFileSync(join(repositoryRoot, 'schemas', 'orders-value.avsc'), 'utf8'),
    );
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it("reads what Confluent's Avro serializer wrote, and dead-letters bytes of no registered schema", async () => {
    // Prepare
    const client = new SchemaRegistryClient({ baseURLs: [registry.url], maxRetries: 0 });
    const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true });
    const written = await serializer.serialize(input.name, { ...order('o-9', 2050), note: 'gift' });
    const unknown = Buffer.from(written);
    unknown.writeUInt32BE(777_777, 1);
    const { handler, on } = ordersHandler('SOURCE', registry.url);
    const event = mskEvent({
      records: [
        { topic: input.name, offset: 0, key: 'o-9', value: written },
        { topic: input.name, offset: 1, key: 'o-x', value: unknown },
      ],
    });

    // Act
    const response = await handler(event, consumerContext('orders'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(on(output.name).map((record) => JSON.parse(String(record.value)))).toEqual([summary('o-9')]);
    const [letter] = on(deadLetter.name);
    expect(letter?.value).toEqual(unknown);
    expect(headerText(letter as never, 'dlq.error.class')).toBe('SCHEMA_NOT_FOUND');
    expect(headerText(letter as never, 'dlq.source.offset')).toBe('1');
  });
});
