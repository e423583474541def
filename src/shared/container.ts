/**
 * The composition root: what one Lambda container shares across invocations, built once from the
 * configuration parsed at cold start. Every function's handler (functions/) takes its service or handler
 * from here, and nothing in src/shared imports this module back. Nothing here connects until first use.
 * Each bundle keeps only what its function calls: the HTTP functions carry neither the S3 client nor
 * Metrics.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { loadAdminConfig } from './admin/config.js';
import { AdminService } from './admin/service.js';
import { loadConsumerConfig, loadEventRecordFormat } from './consumer/config.js';
import type { Sink } from './consumer/output.js';
import {
  type ConsumerDefinition,
  createConsumer,
  type KafkaHandler,
  readsSourceRecords,
} from './consumer/runtime.js';
import { eventsConsumer } from './events/consumer.js';
import { KafkaAdmin } from './kafka/admin.js';
import { KafkaConnection } from './kafka/client.js';
import { loadKafkaConfig } from './kafka/config.js';
import { KafkaRecordWriter } from './kafka/writer.js';
import { archiveSink } from './logs/archive.js';
import { loadLogsConfig } from './logs/config.js';
import { logsConsumer } from './logs/consumer.js';
import { loadWindowMs, metricsConsumer } from './metrics/consumer.js';
import { ordersConsumer } from './orders/consumer.js';
import { loadProduceConfig } from './produce/config.js';
import { ProduceService } from './produce/service.js';
import { loadSchemaRegistryConfig } from './schema/config.js';
import { type SchemaDeserializer, schemaDeserializerFor } from './schema/deserializer.js';
import { type SchemaSerializer, schemaSerializerFor } from './schema/serializer.js';
import { CONSUMER_TOPICS } from './topics.js';

// Each singleton is a function declaration, not a value built at module scope: a bundle then keeps only
// what its function calls (module-scope calls would pull every service into every function).

let connection: KafkaConnection | undefined;
function kafkaConnection(): KafkaConnection {
  connection ??= new KafkaConnection(loadKafkaConfig());
  return connection;
}

let writer: KafkaRecordWriter | undefined;
function recordWriter(): KafkaRecordWriter {
  writer ??= new KafkaRecordWriter(kafkaConnection(), kafkaAdmin());
  return writer;
}

let admin: KafkaAdmin | undefined;
/** The Kafka administration calls of this container (the admin API and the health check). */
export function kafkaAdmin(): KafkaAdmin {
  admin ??= new KafkaAdmin(kafkaConnection());
  return admin;
}

let serializer: SchemaSerializer | undefined;
/** Schema look-ups (cached for the container's life, `latest` for SCHEMA_REGISTRY_CACHE_SECONDS) and encoders. */
function schemaSerializer(): SchemaSerializer {
  serializer ??= schemaSerializerFor(loadSchemaRegistryConfig());
  return serializer;
}

let deserializer: SchemaDeserializer | undefined;
/** Decodes SOURCE records with the registry; its schemas by id are kept for the container's life. */
function schemaDeserializer(): SchemaDeserializer {
  deserializer ??= schemaDeserializerFor(loadSchemaRegistryConfig());
  return deserializer;
}

let produce: ProduceService | undefined;
/** The produce API's service. */
export function produceService(): ProduceService {
  produce ??= new ProduceService(recordWriter(), loadProduceConfig(), schemaSerializer());
  return produce;
}

let administration: AdminService | undefined;
/** The admin API's service. */
export function adminService(): AdminService {
  administration ??= new AdminService(kafkaAdmin(), loadAdminConfig());
  return administration;
}

let metrics: Metrics | undefined;
function consumerMetrics(): Metrics {
  metrics ??= new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'kafka-lambda-runtime' });
  return metrics;
}

function consumerHandler<T, K>(
  definition: ConsumerDefinition<T, K>,
  outputTopic: string,
  sinks: Sink[] = [],
): KafkaHandler {
  return createConsumer(definition, {
    ...loadConsumerConfig(outputTopic),
    writer: recordWriter(),
    sinks,
    metrics: consumerMetrics(),
  });
}

/** A consumer reading schema registry records; the registry is reached only for SOURCE records. */
function registryConsumerHandler<T, K>(
  definition: ConsumerDefinition<T, K>,
  outputTopic: string,
): KafkaHandler {
  return createConsumer(definition, {
    ...loadConsumerConfig(outputTopic),
    writer: recordWriter(),
    deserializer: readsSourceRecords(definition) ? schemaDeserializer() : undefined,
    metrics: consumerMetrics(),
  });
}

/** The events function: `events` to `events.processed`. */
export function eventsHandler(): KafkaHandler {
  return consumerHandler(eventsConsumer, CONSUMER_TOPICS.events.output.name);
}

/** The logs function: `logs` to `logs.normalized`, and to S3 when LOG_ARCHIVE_BUCKET is set. */
export function logsHandler(): KafkaHandler {
  const { archive } = loadLogsConfig();
  const sinks = archive
    ? [
        archiveSink({
          s3: new S3Client({
            region: archive.region,
            ...(archive.endpoint ? { endpoint: archive.endpoint, forcePathStyle: true } : {}),
          }),
          bucket: archive.bucket,
          prefix: archive.prefix,
        }),
      ]
    : [];
  return consumerHandler(logsConsumer, CONSUMER_TOPICS.logs.output.name, sinks);
}

/** The metrics function: `metrics` to `metrics.aggregated`. */
export function metricsHandler(): KafkaHandler {
  return consumerHandler(metricsConsumer(loadWindowMs()), CONSUMER_TOPICS.metrics.output.name);
}

/** The orders function: `orders` (Avro, as EVENT_RECORD_FORMAT says the mapping delivers it) to `orders.processed`. */
export function ordersHandler(): KafkaHandler {
  return registryConsumerHandler(ordersConsumer(loadEventRecordFormat()), CONSUMER_TOPICS.orders.output.name);
}
