/**
 * Kafka events of the real shape, built from domain values: the factories do the base64 and the signed
 * header bytes, and reproduce the payload's quirks on request (no `key` field, both tombstone forms, both
 * self-managed spellings). Spec: docs/lambda-kafka-event-sources.md.
 * Also an in-memory {@link RecordWriter} for unit tests of consumers.
 */
import type { Context } from 'aws-lambda';
import type { KafkaEvent, KafkaEventRecord } from '../../src/shared/consumer/event.js';
import type { ServiceError } from '../../src/shared/errors.js';
import type { OutgoingRecord, RecordWriter, TopicInfo, WriteResult } from '../../src/shared/kafka/writer.js';
import type { PeerRecord } from './peers.js';

export interface RecordSpec {
  topic: string;
  partition?: number;
  offset: number;
  /** Epoch ms; defaults to a fixed instant. */
  timestamp?: number;
  timestampType?: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  /** Omit the property for a record with no `key` field (how Lambda sends a null key); null sends `"key": null`. */
  key?: string | Buffer | null;
  /**
   * A string is UTF-8, a Buffer raw bytes, any other value JSON. Omit the property for a tombstone with no
   * `value` field; null sends `"value": null`.
   */
  value?: unknown;
  headers?: [string, string | Buffer][];
  valueSchemaMetadata?: { dataFormat: string; schemaId?: string };
  keySchemaMetadata?: { dataFormat: string; schemaId?: string };
}

const FIXED_TIMESTAMP = Date.UTC(2026, 0, 2, 3, 4, 5);

const base64 = (value: string | Buffer) => Buffer.from(value).toString('base64');

/** Bytes as Java's signed bytes, the way Lambda sends header values. */
function signedBytes(value: string | Buffer): number[] {
  return [...Buffer.from(value)].map((byte) => (byte > 127 ? byte - 256 : byte));
}

function encodeValue(value: unknown): string {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return base64(value);
  return base64(JSON.stringify(value));
}

/** One record as Lambda sends it. */
export function kafkaRecord(spec: RecordSpec): KafkaEventRecord {
  const record: KafkaEventRecord = {
    topic: spec.topic,
    partition: spec.partition ?? 0,
    offset: spec.offset,
    timestamp: spec.timestamp ?? FIXED_TIMESTAMP,
    timestampType: spec.timestampType ?? 'CREATE_TIME',
    headers: (spec.headers ?? []).map(([name, value]) => ({ [name]: signedBytes(value) })),
  };
  if ('key' in spec) record.key = spec.key === null || spec.key === undefined ? null : base64(spec.key);
  if ('value' in spec) record.value = spec.value === null ? null : encodeValue(spec.value);
  if (spec.valueSchemaMetadata) record.valueSchemaMetadata = spec.valueSchemaMetadata;
  if (spec.keySchemaMetadata) record.keySchemaMetadata = spec.keySchemaMetadata;
  return record;
}

function grouped(records: RecordSpec[]): Record<string, KafkaEventRecord[]> {
  const groups: Record<string, KafkaEventRecord[]> = {};
  for (const spec of records) {
    const record = kafkaRecord(spec);
    const name = `${record.topic}-${record.partition}`;
    groups[name] = [...(groups[name] ?? []), record];
  }
  return groups;
}

/** An Amazon MSK event (`aws:kafka`, with the cluster ARN). */
export function mskEvent({ records }: { records: RecordSpec[] }): KafkaEvent {
  return {
    eventSource: 'aws:kafka',
    eventSourceArn:
      'arn:aws:kafka:eu-west-1:123456789012:cluster/test/abcd1234-ab12-cd34-ef56-abcdef123456-1',
    bootstrapServers:
      'b-1.test.kafka.eu-west-1.amazonaws.com:9098,b-2.test.kafka.eu-west-1.amazonaws.com:9098',
    records: grouped(records),
  };
}

/** A self-managed Kafka event (no ARN); `aws:SelfManagedKafka` is the spelling older docs printed. */
export function selfManagedEvent({
  records,
  eventSource = 'SelfManagedKafka',
}: {
  records: RecordSpec[];
  eventSource?: 'SelfManagedKafka' | 'aws:SelfManagedKafka';
}): KafkaEvent {
  return { eventSource, bootstrapServers: 'kafka-1.example.com:9092', records: grouped(records) };
}

/** Records as kafka-python read them from the broker, as specs for an event: real coordinates and bytes. */
export function fromPeerRecords(topic: string, records: PeerRecord[]): RecordSpec[] {
  return records.map((record) => ({
    topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    timestampType: record.timestampType === 1 ? 'LOG_APPEND_TIME' : 'CREATE_TIME',
    // Lambda sends no `key` field for a null key.
    ...(record.key === null ? {} : { key: Buffer.from(record.key, 'base64') }),
    value: record.value === null ? null : Buffer.from(record.value, 'base64'),
    headers: record.headers.map(([name, value]) => [name, Buffer.from(value ?? '', 'base64')]),
  }));
}

/** A Lambda context with a function name and a generous remaining time. */
export function consumerContext(functionName = 'test-consumer'): Context {
  return {
    functionName,
    awsRequestId: crypto.randomUUID(),
    getRemainingTimeInMillis: () => 60_000,
  } as unknown as Context;
}

export interface WrittenRecord extends OutgoingRecord {
  topic: string;
}

/**
 * A {@link RecordWriter} in memory: keeps what was written, in order, and fails the records `fail` names
 * (returning the error, as KafkaRecordWriter reports a failed partition).
 */
export function memoryWriter(
  fail: (topic: string, record: OutgoingRecord) => ServiceError | undefined = () => undefined,
) {
  const written: WrittenRecord[] = [];
  const writer: RecordWriter = {
    async topicInfo(topic: string): Promise<TopicInfo> {
      return { name: topic, partitionCount: 1, partitions: [], maxMessageBytes: 1_048_588, compacted: false };
    },
    async write(topic, records): Promise<WriteResult[]> {
      return records.map((record) => {
        const error = fail(topic, record);
        if (error) return { ok: false, partition: 0, error };
        written.push({ ...record, topic });
        return { ok: true, partition: 0, offset: String(written.length - 1), timestamp: record.timestamp };
      });
    },
  };
  const on = (topic: string) => written.filter((record) => record.topic === topic);
  return { writer, written, on };
}

/** A header's values as UTF-8 strings. */
export function headerText(record: OutgoingRecord, name: string): string | undefined {
  return record.headers[name]?.map((value) => value.toString()).join(',');
}
