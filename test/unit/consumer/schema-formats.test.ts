/**
 * The consumer runtime's schema registry formats: records the mapping decoded (`JSON`), and bytes decoded
 * here with the registry (`SOURCE`), framed by Confluent's serializers or stripped of their header by a
 * mapping with a registry. The registry is the local one, in memory on loopback; the failure classes use a
 * stub deserializer (the unit seam).
 */
import {
  AvroSerializer,
  SchemaRegistryClient as ConfluentClient,
  JsonSerializer,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type RunningSchemaRegistry, startSchemaRegistry } from '../../../src/schema-registry/server.js';
import { ConfigurationError } from '../../../src/shared/config.js';
import {
  decodeRecord,
  type RecordDeserializer,
  type RecordFormats,
} from '../../../src/shared/consumer/decode.js';
import { handlePartition } from '../../../src/shared/consumer/handle.js';
import { createConsumer } from '../../../src/shared/consumer/runtime.js';
import {
  SchemaRegistryAuthenticationError,
  SchemaRegistryUnavailableError,
} from '../../../src/shared/errors.js';
import { loadSchemaRegistryConfig } from '../../../src/shared/schema/config.js';
import { type SchemaDeserializer, schemaDeserializerFor } from '../../../src/shared/schema/deserializer.js';
import { schemaSerializerFor } from '../../../src/shared/schema/serializer.js';
import { kafkaRecord, memoryWriter } from '../../support/kafka-events.js';
import { ORDER_AVRO, ORDER_JSON_SCHEMA, registerSchema } from '../../support/schemas.js';

// The second message, nested: its message indexes are [1, 0], not the short [0].
const PROTO = `syntax = "proto3";
package shop.v1;
message Other { string x = 1; }
message Envelope { message Payment { string id = 1; int64 cents = 2; } }`;
const KEY_AVRO = JSON.stringify({
  type: 'record',
  name: 'PaymentKey',
  fields: [{ name: 'id', type: 'string' }],
});

// Protobuf's JSON writes an int64 as a string (proto3 JSON mapping): coerced, as a function reading both would.
const Payment = z.object({ id: z.string().min(1), cents: z.coerce.number().int() });
const payment = { id: 'p-1', cents: 1250 };

let registry: RunningSchemaRegistry;
let deserializer: SchemaDeserializer;
let client: ConfluentClient;
let ids: { avro: number; json: number; protobuf: number; key: number };

beforeAll(async () => {
  registry = await startSchemaRegistry({ port: 0, log: () => {} });
  deserializer = schemaDeserializerFor(loadSchemaRegistryConfig({ SCHEMA_REGISTRY_URL: registry.url }));
  client = new ConfluentClient({ baseURLs: [registry.url], maxRetries: 0 });
  ids = {
    avro: await registerSchema(registry.url, 'payments-value', ORDER_AVRO),
    json: await registerSchema(registry.url, 'payments.json-value', ORDER_JSON_SCHEMA, 'JSON'),
    protobuf: await registerSchema(registry.url, 'payments.pb-value', PROTO, 'PROTOBUF'),
    key: await registerSchema(registry.url, 'payments-key', KEY_AVRO),
  };
});

afterAll(async () => {
  await registry?.stop();
});

/** Bytes as Confluent's JavaScript serializers write them (magic byte, schema id, payload). */
async function confluentBytes(format: 'avro' | 'jsonschema', topic: string, value: unknown): Promise<Buffer> {
  const Serializer = format === 'avro' ? AvroSerializer : JsonSerializer;
  return new Serializer(client, SerdeType.VALUE, { useLatestVersion: true }).serialize(topic, value);
}

/** Protobuf bytes of the nested message, as our serializer writes them (message indexes [1, 0]). */
async function protobufBytes(value: unknown): Promise<Buffer> {
  const encode = await schemaSerializerFor(
    loadSchemaRegistryConfig({ SCHEMA_REGISTRY_URL: registry.url }),
  ).encoder({
    format: 'protobuf',
    selector: { id: ids.protobuf },
    message: 'shop.v1.Envelope.Payment',
  });
  return encode(value);
}

const source = (format: 'avro' | 'protobuf' | 'jsonschema'): RecordFormats<z.infer<typeof Payment>> => ({
  value: { format, eventRecordFormat: 'SOURCE', schema: Payment },
});

