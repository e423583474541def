/**
 * The respond phase of a consumer invocation: the answer Lambda gets, and the invocation's log lines and
 * metrics. With `reportBatchItemFailures`, the partial batch response lists, per partition, the first
 * transiently failed record and every later record of the batch (whether Lambda redelivers only the listed
 * offsets or everything from the lowest is undocumented; this reading is safe under both). Without it a
 * transient failure throws, and Lambda retries the whole batch.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { BatchFailedError } from '../errors.js';
import { logger } from '../logger.js';
import { coordinatesOf } from './decode.js';
import type { BatchItemIdentifier, KafkaBatchResponse, KafkaEventRecord } from './event.js';
import type { Failure, HandledPartition } from './handle.js';
import { type InvocationSummary, publishInvocation } from './telemetry.js';
import { firstFailedOffsets, type WriteOutcome } from './write.js';

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

/**
 * Lambda's answer: `{batchItemFailures}` with `reportBatchItemFailures` (empty on success), else undefined
 * on success. Throws BatchFailedError (retriable) when a record failed transiently and partial responses
 * are off.
 *
 * @example
 * return respond(partitions, outcome, true); // {"batchItemFailures":[{"itemIdentifier":{"partition":"in-0","offset":5}}]}
 */
export function respond(
  partitions: Map<string, KafkaEventRecord[]>,
  outcome: Pick<WriteOutcome, 'failures'>,
  reportBatchItemFailures: boolean,
): KafkaBatchResponse | undefined {
  const { failures } = outcome;
  if (failures.length === 0) return reportBatchItemFailures ? { batchItemFailures: [] } : undefined;
  if (!reportBatchItemFailures) {
    const [first] = failures;
    throw new BatchFailedError(
      `${failures.length} record(s) failed transiently (first: ${first?.error.code} ${first?.error.message}); Lambda retries the batch`,
      { cause: first?.error },
    );
  }
  const retried = retriedRecords(partitions, firstFailedOffsets(failures));
  return { batchItemFailures: retried.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** What the invocation did, for its log line and metrics; `durationMs` in milliseconds since its start. */
export function summarize(
  partitions: Map<string, KafkaEventRecord[]>,
  handled: readonly HandledPartition[],
  outcome: WriteOutcome,
  durationMs: number,
): InvocationSummary {
  const now = Date.now();
  const raw = handled.flatMap((partition) => partition.raw);
  const summary: InvocationSummary = {
    records: [...partitions.values()].reduce((sum, records) => sum + records.length, 0),
    bytes: raw.reduce((sum, record) => sum + record.bytes, 0),
    durationMs,
    latenciesMs: handled.flatMap((partition) => partition.handled.map((record) => now - record.timestamp)),
    outputs: outcome.outputs,
    deadLettered: outcome.deadLettered,
    retried: retriedRecords(partitions, firstFailedOffsets(outcome.failures)).length,
    failures: new Map(),
  };
  const count = (failureClass: 'poison' | 'transient', code: string) => {
    const key = `${failureClass}:${code}`;
    const entry = summary.failures.get(key) ?? { failureClass, code, count: 0 };
    entry.count++;
    summary.failures.set(key, entry);
  };
  for (const { error } of outcome.poison) count('poison', error.code);
  for (const { error } of outcome.failures) count('transient', error.code);
  return summary;
}

/**
 * Logs the invocation (coordinates and error codes only: record contents never reach the log, they may
 * hold secrets) and publishes its metrics when `metrics` is given.
 */
export function report(
  name: string,
  functionName: string,
  summary: InvocationSummary,
  metrics: Metrics | undefined,
  outcome: Pick<WriteOutcome, 'failures' | 'poison'>,
): void {
  for (const { record, error } of outcome.poison) {
    logger.warn('poison record', { ...coordinatesOf(record), code: error.code, error: error.message });
  }
  for (const { record, error } of outcome.failures.slice(0, 10) as Failure[]) {
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
