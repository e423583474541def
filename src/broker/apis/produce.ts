/**
 * Produce: validates each partition's record batch as Kafka's LogValidator and ProduceRequest do (one
 * v2 batch, its CRC-32C, its size against max.message.bytes, timestamps against
 * message.timestamp.before/after.max.ms, keys on compacted topics) and appends it as received:
 * compressed batches are stored and served compressed.
 */
import type { Broker } from '../broker.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { Produce } from '../protocol/messages/produce.js';
import {
  Attributes,
  BATCH_HEADER_BYTES,
  type BatchHeader,
  computeCrc,
  LOG_OVERHEAD,
  readBatchHeader,
  readRecords,
  setMaxTimestamp,
} from '../records/batch.js';
import type { Topic } from '../state/topics.js';
import { handler } from './handler.js';

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  recordErrors: { batchIndex: number; batchIndexErrorMessage: string | null }[];
  errorMessage: string | null;
}

class RecordErrors extends KafkaError {
  constructor(
    code: (typeof ErrorCode)[keyof typeof ErrorCode],
    readonly records: { batchIndex: number; batchIndexErrorMessage: string | null }[],
  ) {
    const shown = records
      .slice(0, 3)
      .map((r) => `RecordError(batchIndex=${r.batchIndex}, message='${r.batchIndexErrorMessage}')`)
      .join(', ');
    super(
      code,
      `One or more records have been rejected due to ${records.length} record errors in total, and only showing the first three errors at most: [${shown}]`,
    );
  }
}

/** The one v2 batch of a partition's records; throws as Kafka's ProduceRequest.validateRecords does. */
function singleBatch(records: Buffer | null, version: number): { batch: Buffer; header: BatchHeader } {
  if (records === null || records.length < LOG_OVERHEAD) {
    throw new KafkaError(
      ErrorCode.INVALID_RECORD,
      `Produce requests with version ${version} must have at least one record batch per partition`,
    );
  }
  if (records.length < BATCH_HEADER_BYTES)
    throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, 'Record batch is truncated');
  const header = readBatchHeader(records);
  if (header.magic !== 2) {
    throw new KafkaError(
      ErrorCode.INVALID_RECORD,
      `Produce requests with version ${version} are only allowed to contain record batches with magic version 2`,
    );
  }
  if (header.size < BATCH_HEADER_BYTES || header.size > records.length) {
    throw new KafkaError(
      ErrorCode.CORRUPT_MESSAGE,
      `Record batch size ${header.size} does not fit in ${records.length} bytes`,
    );
  }
  if (header.size < records.length && records.length - header.size >= LOG_OVERHEAD) {
    throw new KafkaError(
      ErrorCode.INVALID_RECORD,
      `Produce requests with version ${version} are only allowed to contain exactly one record batch per partition`,
    );
  }
  // The request buffer is reused by nothing after this request, but the batch outlives it in memory logs.
  return { batch: Buffer.from(records.subarray(0, header.size)), header };
}

function validate(topic: Topic, partition: number, batch: Buffer, header: BatchHeader, now: number): void {
  const crc = computeCrc(batch);
  if (crc !== header.crc) {
    throw new KafkaError(
      ErrorCode.CORRUPT_MESSAGE,
      `Record is corrupt (stored crc = ${header.crc}, computed crc = ${crc})`,
    );
  }
  const config = topic.config;
  const maxBytes = config.number('max.message.bytes');
  if (batch.length > maxBytes) {
    throw new KafkaError(
      ErrorCode.MESSAGE_TOO_LARGE,
      `The record batch size in the append to ${topic.name}-${partition} is ${batch.length} bytes which exceeds the maximum configured value of ${maxBytes}.`,
    );
  }
  if ((header.attributes & (Attributes.transactional | Attributes.control)) !== 0) {
    throw new KafkaError(
      ErrorCode.INVALID_RECORD,
      'Transactional and control batches are not supported by this broker',
    );
  }
  if (header.recordsCount <= 0 || header.lastOffsetDelta !== header.recordsCount - 1) {
    throw new KafkaError(
      ErrorCode.INVALID_RECORD,
      `Record batch has ${header.recordsCount} records but a last offset delta of ${header.lastOffsetDelta}`,
    );
  }
  const compressed = (header.attributes & Attributes.compressionMask) !== 0;
  // Uncompressed batches are read through (as Kafka does) to check their records; compressed ones only
  // when keys must be checked, so they stay cheap to append.
  if (compressed && !config.compact) {
    checkTimestamps(topic, [header.baseTimestamp, header.maxTimestamp], now);
    return;
  }
  let records: ReturnType<typeof readRecords>;
  try {
    records = readRecords(batch);
  } catch (error) {
    throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `Record batch is malformed: ${(error as Error).message}`);
  }
  if (records.length !== header.recordsCount) {
    throw new KafkaError(
      ErrorCode.INVALID_RECORD,
      `Record batch claims ${header.recordsCount} records, holds ${records.length}`,
    );
  }
  records.forEach((record, i) => {
    if (record.offset !== header.baseOffset + i) {
      throw new KafkaError(
        ErrorCode.INVALID_RECORD,
        `Inner record ${i} has offset delta ${record.offset - header.baseOffset}`,
      );
    }
  });
  if (config.compact) {
    const keyless = records.flatMap((record, i) => (record.key === null ? [i] : []));
    if (keyless.length > 0) {
      throw new RecordErrors(
        ErrorCode.INVALID_RECORD,
        keyless.map((batchIndex) => ({
          batchIndex,
          batchIndexErrorMessage: `Compacted topic cannot accept message without key in topic partition ${topic.name}-${partition}.`,
        })),
      );
    }
  }
  const timestamps = records.map((r) => r.timestamp);
  checkTimestamps(topic, timestamps, now);
  // Kafka corrects a batch whose max timestamp is not its records' (kafkajs sends the time of sending):
  // retention and ListOffsets go by it.
  let max = -1;
  for (const timestamp of timestamps) if (timestamp > max) max = timestamp;
  if (max !== header.maxTimestamp) {
    setMaxTimestamp(batch, max);
    header.maxTimestamp = max;
  }
}

