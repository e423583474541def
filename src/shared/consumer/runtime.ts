/**
 * The batch runtime of Kafka-triggered functions: decode each record, hand it (or each partition's records)
 * to the function, write the outputs, dead-letter the poison records, and answer Lambda.
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
import { BatchFailedError, RecordRejectedError, ServiceError } from '../errors.js';
import { isRecordRefusal } from '../kafka/errors.js';
import type { RecordWriter } from '../kafka/writer.js';
import { logger } from '../logger.js';
import {
  type ConsumerRecord,
  type Coordinates,
  coordinatesOf,
  decodeRecord,
  type RawRecord,
  type ValueFormat,
} from './decode.js';
import {
  type BatchItemIdentifier,
  type KafkaBatchResponse,
  type KafkaEventRecord,
  parseKafkaEvent,
  partitionName,
} from './event.js';
import {
  deadLetterRecord,
  deadLetterTopic,
  type Output,
  type OutputDraft,
  outgoingOutput,
  type Sink,
} from './output.js';
import { type InvocationSummary, publishInvocation } from './telemetry.js';

/** Handles one record; returns its output, or null when the record produces none. */
export type RecordHandler<T> = (
  record: ConsumerRecord<T>,
) => OutputDraft | null | Promise<OutputDraft | null>;

/**
 * Handles one partition's records of the batch (offset order, poison and tombstones left out). Each output
 * names its sources; a throw fails every record given.
 */
export type BatchHandler<T> = (records: ConsumerRecord<T>[]) => Output[] | Promise<Output[]>;

/** A consumer function: its value format and schema, and a record or a batch handler. */
export interface ConsumerDefinition<T> {
  /** Names the function in dead letters, logs and metrics when Lambda gives none. */
  name: string;
  value: ValueFormat<T>;
  handler: { record: RecordHandler<T> } | { batch: BatchHandler<T> };
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
  /** Upper bound of the writes of one invocation, also bounded by Lambda's remaining time. */
  writeTimeoutMs: number;
  metrics?: Metrics;
}

/** The Lambda handler: the partial batch response when enabled, else nothing (or a throw). */
export type KafkaHandler = (event: unknown, context?: Context) => Promise<KafkaBatchResponse | undefined>;

type Failure = { record: Coordinates; error: ServiceError };

/** Errors of a function's own code are poison (retrying cannot help) unless they say they are retriable. */
function asHandlerError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return new RecordRejectedError(`${name}: ${message}`, { cause: error });
}

const SAFETY_MARGIN_MS = 1000;

/**
 * Builds the Lambda handler of a consumer function.
 *
 * @example
 * export const handler = createConsumer(
 *   { name: 'upper', value: { format: 'text', schema: z.string() },
 *     handler: { record: (r) => ({ key: r.key, value: r.data.toUpperCase(), timestamp: r.timestamp }) } },
 *   { writer, outputTopic: 'upper', reportBatchItemFailures: true, writeTimeoutMs: 10_000 },
 * );
 */
