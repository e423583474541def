/**
 * The consumer functions' per-container singletons, beside src/shared/container.ts (whose Kafka connection
 * they share) so that the HTTP functions' bundles do not carry the S3 client and Metrics.
 * Settings are parsed when a handler is built: at cold start.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { kafkaConnection } from '../container.js';
import { EVENTS_OUTPUT_TOPIC, eventsConsumer } from '../events/consumer.js';
import { KafkaRecordWriter } from '../kafka/writer.js';
import { archiveSink } from '../logs/archive.js';
import { loadLogsConfig } from '../logs/config.js';
import { LOGS_OUTPUT_TOPIC, logsConsumer } from '../logs/consumer.js';
import { loadWindowMs, METRICS_OUTPUT_TOPIC, metricsConsumer } from '../metrics/consumer.js';
import { loadConsumerConfig } from './config.js';
import type { Sink } from './output.js';
import { type ConsumerDefinition, createConsumer, type KafkaHandler } from './runtime.js';

let writer: KafkaRecordWriter | undefined;
let metrics: Metrics | undefined;

function consumerHandler<T>(
  definition: ConsumerDefinition<T>,
  defaultOutputTopic: string,
  sinks: Sink[] = [],
): KafkaHandler {
  writer ??= new KafkaRecordWriter(kafkaConnection());
  metrics ??= new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'kafka-lambda-runtime' });
  return createConsumer(definition, { ...loadConsumerConfig(defaultOutputTopic), writer, sinks, metrics });
}

/** `events` to `events.processed`. */
export function eventsHandler(): KafkaHandler {
  return consumerHandler(eventsConsumer, EVENTS_OUTPUT_TOPIC);
}

/** `logs` to `logs.normalized`, and to S3 when LOG_ARCHIVE_BUCKET is set. */
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
  return consumerHandler(logsConsumer, LOGS_OUTPUT_TOPIC, sinks);
}

/** `metrics` to `metrics.aggregated`. */
export function metricsHandler(): KafkaHandler {
  return consumerHandler(metricsConsumer(loadWindowMs()), METRICS_OUTPUT_TOPIC);
}