function checkTimestamps(topic: Topic, timestamps: number[], now: number): void {
  if (topic.config.logAppendTime) return;
  const before = topic.config.number('message.timestamp.before.max.ms');
  const after = topic.config.number('message.timestamp.after.max.ms');
  const refused = timestamps.flatMap((timestamp, batchIndex) =>
    timestamp >= 0 && (now - timestamp > before || timestamp - now > after)
      ? [{ timestamp, batchIndex }]
      : [],
  );
  if (refused.length === 0) return;
  // The window as Kafka prints it: Java longs, which wrap. As doubles, the default lower bound
  // (now - Long.MAX_VALUE) would lose its last digits.
  const long = (name: string) => BigInt(topic.config.value(name));
  const low = BigInt.asIntN(64, BigInt(now) - long('message.timestamp.before.max.ms'));
  const high = BigInt.asIntN(64, BigInt(now) + long('message.timestamp.after.max.ms'));
  throw new RecordErrors(
    ErrorCode.INVALID_TIMESTAMP,
    refused.map(({ timestamp, batchIndex }) => ({
      batchIndex,
      batchIndexErrorMessage: `Timestamp ${timestamp} of message with offset ${batchIndex} is out of range. The timestamp should be within [${low}, ${high}]`,
    })),
  );
}

function appendOne(
  broker: Broker,
  topicName: string,
  index: number,
  records: Buffer | null,
  version: number,
): PartitionResult {
  const result: PartitionResult = {
    index,
    errorCode: ErrorCode.NONE,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors: [],
    errorMessage: null,
  };
  const topic = broker.topics.get(topicName);
  const partition = topic?.partitions[index];
  if (!topic || !partition) {
    result.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return result;
  }
  if (topic.internal) {
    result.errorCode = ErrorCode.INVALID_TOPIC_EXCEPTION;
    result.errorMessage = `Cannot append to internal topic ${topicName}`;
    return result;
  }
  try {
    const { batch, header } = singleBatch(records, version);
    validate(topic, index, batch, header, Date.now());
    const appended = partition.append(batch, header);
    result.baseOffset = appended.baseOffset;
    result.logAppendTimeMs = appended.logAppendTime;
    result.logStartOffset = partition.logStartOffset;
    broker.notify(partition);
  } catch (error) {
    if (!(error instanceof KafkaError)) throw error;
    result.errorCode = error.code;
    result.errorMessage = error.message;
    if (error instanceof RecordErrors) result.recordErrors = error.records;
    broker.logger.debug(`produce to ${topicName}-${index} refused: ${error.message}`);
  }
  return result;
}

export const produce = handler(Produce, (request, { broker, version }) => {
  const refuse = (errorCode: number, errorMessage: string) => ({
    responses: request.topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map(({ index }) => ({
        index,
        errorCode,
        baseOffset: -1,
        logAppendTimeMs: -1,
        logStartOffset: -1,
        recordErrors: [],
        errorMessage,
      })),
    })),
    throttleTimeMs: 0,
  });
  if (request.transactionalId !== null) {
    return refuse(
      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      'This broker does not support transactions',
    );
  }
  if (request.acks !== -1 && request.acks !== 0 && request.acks !== 1) {
    return refuse(ErrorCode.INVALID_REQUIRED_ACKS, `Invalid required acks: ${request.acks}`);
  }
  const response = {
    responses: request.topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map(({ index, records }) =>
        appendOne(broker, topic.name, index, records as Buffer | null, version),
      ),
    })),
    throttleTimeMs: 0,
  };
  // acks=0: Kafka sends no response at all.
  return request.acks === 0 ? undefined : response;
});
