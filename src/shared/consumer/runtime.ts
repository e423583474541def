/**
 * The batch runtime of Kafka-triggered functions, in three phases that are tested on their own: handle
 * (handle.ts: decode each record, hand it or each partition's records to the function), write (write.ts:
 * outputs, then dead letters for the poison records) and respond (respond.ts: answer Lambda, log, metrics).
 *
 * Failure semantics (spec: docs/lambda-kafka-event-sources.md, "Failures"):
 * - Poison (undecodable, schema-invalid, rejected by the function, or an output the broker refuses as such)
 *   is never retried: the original record goes to `<topic>.dlq` and the rest of the batch goes on.
 * - Transient (an output or a dead letter not written, a downstream call failing) is retried by Lambda:
 *   with `reportBatchItemFailures`, the answer lists, per partition, the first failed record and every later
 *   record of the batch (whether Lambda redelivers only the listed offsets or everything from the lowest is
 *   undocumented; this reading is safe under both), so nothing is processed out of order. Without it the
 *   invocation throws and Lambda retries the whole batch.
 * - A partition's records are handled in offset order; after a transient failure its later records are not
 *   handled (they will come again). Partitions run concurrently.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { ConfigurationError } from '../config.js';
import type { RecordWriter } from '../kafka/writer.js';
import type { ConsumerRecord, RecordDeserializer, ValueFormat } from './decode.js';
import { type KafkaBatchResponse, parseKafkaEvent } from './event.js';
import { handlePartition } from './handle.js';
import type { Output, OutputDraft, Sink } from './output.js';
import { report, respond, summarize } from './respond.js';
import { kafkaSink, writeBatch } from './write.js';

/** Handles one record; returns its output, or null when the record produces none. */
export type RecordHandler<T, K = undefined> = (
  record: ConsumerRecord<T, K>,
) => OutputDraft | null | Promise<OutputDraft | null>;

/**
 * Handles one partition's records of the batch (offset order, poison and tombstones left out). Each output
 * names its sources; a throw fails every record given.
 */
export type BatchHandler<T, K = undefined> = (
  records: ConsumerRecord<T, K>[],
) => Output[] | Promise<Output[]>;

/**
 * A consumer function: its value format and schema, optionally its key format and schema (keys are bytes
 * otherwise), and a record or a batch handler.
 */
export interface ConsumerDefinition<T, K = undefined> {
  /** Names the function in dead letters, logs and metrics when Lambda gives none. */
  name: string;
  value: ValueFormat<T>;
  key?: ValueFormat<K>;
  handler: { record: RecordHandler<T, K> } | { batch: BatchHandler<T, K> };
}

/** Whether the function reads a schema registry's records in SOURCE format, and so needs the registry. */
export function readsSourceRecords(definition: Pick<ConsumerDefinition<unknown, unknown>, 'key' | 'value'>) {
  return [definition.value, definition.key].some(
    (format) =>
      format !== undefined && 'eventRecordFormat' in format && format.eventRecordFormat === 'SOURCE',
  );
}

/** Where a consumer writes, and how it answers Lambda. */
export interface ConsumerOptions {
  /** Writes outputs and dead letters. */
  writer: RecordWriter;
  outputTopic: string;
  /** Side effects written with the output topic (e.g. an archive); each output's failure fails its sources. */
  sinks?: readonly Sink[];
  /**
   * Answer with a partial batch response. Must match the event source's `FunctionResponseTypes:
   * [ReportBatchItemFailures]`: without it Lambda would read the answer as success and lose the failed records.
   */
  reportBatchItemFailures: boolean;
  /** Reads schema registry records in SOURCE format: required when the definition declares one. */
  deserializer?: RecordDeserializer;
  /** Upper bound of the writes of one invocation, in milliseconds, also bounded by Lambda's remaining time. */
  writeTimeoutMs: number;
  metrics?: Metrics;
}

/** The Lambda handler: the partial batch response when enabled, else nothing (or a throw). */
export type KafkaHandler = (event: unknown, context?: Context) => Promise<KafkaBatchResponse | undefined>;

const SAFETY_MARGIN_MS = 1000;

/**
 * Builds the Lambda handler of a consumer function; throws ConfigurationError for a definition reading SOURCE
 * records without a deserializer. The handler throws InvalidEventError for an event that is not a Kafka
 * event, and BatchFailedError when a record failed transiently and partial responses are off.
 *
 * @example
 * export const handler = createConsumer(
 *   { name: 'upper', value: { format: 'text', schema: z.string() },
 *     handler: { record: (r) => ({ key: r.key, value: r.data.toUpperCase(), timestamp: r.timestamp }) } },
 *   { writer, outputTopic: 'upper', reportBatchItemFailures: true, writeTimeoutMs: 10_000 },
 * );
 */
export function createConsumer<T, K = undefined>(
  definition: ConsumerDefinition<T, K>,
  options: ConsumerOptions,
): KafkaHandler {
  if (readsSourceRecords(definition as ConsumerDefinition<unknown, unknown>) && !options.deserializer) {
    throw new ConfigurationError(
      `${definition.name} reads schema registry records in SOURCE format: set SCHEMA_REGISTRY_URL`,
    );
  }
  const sinks: Sink[] = [kafkaSink(options.writer, options.outputTopic), ...(options.sinks ?? [])];
  return async (event, context) => {
    const started = performance.now();
    const functionName = context?.functionName ?? definition.name;
    const remaining = context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
    const deadline = Date.now() + Math.min(options.writeTimeoutMs, remaining - SAFETY_MARGIN_MS);
    const partitions = parseKafkaEvent(event);

    const handled = await Promise.all(
      [...partitions.values()].map((records) => handlePartition(definition, records, options.deserializer)),
    );
    const outcome = await writeBatch({
      writer: options.writer,
      sinks,
      handled,
      reportBatchItemFailures: options.reportBatchItemFailures,
      functionName,
      deadline,
    });
    const summary = summarize(partitions, handled, outcome, performance.now() - started);
    report(definition.name, functionName, summary, options.metrics, outcome);
    return respond(partitions, outcome, options.reportBatchItemFailures);
  };
}
