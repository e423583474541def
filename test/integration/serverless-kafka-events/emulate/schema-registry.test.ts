/**
 * A mapping's schema registry step against the real broker and the real local registry (Kafka-backed, on
 * a topic of this file's own), with records written by Confluent's own JavaScript serdes
 * (@confluentinc/schemaregistry): JSON and SOURCE delivery, KEY/VALUE validation, filters on decoded
 * fields, SCHEMA_NOT_FOUND and DESERIALIZATION_ERROR to a Kafka destination without blocking, a registry
 * outage waited out, and a restart resuming from the committed offsets.
 */
import { create, createMutableRegistry } from '@bufbuild/protobuf';
import {
  AvroSerializer,
  JsonSerializer,
  ProtobufSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { DestinationRecord } from '../../../../src/serverless-kafka-events/emulate/destinations.js';
import type { KafkaEventRecord } from '../../../../src/serverless-kafka-events/emulate/event.js';
import { recordDecoder } from '../../../../src/serverless-kafka-events/emulate/schema-records.js';
import type { EventSource } from '../../../../src/serverless-kafka-events/emulate/sources.js';
import { loadSchemaRegistryConfig } from '../../../../src/shared/schema/config.js';
import { schemaDeserializerFor } from '../../../../src/shared/schema/deserializer.js';
import { wireHeader } from '../../../../src/shared/schema/wire.js';
import { createTestTopic, uniqueName } from '../../../support/kafka.js';
import { readWithKafkaPython } from '../../../support/peers.js';
import { ORDER_AVRO, ORDER_JSON_SCHEMA, orderMessage } from '../../../support/schemas.js';
import { startTestRegistry, type TestRegistry } from '../../schema-registry/harness.js';
import {
  captureLog,
  committedUpTo,
  fakeFunction,
  offsetsOf,
  startPoller,
  testSource,
  WAIT,
} from './harness.js';
import { produce } from './produce.js';

const bootstrap = inject('kafkaBrokers');

interface Order {
  id: string;
  cents: number;
}

/**
 * Confluent's serdes against the registry at `url`, each writing with the latest schema of its subject
 * (TopicNameStrategy: `<prefix>.<format>-key|value`), which this registers first: an Avro order value and
 * string key, a JSON Schema order; Protobuf registers its own from the message descriptor.
 */
async function confluentSerdes(url: string) {
  const client = new SchemaRegistryClient({ baseURLs: [url], maxRetries: 0 });
  const prefix = uniqueName('emulate-orders');
  await client.register(`${prefix}.avro-value`, { schemaType: 'AVRO', schema: ORDER_AVRO });
  await client.register(`${prefix}.avro-key`, { schemaType: 'AVRO', schema: '"string"' });
  await client.register(`${prefix}.json-value`, { schemaType: 'JSON', schema: ORDER_JSON_SCHEMA });
  const latest = { useLatestVersion: true };
  const avro = new AvroSerializer(client, SerdeType.VALUE, latest);
  const avroKey = new AvroSerializer(client, SerdeType.KEY, latest);
  const json = new JsonSerializer(client, SerdeType.VALUE, latest);
  const message = orderMessage(`${prefix}/order.proto`);
  const protobuf = new ProtobufSerializer(client, SerdeType.VALUE, {
    autoRegisterSchemas: true,
    registry: createMutableRegistry(message),
  });
  return {
    avro: (order: Order) => avro.serialize(`${prefix}.avro`, order),
    avroKey: (key: string) => avroKey.serialize(`${prefix}.avro`, key),
    json: (order: Order) => json.serialize(`${prefix}.json`, order),
    protobuf: (order: Order) =>
      protobuf.serialize(`${prefix}.proto`, create(message, { id: order.id, cents: BigInt(order.cents) })),
  };
}

/** The mapping's registry step through the registry at `url`, with a client (and cache) of its own. */
function decoderFor(url: string, source: EventSource) {
  const settings = source.schemaRegistry;
  if (!settings) throw new Error('the source has no schemaRegistry');
  return recordDecoder(
    settings,
    schemaDeserializerFor(loadSchemaRegistryConfig({ SCHEMA_REGISTRY_URL: url })),
  );
}

/** Starts the mapping's poller with its registry step through `url`, invoking a fake function. */
async function startDecoding(source: EventSource, url: string, log = captureLog()) {
  const fn = fakeFunction();
  const poller = await startPoller(bootstrap, source, fn.invoke, log, undefined, decoderFor(url, source));
  return { fn, poller };
}

/** A source topic and its Kafka destination topic. */
async function topicAndDestination(name: string) {
  return {
    topic: await createTestTopic(bootstrap, name),
    dlq: await createTestTopic(bootstrap, `${name}-dlq`),
  };
}

function registrySource(
  topic: string,
  eventRecordFormat: 'JSON' | 'SOURCE',
  attributes: ('KEY' | 'VALUE')[],
  overrides: Partial<EventSource> = {},
): EventSource {
  return testSource(bootstrap, topic, {
    windowMs: 100,
    schemaRegistry: {
      uri: 'arn:aws:glue:eu-west-1:000000000000:registry/orders',
      eventRecordFormat,
      attributes: new Set(attributes),
    },
    ...overrides,
  });
}

const text = (base64: string | null | undefined) =>
  base64 === null || base64 === undefined ? null : Buffer.from(base64, 'base64').toString();
const bytes = (base64: string | null | undefined) => Buffer.from(base64 ?? '', 'base64');

describe('offline Kafka poller with a schema registry', () => {
  let registry: TestRegistry;
  let serdes: Awaited<ReturnType<typeof confluentSerdes>>;

  beforeAll(async () => {
    registry = await startTestRegistry(bootstrap);
    serdes = await confluentSerdes(registry.url);
  });

  it('JSON: delivers Avro, Protobuf and JSON Schema values as JSON text; the key, not listed, untouched', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-sr-json');
    const source = registrySource(topic, 'JSON', ['VALUE']);
    const { fn } = await startDecoding(source, registry.url);
    const order = { id: 'o-1', cents: 1250 };
    const framed = [await serdes.avro(order), await serdes.protobuf(order), await serdes.json(order)];

    // Act
    await produce(
      bootstrap,
      topic,
      framed.map((value, i) => ({ key: `k-${i}`, value })),
    );

    // Assess
    const records = await vi.waitFor(() => {
      expect(fn.records()).toHaveLength(3);
      return fn.records();
    }, WAIT);
    expect(records.map((record) => JSON.parse(text(record.value) ?? ''))).toEqual([
      order,
      // Protobuf's canonical JSON writes an int64 as a string.
      { id: 'o-1', cents: '1250' },
      order,
    ]);
    expect(records.map((record) => record.valueSchemaMetadata?.dataFormat)).toEqual([
      'AVRO',
      'PROTOBUF',
      'JSON',
    ]);
    expect(records.map((record) => Number(record.valueSchemaMetadata?.schemaId))).toEqual(
      framed.map((value) => value.readUInt32BE(1)),
    );
    expect(records.map((record) => text(record.key))).toEqual(['k-0', 'k-1', 'k-2']);
    expect(records.some((record) => record.keySchemaMetadata !== undefined)).toBe(false);
  });

  it('SOURCE: delivers key and value payloads without the schema header, with their schema metadata', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-sr-source');
    const source = registrySource(topic, 'SOURCE', ['KEY', 'VALUE']);
    const { fn } = await startDecoding(source, registry.url);
    const key = await serdes.avroKey('k-1');
    const value = await serdes.avro({ id: 'o-2', cents: 99 });

    // Act
    await produce(bootstrap, topic, [{ key, value }]);

    // Assess
    const [record] = await vi.waitFor(() => {
      expect(fn.records()).toHaveLength(1);
      return fn.records();
    }, WAIT);
    expect(bytes(record?.key)).toEqual(key.subarray(5));
    expect(bytes(record?.value)).toEqual(value.subarray(5));
    expect(record?.keySchemaMetadata).toEqual({ dataFormat: 'AVRO', schemaId: String(key.readUInt32BE(1)) });
    expect(record?.valueSchemaMetadata).toEqual({
      dataFormat: 'AVRO',
      schemaId: String(value.readUInt32BE(1)),
    });
  });

  it('KEY only: validates and decodes the key, delivers the value bytes as written', async () => {
    // Prepare
    const { topic, dlq } = await topicAndDestination('okafka-sr-key');
    const source = registrySource(topic, 'JSON', ['KEY'], { destination: `kafka://${dlq}` });
    const { fn } = await startDecoding(source, registry.url);
    const key = await serdes.avroKey('k-1');
    const value = await serdes.avro({ id: 'o-3', cents: 7 });

    // Act: the second record's key is not in the wire format.
    await produce(bootstrap, topic, [
      { key, value },
      { key: 'plain', value },
      { key, value: 'not framed' },
    ]);

    // Assess
    await committedUpTo(bootstrap, source, 3);
    const records = fn.records();
    expect(offsetsOf(records)).toEqual([0, 2]);
    expect(records.map((record) => text(record.key))).toEqual(['"k-1"', '"k-1"']);
    expect(bytes(records[0]?.value)).toEqual(value);
    expect(text(records[1]?.value)).toBe('not framed');
    expect(records[0]?.valueSchemaMetadata).toBeUndefined();
    const [refused] = await readWithKafkaPython(bootstrap, dlq, 1);
    const document = JSON.parse(text(refused?.value) ?? '') as DestinationRecord;
    expect(document.requestContext.condition).toBe('DESERIALIZATION_ERROR');
    expect(document.KafkaBatchInfo.recordInfo.offset).toBe('1');
  });

  it('applies filter patterns to the decoded fields and commits past what they drop', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-sr-filter');
    const source = registrySource(topic, 'JSON', ['VALUE'], {
      filterPatterns: [{ value: { cents: [{ numeric: ['>=', 1000] }] } }],
    });
    const { fn } = await startDecoding(source, registry.url);
    const cents = [5, 1000, 20, 2500];

    // Act
    await produce(
      bootstrap,
      topic,
      await Promise.all(
        cents.map(async (c, i) => ({ value: await serdes.avro({ id: `o-${i}`, cents: c }) })),
      ),
    );

    // Assess
    await committedUpTo(bootstrap, source, 4);
    expect(fn.records().map((record) => JSON.parse(text(record.value) ?? '').cents)).toEqual([1000, 2500]);
  });

  it('sends an unknown schema id and an undecodable record to the Kafka destination and delivers the records after them', async () => {
    // Prepare
    const { topic, dlq } = await topicAndDestination('okafka-sr-refused');
    const source = registrySource(topic, 'JSON', ['VALUE'], { destination: `kafka://${dlq}` });
    const { fn } = await startDecoding(source, registry.url);
    const good = (n: number) => serdes.avro({ id: `o-${n}`, cents: n });
    const framed = await good(0);
    const unknownId = Buffer.concat([wireHeader(987_654), framed.subarray(5)]);
    // The header of a real schema, then a string length running past the end.
    const truncated = Buffer.concat([framed.subarray(0, 5), Buffer.from([0x7e])]);

    // Act
    await produce(bootstrap, topic, [
      { value: framed },
      { key: 'missing', value: unknownId },
      { key: 'broken', value: truncated },
      { value: await good(3) },
      { value: await good(4) },
    ]);

    // Assess
    await committedUpTo(bootstrap, source, 5);
    expect(offsetsOf(fn.records())).toEqual([0, 3, 4]);
    const written = await readWithKafkaPython(bootstrap, dlq, 2);
    expect(written.map((record) => text(record.key))).toEqual(['missing', 'broken']);
    const documents = written.map((record) => JSON.parse(text(record.value) ?? '') as DestinationRecord);
    expect(documents.map((document) => document.requestContext.condition)).toEqual([
      'SCHEMA_NOT_FOUND',
      'DESERIALIZATION_ERROR',
    ]);
    expect(documents.map((document) => document.KafkaBatchInfo.recordInfo.offset)).toEqual(['1', '2']);
    // The destination carries the record as it was consumed, header included.
    const payload = Object.values(documents[0]?.payload.records ?? {}).flat() as KafkaEventRecord[];
    expect(bytes(payload[0]?.value)).toEqual(unknownId);
  });

  it('waits out a stopped registry: nothing lost, nothing to the destination', async () => {
    // Prepare: a registry of its own, stopped once the records are serialized.
    const own = await startTestRegistry(bootstrap);
    const ownSerdes = await confluentSerdes(own.url);
    const values = await Promise.all([0, 1, 2].map((n) => ownSerdes.avro({ id: `o-${n}`, cents: n })));
    await own.stop();
    const { topic, dlq } = await topicAndDestination('okafka-sr-outage');
    const source = registrySource(topic, 'JSON', ['VALUE'], { destination: `kafka://${dlq}` });
    const log = captureLog();
    const { fn } = await startDecoding(source, own.url, log);
    await produce(
      bootstrap,
      topic,
      values.map((value) => ({ value })),
    );
    await vi.waitFor(() => {
      expect(log.lines.some((line) => line.includes('waits for the schema registry'))).toBe(true);
    }, WAIT);

    // Act
    await startTestRegistry(bootstrap, own.topic, own.port);

    // Assess
    await committedUpTo(bootstrap, source, 3);
    expect(fn.records().map((record) => JSON.parse(text(record.value) ?? '').id)).toEqual([
      'o-0',
      'o-1',
      'o-2',
    ]);
    expect(await readWithKafkaPython(bootstrap, dlq, 1, 3)).toEqual([]);
  });

  it('resumes from the committed offsets after a restart', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-sr-restart');
    const source = registrySource(topic, 'JSON', ['VALUE']);
    const order = (n: number) => serdes.avro({ id: `o-${n}`, cents: n });
    const { fn: first, poller } = await startDecoding(source, registry.url);
    await produce(bootstrap, topic, [{ value: await order(0) }, { value: await order(1) }]);
    await committedUpTo(bootstrap, source, 2);
    await poller.stop();

    // Act
    await produce(bootstrap, topic, [{ value: await order(2) }, { value: await order(3) }]);
    const { fn: second } = await startDecoding(source, registry.url);

    // Assess
    await vi.waitFor(() => expect(second.records()).toHaveLength(2), WAIT);
    expect(offsetsOf(first.records())).toEqual([0, 1]);
    expect(offsetsOf(second.records())).toEqual([2, 3]);
    expect(second.records().map((record) => JSON.parse(text(record.value) ?? '').id)).toEqual(['o-2', 'o-3']);
  });
});