describe('JSON: the record as the mapping decoded it', () => {
  it('reads the JSON text of an Avro, Protobuf or JSON Schema record and checks it with zod', async () => {
    // Prepare
    const formats = ['avro', 'protobuf', 'jsonschema'] as const;

    // Act
    const decoded = await Promise.all(
      formats.map((format) =>
        decodeRecord(
          kafkaRecord({
            topic: 'payments',
            offset: 0,
            value: payment,
            valueSchemaMetadata: { dataFormat: 'AVRO', schemaId: '1' },
          }),
          { value: { format, eventRecordFormat: 'JSON', schema: Payment } },
        ),
      ),
    );
    const invalid = await decodeRecord(kafkaRecord({ topic: 'payments', offset: 1, value: { id: 'p' } }), {
      value: { format: 'avro', eventRecordFormat: 'JSON', schema: Payment },
    });

    // Assess
    for (const result of decoded) expect(result).toMatchObject({ kind: 'record', record: { data: payment } });
    expect(invalid).toMatchObject({ kind: 'poison', error: { code: 'RECORD_SCHEMA_INVALID' } });
  });
});

describe('SOURCE: bytes decoded with the registry', () => {
  it("decodes what Confluent's serializers and ours frame, in all three formats", async () => {
    // Prepare
    const values = {
      avro: await confluentBytes('avro', 'payments', payment),
      jsonschema: await confluentBytes('jsonschema', 'payments.json', payment),
      protobuf: await protobufBytes(payment),
    };

    // Act
    const decoded = await Promise.all(
      (['avro', 'jsonschema', 'protobuf'] as const).map((format) =>
        decodeRecord(
          kafkaRecord({ topic: 't', offset: 0, value: values[format] }),
          source(format),
          deserializer,
        ),
      ),
    );

    // Assess
    expect(values.avro.readUInt32BE(1)).toBe(ids.avro);
    for (const result of decoded) expect(result).toMatchObject({ kind: 'record', record: { data: payment } });
  });

  it('puts back the header a mapping with a registry removed, from its schema metadata', async () => {
    // Prepare: the mapping strips the magic byte and the schema id; Protobuf's message indexes stay.
    const avro = (await confluentBytes('avro', 'payments', payment)).subarray(5);
    const protobuf = (await protobufBytes(payment)).subarray(5);
    const record = (value: Buffer, dataFormat: string, schemaId: number) =>
      kafkaRecord({
        topic: 't',
        offset: 0,
        value,
        valueSchemaMetadata: { dataFormat, schemaId: String(schemaId) },
      });

    // Act
    const fromAvro = await decodeRecord(record(avro, 'AVRO', ids.avro), source('avro'), deserializer);
    const fromProtobuf = await decodeRecord(
      record(protobuf, 'PROTOBUF', ids.protobuf),
      source('protobuf'),
      deserializer,
    );
    const glue = await decodeRecord(
      kafkaRecord({
        topic: 't',
        offset: 0,
        value: avro,
        valueSchemaMetadata: { dataFormat: 'AVRO', schemaId: 'a1b2c3d4-0000-4000-8000-000000000000' },
      }),
      source('avro'),
      deserializer,
    );

    // Assess
    expect(fromAvro).toMatchObject({ kind: 'record', record: { data: payment } });
    expect(fromProtobuf).toMatchObject({ kind: 'record', record: { data: payment } });
    expect(glue).toMatchObject({ kind: 'poison', error: { code: 'RECORD_UNDECODABLE' } });
    if (glue.kind === 'poison') expect(glue.error.message).toContain('eventRecordFormat JSON');
  });

  it('decodes keys when the function declares their format, and leaves a null key null', async () => {
    // Prepare
    const key = await new AvroSerializer(client, SerdeType.KEY, { useLatestVersion: true }).serialize(
      'payments',
      { id: 'p-1' },
    );
    const value = await confluentBytes('avro', 'payments', payment);
    const formats = {
      ...source('avro'),
      key: {
        format: 'avro' as const,
        eventRecordFormat: 'SOURCE' as const,
        schema: z.object({ id: z.string() }),
      },
    };

    // Act
    const keyed = await decodeRecord(
      kafkaRecord({ topic: 't', offset: 0, key, value }),
      formats,
      deserializer,
    );
    const unkeyed = await decodeRecord(kafkaRecord({ topic: 't', offset: 1, value }), formats, deserializer);

    // Assess
    expect(keyed).toMatchObject({ kind: 'record', record: { keyData: { id: 'p-1' }, data: payment } });
    expect(unkeyed).toMatchObject({ kind: 'record', record: { keyData: null, data: payment } });
  });

  it('makes poison of an unknown schema id, bytes that do not decode, another format, and a value zod refuses', async () => {
    // Prepare
    const avro = await confluentBytes('avro', 'payments', payment);
    const unknownId = Buffer.from(avro);
    unknownId.writeUInt32BE(9_999, 1);
    const cases = [
      { value: unknownId, format: 'avro', code: 'SCHEMA_NOT_FOUND' },
      { value: Buffer.from('{"id":"p-1"}'), format: 'avro', code: 'SCHEMA_DESERIALIZATION_FAILED' },
      { value: avro.subarray(0, 7), format: 'avro', code: 'SCHEMA_DESERIALIZATION_FAILED' },
      { value: avro, format: 'jsonschema', code: 'RECORD_UNDECODABLE' },
      // Fits the JSON Schema, not the function's zod schema (an empty id).
      {
        value: await confluentBytes('jsonschema', 'payments.json', { id: '', cents: 1 }),
        format: 'jsonschema',
        code: 'RECORD_SCHEMA_INVALID',
      },
    ] as const;

    // Act
    const decoded = await Promise.all(
      cases.map(({ value, format }) =>
        decodeRecord(kafkaRecord({ topic: 't', offset: 0, value }), source(format), deserializer),
      ),
    );

    // Assess
    expect(decoded.map((result) => (result.kind === 'poison' ? result.error.code : result.kind))).toEqual(
      cases.map(({ code }) => code),
    );
  });

  it('retries the partition from a record the registry could not serve, and handles the ones before it', async () => {
    // Prepare: the stub answers offsets 0 and 2; offset 1 finds the registry down.
    const answers: Record<string, () => unknown> = {
      ok: () => ({ schemaId: 1, schemaType: 'AVRO', value: payment }),
      down: () => {
        throw new SchemaRegistryUnavailableError('the schema registry is unreachable');
      },
    };
    const stub: RecordDeserializer = {
      async deserialize(bytes) {
        return answers[Buffer.from(bytes).subarray(5).toString()]?.() as never;
      },
    };
    const frame = (text: string) => Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), Buffer.from(text)]);
    const records = ['ok', 'down', 'ok'].map((text, offset) =>
      kafkaRecord({ topic: 't', offset, value: frame(text) }),
    );

    // Act
    const handled = await handlePartition(
      { name: 'payments', ...source('avro'), handler: { record: () => null } },
      records,
      stub,
    );

    // Assess
    expect(handled.handled.map((record) => record.offset)).toEqual([0]);
    expect(handled.failures.map(({ record, error }) => [record.offset, error.code])).toEqual([
      [1, 'SCHEMA_REGISTRY_UNAVAILABLE'],
    ]);
    expect(handled.poison).toEqual([]);
  });

  it('retries on refused registry credentials instead of dead-lettering every record', async () => {
    // Prepare
    const stub: RecordDeserializer = {
      deserialize: () => Promise.reject(new SchemaRegistryAuthenticationError('refused (HTTP 401)')),
    };
    const { writer, on } = memoryWriter();
    const handler = createConsumer(
      { name: 'payments', ...source('avro'), handler: { record: () => null } },
      {
        writer,
        outputTopic: 'out',
        reportBatchItemFailures: true,
        writeTimeoutMs: 5_000,
        deserializer: stub,
      },
    );
    const event = {
      eventSource: 'aws:kafka',
      records: { 't-0': [kafkaRecord({ topic: 't', offset: 4, value: Buffer.from([0, 0, 0, 0, 1, 2]) })] },
    };

    // Act
    const response = await handler(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 4 } }] });
    expect(on('t.dlq')).toEqual([]);
  });

  it('dead-letters a record of an unknown schema with its bytes and the reason, and goes on', async () => {
    // Prepare
    const { writer, on } = memoryWriter();
    const handler = createConsumer(
      {
        name: 'payments',
        ...source('avro'),
        handler: { record: (record) => ({ key: null, value: record.data, timestamp: 0 }) },
      },
      { writer, outputTopic: 'out', reportBatchItemFailures: true, writeTimeoutMs: 5_000, deserializer },
    );
    const good = await confluentBytes('avro', 'payments', payment);
    const missing = Buffer.from(good);
    missing.writeUInt32BE(424_242, 1);
    const event = {
      eventSource: 'SelfManagedKafka',
      records: {
        't-0': [
          kafkaRecord({ topic: 't', offset: 0, value: missing }),
          kafkaRecord({ topic: 't', offset: 1, value: good }),
        ],
      },
    };

    // Act
    const response = await handler(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(on('out').map((record) => JSON.parse(String(record.value)))).toEqual([payment]);
    const [letter] = on('t.dlq');
    expect(letter?.value).toEqual(missing);
    expect(letter?.headers['dlq.error.class']?.map(String)).toEqual(['SCHEMA_NOT_FOUND']);
  });

  it('refuses to build a SOURCE consumer without a deserializer', () => {
    // Act
    const build = () =>
      createConsumer(
        { name: 'payments', ...source('avro'), handler: { record: () => null } },
        {
          writer: memoryWriter().writer,
          outputTopic: 'out',
          reportBatchItemFailures: true,
          writeTimeoutMs: 1,
        },
      );

    // Assess
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(/SCHEMA_REGISTRY_URL/);
  });
});