export function createConsumer<T>(definition: ConsumerDefinition<T>, options: ConsumerOptions): KafkaHandler {
  const sinks: Sink[] = [kafkaSink(options.writer, options.outputTopic), ...(options.sinks ?? [])];
  return async (event, context) => {
    const started = performance.now();
    const functionName = context?.functionName ?? definition.name;
    const remaining = context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
    const deadline = Date.now() + Math.min(options.writeTimeoutMs, remaining - SAFETY_MARGIN_MS);
    const partitions = parseKafkaEvent(event);

    const handled = await Promise.all(
      [...partitions.values()].map((records) => handlePartition(definition, records)),
    );
    const outputs = handled.flatMap((partition) => partition.outputs);
    const poison = handled.flatMap((partition) => partition.poison);
    const failures = handled.flatMap((partition) => partition.failures);

    const written = await Promise.all(sinks.map((sink) => writeSink(sink, outputs, deadline)));
    for (const [index, output] of outputs.entries()) {
      for (const result of written) {
        const error = result[index];
        if (!error) continue;
        for (const source of output.sources)
          (isRecordRefusal(error) ? poison : failures).push({ record: source, error });
      }
    }

    let deadLettered = 0;
    let firstFailed = firstFailedOffsets(failures);
    if (options.reportBatchItemFailures || firstFailed.size === 0) {
      // Records at or after a partition's first failure come again: their dead letters wait until then.
      const rawByCoordinates = indexRaw(handled);
      const due = [
        ...new Map(poison.map((letter) => [coordinatesKey(letter.record), letter])).values(),
      ].filter(({ record }) => isBefore(record, firstFailed));
      const deadLetterFailures = await writeDeadLetters(
        options.writer,
        due.map(({ record, error }) => ({ raw: rawByCoordinates.get(coordinatesKey(record)), error })),
        functionName,
        deadline,
      );
      failures.push(...deadLetterFailures);
      deadLettered = due.length - deadLetterFailures.length;
      firstFailed = firstFailedOffsets(failures);
    }

    const retried = retriedRecords(partitions, firstFailed);
    const summary = summarize(
      partitions,
      handled,
      outputs.length,
      deadLettered,
      retried.length,
      poison,
      failures,
    );
    summary.durationMs = performance.now() - started;
    report(definition.name, functionName, summary, options.metrics, failures, poison);

    if (firstFailed.size === 0)
      return options.reportBatchItemFailures ? { batchItemFailures: [] } : undefined;
    if (!options.reportBatchItemFailures) {
      const [first] = failures;
      throw new BatchFailedError(
        `${failures.length} record(s) failed transiently (first: ${first?.error.code} ${first?.error.message}); Lambda retries the batch`,
        { cause: first?.error },
      );
    }
    return { batchItemFailures: retried.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

interface HandledPartition {
  raw: RawRecord[];
  /** Records handed to the function (tombstones and poison excluded). */
  handled: ConsumerRecord<unknown>[];
  tombstones: number;
  outputs: Output[];
  poison: Failure[];
  failures: Failure[];
}

async function handlePartition<T>(
  definition: ConsumerDefinition<T>,
  records: KafkaEventRecord[],
): Promise<HandledPartition> {
  const result: HandledPartition = {
    raw: [],
    handled: [],
    tombstones: 0,
    outputs: [],
    poison: [],
    failures: [],
  };
  const valid: ConsumerRecord<T>[] = [];
  for (const record of records) {
    const decoded = decodeRecord(record, definition.value);
    result.raw.push(decoded.record);
    if (decoded.kind === 'poison') result.poison.push({ record: decoded.record, error: decoded.error });
    else if (decoded.kind === 'tombstone') result.tombstones++;
    else valid.push(decoded.record);
  }
  const { handler } = definition;
  if ('batch' in handler) {
    try {
      result.outputs = await handler.batch(valid);
      result.handled = valid;
    } catch (error) {
      const failure = asHandlerError(error);
      for (const record of valid)
        (failure.retriable ? result.failures : result.poison).push({ record, error: failure });
    }
    return result;
  }
  for (const record of valid) {
    try {
      const draft = await handler.record(record);
      result.handled.push(record);
      if (draft) result.outputs.push({ ...draft, origin: coordinatesOf(record), sources: [record] });
    } catch (error) {
      const failure = asHandlerError(error);
      if (!failure.retriable) {
        result.poison.push({ record, error: failure });
        continue;
      }
      // Later records of this partition come again after this one: handling them now would be out of order.
      result.failures.push({ record, error: failure });
      break;
    }
  }
  return result;
}

function kafkaSink(writer: RecordWriter, topic: string): Sink {
  return {
    name: `kafka:${topic}`,
    async write(outputs, deadline) {
      const results = await writer.write(topic, outputs.map(outgoingOutput), {
        acks: 'all',
        compression: 'none',
        deadline,
      });
      return results.map((result) => (result.ok ? undefined : result.error));
    },
  };
}

/** A sink that throws (e.g. its topic is unknown) fails every output it was given. */
async function writeSink(sink: Sink, outputs: readonly Output[], deadline: number) {
  if (outputs.length === 0) return [];
  try {
    return await sink.write(outputs, deadline);
  } catch (error) {
    const failure =
      error instanceof ServiceError ? error : new BatchFailedError(`${sink.name} failed`, { cause: error });
    logger.warn('sink failed', { sink: sink.name, code: failure.code, error: failure.message });
    return outputs.map(() => failure);
  }
}

async function writeDeadLetters(
  writer: RecordWriter,
  letters: { raw: RawRecord | undefined; error: ServiceError }[],
  functionName: string,
  deadline: number,
): Promise<Failure[]> {
  const byTopic = new Map<string, { raw: RawRecord; error: ServiceError }[]>();
  for (const { raw, error } of letters) {
    if (!raw) continue;
    const list = byTopic.get(deadLetterTopic(raw.topic)) ?? [];
    list.push({ raw, error });
    byTopic.set(deadLetterTopic(raw.topic), list);
  }
  const now = Date.now();
  const failed: Failure[] = [];
  await Promise.all(
    [...byTopic].map(async ([topic, list]) => {
      let results: (ServiceError | undefined)[];
      try {
        const written = await writer.write(
          topic,
          list.map(({ raw, error }) => deadLetterRecord(raw, error, functionName, now)),
          { acks: 'all', compression: 'none', deadline },
        );
        results = written.map((result) => (result.ok ? undefined : result.error));
      } catch (error) {
        const failure =
          error instanceof ServiceError
            ? error
            : new BatchFailedError('dead letter failed', { cause: error });
        results = list.map(() => failure);
      }
      // A dead letter not written is retried like any transient failure: a poison record is never dropped.
      results.forEach((error, i) => {
        const letter = list[i];
        if (error && letter) failed.push({ record: letter.raw, error });
      });
    }),
  );
  return failed;
}

const coordinatesKey = (record: Coordinates) =>
  `${partitionName(record.topic, record.partition)}@${record.offset}`;

function indexRaw(handled: HandledPartition[]): Map<string, RawRecord> {
  const index = new Map<string, RawRecord>();
  for (const partition of handled) for (const raw of partition.raw) index.set(coordinatesKey(raw), raw);
  return index;
}

/** Per partition name, the lowest offset that failed transiently. */
function firstFailedOffsets(failures: readonly Failure[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const { record } of failures) {
    const name = partitionName(record.topic, record.partition);
    first.set(name, Math.min(first.get(name) ?? Number.POSITIVE_INFINITY, record.offset));
  }
  return first;
}

function isBefore(record: Coordinates, firstFailed: Map<string, number>): boolean {
  return (
    record.offset <
    (firstFailed.get(partitionName(record.topic, record.partition)) ?? Number.POSITIVE_INFINITY)
  );
}

/** Every record of the event at or after its partition's first failure. */
function retriedRecords(
  partitions: Map<string, KafkaEventRecord[]>,
  firstFailed: Map<string, number>,
): BatchItemIdentifier[] {
  const items: BatchItemIdentifier[] = [];
  for (const [name, records] of partitions) {
    const first = firstFailed.get(name);
    if (first === undefined) continue;
    for (const record of records)
      if (record.offset >= first) items.push({ partition: name, offset: record.offset });
  }
  return items;
}

function summarize(
  partitions: Map<string, KafkaEventRecord[]>,
  handled: HandledPartition[],
  outputs: number,
  deadLettered: number,
  retried: number,
  poison: readonly Failure[],
  failures: readonly Failure[],
): InvocationSummary {
  const now = Date.now();
  const raw = handled.flatMap((partition) => partition.raw);
  const summary: InvocationSummary = {
    records: [...partitions.values()].reduce((sum, records) => sum + records.length, 0),
    bytes: raw.reduce((sum, record) => sum + record.bytes, 0),
    durationMs: 0,
    latenciesMs: handled.flatMap((partition) => partition.handled.map((record) => now - record.timestamp)),
    outputs,
    deadLettered,
    retried,
    failures: new Map(),
  };
  const count = (failureClass: 'poison' | 'transient', code: string) => {
    const key = `${failureClass}:${code}`;
    const entry = summary.failures.get(key) ?? { failureClass, code, count: 0 };
    entry.count++;
    summary.failures.set(key, entry);
  };
  for (const { error } of poison) count('poison', error.code);
  for (const { error } of failures) count('transient', error.code);
  return summary;
}

function report(
  name: string,
  functionName: string,
  summary: InvocationSummary,
  metrics: Metrics | undefined,
  failures: readonly Failure[],
  poison: readonly Failure[],
): void {
  // Coordinates and error codes only: record contents never reach the log (they may hold secrets).
  for (const { record, error } of poison) {
    logger.warn('poison record', { ...coordinatesOf(record), code: error.code, error: error.message });
  }
  for (const { record, error } of failures.slice(0, 10)) {
    logger.warn('transient failure', { ...coordinatesOf(record), code: error.code, error: error.message });
  }
  logger.info('batch', {
    consumer: name,
    records: summary.records,
    bytes: summary.bytes,
    outputs: summary.outputs,
    deadLettered: summary.deadLettered,
    retried: summary.retried,
    durationMs: Math.round(summary.durationMs * 10) / 10,
  });
  if (metrics) publishInvocation(metrics, functionName, summary);
}
