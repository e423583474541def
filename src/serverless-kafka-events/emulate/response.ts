/**
 * Partial batch responses (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html):
 * `{"batchItemFailures":[{"itemIdentifier":{"partition":"<topic>-<partition>","offset":<n>}}]}`. An empty
 * or missing list is success; an identifier that is not in the batch fails the whole batch.
 */
import { type KafkaEventRecord, topicPartition } from './event.js';

export type BatchVerdict =
  | { kind: 'success' }
  /** Per topic-partition, the lowest offset reported failed. */
  | { kind: 'partial'; firstFailed: Map<string, number> }
  | { kind: 'invalid'; reason: string };

/**
 * Reads a function's answer against the records it was given: success, the first failed offset per
 * partition, or invalid (the whole batch failed) with the reason. Never throws.
 */
export function readBatchResponse(response: unknown, records: readonly KafkaEventRecord[]): BatchVerdict {
  if (typeof response !== 'object' || response === null) return { kind: 'success' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'invalid', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  const present = new Set(
    records.map((record) => `${topicPartition(record.topic, record.partition)}@${record.offset}`),
  );
  const firstFailed = new Map<string, number>();
  for (const failure of failures) {
    const identifier = (failure as { itemIdentifier?: { partition?: unknown; offset?: unknown } } | null)
      ?.itemIdentifier;
    const partition = identifier?.partition;
    const offset = Number(identifier?.offset);
    if (typeof partition !== 'string' || !present.has(`${partition}@${offset}`)) {
      return { kind: 'invalid', reason: `item ${JSON.stringify(failure)} is not in the batch` };
    }
    firstFailed.set(partition, Math.min(offset, firstFailed.get(partition) ?? offset));
  }
  return { kind: 'partial', firstFailed };
}
