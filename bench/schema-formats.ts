/**
 * The produce handler in-process with `valueFormat: avro` against `valueFormat: json` on the same records,
 * in one container (one handler, one schema registry client), so the schema lookups it makes once warm can
 * be counted: the registry client's HTTP requests during the measured rounds.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { KafkaAdmin } from '../src/shared/kafka/admin.js';
import { KafkaConnection } from '../src/shared/kafka/client.js';
import { loadKafkaConfig } from '../src/shared/kafka/config.js';
import { KafkaRecordWriter } from '../src/shared/kafka/writer.js';
import { loadProduceConfig } from '../src/shared/produce/config.js';
import { createProduceHandler } from '../src/shared/produce/http.js';
import { ProduceService } from '../src/shared/produce/service.js';
import { compileAvro, encodeAvro } from '../src/shared/schema/avro.js';
import { loadSchemaRegistryConfig } from '../src/shared/schema/config.js';
import { schemaSerializerFor } from '../src/shared/schema/serializer.js';
import { lambdaContext, produceEvent } from '../test/support/http-events.js';
import type { Sender } from './inprocess.js';

export { measure } from './inprocess.js';

import type { Batch } from './payload.js';

/** The Avro schema of bench/payload.ts's JSON values. */
export const PAGE_VIEW_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'PageView',
  namespace: 'bench',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'type', type: 'string' },
    { name: 'at', type: 'string' },
    {
      name: 'user',
      type: {
        type: 'record',
        name: 'User',
        fields: ['id', 'country', 'plan'].map((name) => ({ name, type: 'string' })),
      },
    },
    {
      name: 'page',
      type: {
        type: 'record',
        name: 'Page',
        fields: ['path', 'referrer'].map((name) => ({ name, type: 'string' })),
      },
    },
    {
      name: 'metrics',
      type: {
        type: 'record',
        name: 'Metrics',
        fields: [
          { name: 'durationMs', type: 'int' },
          { name: 'scrolled', type: 'double' },
          { name: 'clicks', type: 'int' },
        ],
      },
    },
    { name: 'padding', type: 'string' },
  ],
});

export interface SchemaSenders {
  json: Sender;
  avro: Sender;
  /** HTTP requests the container's registry client has sent so far. */
  registryRequests(): number;
  /** Avro bytes of a batch's values (framing included), to compare with their JSON. */
  avroBytes(batch: Batch): number;
  close(): Promise<void>;
}

/** One warm produce container serving both formats: `subject` holds PAGE_VIEW_SCHEMA. */
export function schemaSenders(
  bootstrap: string,
  topic: string,
  registryUrl: string,
  subject: string,
  batches: Batch[],
): SchemaSenders {
  const connection = new KafkaConnection(
    loadKafkaConfig({ KAFKA_BROKERS: bootstrap, KAFKA_CLIENT_ID: 'bench-schemas' }),
  );
  const serializer = schemaSerializerFor(loadSchemaRegistryConfig({ SCHEMA_REGISTRY_URL: registryUrl }));
  const handler = createProduceHandler(
    new ProduceService(
      new KafkaRecordWriter(connection, new KafkaAdmin(connection)),
      loadProduceConfig({}),
      serializer,
    ),
  );
  const event = (body: string) => produceEvent(topic, { rawBody: body });
  const asAvro = (batch: Batch) =>
    JSON.stringify({ ...JSON.parse(batch.body), valueFormat: 'avro', valueSchema: { subject } });
  const events = {
    json: new Map(batches.map((batch) => [batch, event(batch.body)])),
    avro: new Map(batches.map((batch) => [batch, event(asAvro(batch))])),
  };
  const compiled = compileAvro(PAGE_VIEW_SCHEMA);
  const sender = (format: 'json' | 'avro'): Sender => ({
    name: `handler, ${format} values`,
    async send(batch) {
      const response = await handler(events[format].get(batch) as APIGatewayProxyEventV2, lambdaContext());
      if (response.statusCode !== 200) {
        throw new Error(`handler answered ${response.statusCode}: ${response.body.slice(0, 500)}`);
      }
    },
    close: async () => undefined,
  });
  return {
    json: sender('json'),
    avro: sender('avro'),
    registryRequests: () => serializer.registry?.requests ?? 0,
    avroBytes(batch) {
      // The 5-byte header (magic byte, schema id) before each payload.
      const values = (JSON.parse(batch.body) as { records: { value: unknown }[] }).records;
      return values.reduce((sum, { value }) => sum + 5 + encodeAvro(compiled, value).length, 0);
    },
    close: () => connection.close(),
  };
}
