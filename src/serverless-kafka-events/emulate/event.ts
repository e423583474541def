/**
 * The event Lambda hands a Kafka-triggered function, built from consumed records exactly as AWS builds it
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-process.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kafka-process.html): one object keyed
 * `"<topic>-<partition>"`, base64 key and value, headers as arrays of signed bytes.
 */
import type { ConsumedHeaders, ConsumedMessage } from '../../shared/kafka/group-consumer.js';

/** Lambda's synchronous invocation payload limit; a batch never passes it. */
export const PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

export interface KafkaEventRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  /** Absent when the record has no key, as Lambda sends it (powertools-lambda-python#6508). */
  key?: string;
  /** null for a tombstone. */
  value: string | null;
  headers: Record<string, number[]>[];
}

export interface KafkaEvent {
  eventSource: 'aws:kafka' | 'SelfManagedKafka';
  eventSourceArn?: string;
  bootstrapServers: string;
  records: Record<string, KafkaEventRecord[]>;
}

/** What the event says about its source: the same for every invocation of one event source mapping. */
export type EventEnvelope = Omit<KafkaEvent, 'records'>;

/** Java's bytes are signed, and so are Lambda's header bytes: "ë" is [-61, -85] (powertools-lambda-python#6862). */
export function signedBytes(bytes: Buffer): number[] {
  return Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

function headerList(headers: ConsumedHeaders): Record<string, number[]>[] {
  const list: Record<string, number[]>[] = [];
  for (const [name, value] of Object.entries(headers)) {
    // kafkajs folds repeated header names into an array; Lambda lists each occurrence. Its decoder folds
    // into a plain object and reads what a name already holds there, inherited properties included: a
    // header `constructor` comes out as [Object, <its bytes>], `__proto__` as [Object.prototype, ...].
    // Only bytes (and null) are header values.
    for (const one of Array.isArray(value) ? value : [value]) {
      if (!(one === null || typeof one === 'string' || Buffer.isBuffer(one))) continue;
      list.push({ [name]: one === null ? [] : signedBytes(Buffer.from(one)) });
    }
  }
  return list;
}

/** `<topic>-<partition>`: how the event keys its records and partial responses name partitions. */
export function topicPartition(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/**
 * The event's record of a consumed record: base64 key (absent when null) and value (null for a tombstone),
 * offset and timestamp (epoch ms) as numbers, each header occurrence as signed bytes.
 */
export function toEventRecord(topic: string, partition: number, message: ConsumedMessage): KafkaEventRecord {
  const record: KafkaEventRecord = {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    timestampType: message.timestampType,
    value: message.value === null ? null : message.value.toString('base64'),
    headers: headerList(message.headers),
  };
  if (message.key !== null) record.key = message.key.toString('base64');
  return record;
}

/**
 * An upper bound of what the record adds to the serialized event: the record, a separator and, in case it
 * opens its partition's array, the `"<topic>-<partition>":[]` around it.
 */
export function recordSize(record: KafkaEventRecord): number {
  return sizeBound(record.topic, record.key?.length ?? 0, record.value?.length ?? 0, record.headers);
}

/**
 * `recordSize` of the record `toEventRecord` would build from the message, without building it: the
 * poller sizes every record when it arrives but encodes it only when it is delivered.
 */
export function messageSize(topic: string, message: ConsumedMessage): number {
  return sizeBound(
    topic,
    base64Length(message.key),
    base64Length(message.value),
    headerList(message.headers),
  );
}

/** Base64 takes 4 characters per 3 bytes, the last group padded. */
function base64Length(bytes: Buffer | null): number {
  return bytes === null ? 0 : 4 * Math.ceil(bytes.length / 3);
}

function sizeBound(
  topic: string,
  keyChars: number,
  valueChars: number,
  headers: Record<string, number[]>[],
): number {
  // Base64 and Kafka topic names are ASCII and need no escaping; field names, numbers and punctuation
  // take under 200 bytes. Serializing every record instead costs more than the rest of the poller.
  const headerBytes = headers.length === 0 ? 2 : Buffer.byteLength(JSON.stringify(headers));
  return 200 + 2 * topic.length + keyChars + valueChars + headerBytes;
}

/** The serialized size of the event without records. */
export function envelopeSize(envelope: EventEnvelope): number {
  return Buffer.byteLength(JSON.stringify({ ...envelope, records: {} }));
}

/**
 * Calls `each` once per run of consecutive items of one topic-partition, with the run's
 * `"<topic>-<partition>"` key and bounds (`start` inclusive, `end` exclusive). Batches are in queue
 * order, where each partition's records come in runs of one fetch, so the key is built once per run
 * rather than once per record.
 */
export function forEachRun<T extends { topic: string; partition: number }>(
  items: readonly T[],
  each: (key: string, start: number, end: number) => void,
): void {
  let start = 0;
  while (start < items.length) {
    const { topic, partition } = items[start] as T;
    let end = start + 1;
    while (
      end < items.length &&
      (items[end] as T).partition === partition &&
      (items[end] as T).topic === topic
    )
      end += 1;
    each(topicPartition(topic, partition), start, end);
    start = end;
  }
}

/** Groups records by topic-partition, keeping the order they are given in (offset order per partition). */
export function buildEvent(envelope: EventEnvelope, records: readonly KafkaEventRecord[]): KafkaEvent {
  const grouped: Record<string, KafkaEventRecord[]> = {};
  forEachRun(records, (key, start, end) => {
    const list = grouped[key] ?? [];
    for (let i = start; i < end; i++) list.push(records[i] as KafkaEventRecord);
    grouped[key] = list;
  });
  return { ...envelope, records: grouped };
}
