/**
 * The orders function reading SOURCE records against a real broker and the local registry: Avro orders
 * written by Python confluent-kafka's Producer, by Confluent's JavaScript serializer and by our produce API
 * (`valueFormat: avro`) are decoded by the consumer runtime with the registry; the summaries and the dead
 * letter are read back by kafka-python.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { repositoryRoot } from '../../../infra/kafka/broker.js';
import { type RunningSchemaRegistry, startSchemaRegistry } from '../../../src/schema-registry/server.js';
import { createConsumer } from '../../../src/shared/consumer/runtime.js';
import { ordersConsumer } from '../../../src/shared/orders/consumer.js';
import { loadSchemaRegistryConfig } from '../../../src/shared/schema/config.js';
import { schemaDeserializerFor } from '../../../src/shared/schema/deserializer.js';
import { afterFile } from '../../support/cleanup.js';
import { consumerContext } from '../../support/kafka-events.js';
import { produceAvroWithConfluentPython, readWithKafkaPython } from '../../support/peers.js';
import { produceHandler } from '../../support/produce.js';
import { registerSchema } from '../../support/schemas.js';
import { consumerTopics, eventFromTopic, produceInputs, testWriter } from './harness.js';

const bootstrap = inject('kafkaBrokers');

const order = (id: string, customerId: string, quantity: number) => ({
  id,
  customerId,
  items: [{ sku: 'BOOK-1', quantity, unitPriceCents: 1250 }],
  totalCents: quantity * 1250,
  currency: 'EUR',
  placedAt: 1_767_225_600_000,
  note: null,
});

describe('orders function, SOURCE records from Confluent clients and our produce API', () => {
  let registry: RunningSchemaRegistry;
  let topics: Awaited<ReturnType<typeof consumerTopics>>;

  beforeAll(async () => {
    registry = await startSchemaRegistry({ port: 0, log: () => {} });
    afterFile(() => registry.stop());
    topics = await consumerTopics(bootstrap, 'orders', 1);
    await registerSchema(
      registry.url,
      `${topics.input}-value`,
      await readFile(join(repositoryRoot, 'schemas', 'orders-value.avsc'), 'utf8'),
    );
  }, 300_000);

  it('summarizes every order, whoever serialized it, and dead-letters the record of an unknown schema', async () => {
    // Prepare: Python confluent-kafka, then Confluent's JavaScript serializer, then our produce API.
    const written = await produceAvroWithConfluentPython(bootstrap, registry.url, topics.input, [
      { key: 'o-1', value: order('o-1', 'c-py', 1) },
    ]);
    const client = new SchemaRegistryClient({ baseURLs: [registry.url], maxRetries: 0 });
    const javascript = await new AvroSerializer(client, SerdeType.VALUE, {
      useLatestVersion: true,
    }).serialize(topics.input, order('o-2', 'c-js', 2));
    const unknownSchema = Buffer.from(javascript);
    unknownSchema.writeUInt32BE(31_337, 1);
    const writer = testWriter(bootstrap);
    await produceInputs(writer, topics.input, [
      { key: 'o-2', value: javascript },
      { key: 'o-x', value: unknownSchema },
    ]);
    const api = await produceHandler(bootstrap, { SCHEMA_REGISTRY_URL: registry.url }).produce(topics.input, {
      valueFormat: 'avro',
      records: [{ key: 'o-3', value: order('o-3', 'c-api', 3) }],
    });
    const event = await eventFromTopic(bootstrap, topics.input, 4, 'self-managed');
    const handler = createConsumer(ordersConsumer('SOURCE'), {
      writer,
      outputTopic: topics.output,
      reportBatchItemFailures: true,
      writeTimeoutMs: 30_000,
      deserializer: schemaDeserializerFor(loadSchemaRegistryConfig({ SCHEMA_REGISTRY_URL: registry.url })),
    });

    // Act
    const response = await handler(event, consumerContext('orders'));

    // Assess
    expect([written, api.status]).toEqual([1, 200]);
    expect(response).toEqual({ batchItemFailures: [] });
    const outputs = await readWithKafkaPython(bootstrap, topics.output, 3);
    expect(
      outputs.map((record) => {
        const summary = JSON.parse(Buffer.from(record.value ?? '', 'base64').toString());
        return [
          Buffer.from(record.key ?? '', 'base64').toString(),
          summary.orderId,
          summary.units,
          summary.totalCents,
        ];
      }),
    ).toEqual([
      ['c-py', 'o-1', 1, 1250],
      ['c-js', 'o-2', 2, 2500],
      ['c-api', 'o-3', 3, 3750],
    ]);
    const [letter] = await readWithKafkaPython(bootstrap, topics.dlq, 1);
    expect(Buffer.from(letter?.value ?? '', 'base64')).toEqual(unknownSchema);
    const header = (name: string) =>
      Buffer.from(letter?.headers.find(([key]) => key === name)?.[1] ?? '', 'base64').toString();
    expect([header('dlq.error.class'), header('dlq.source.offset')]).toEqual(['SCHEMA_NOT_FOUND', '2']);
  });
});
