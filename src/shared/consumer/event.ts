/**
 * The event Lambda sends a function subscribed to Amazon MSK (`aws:kafka`) or to self-managed Kafka
 * (`SelfManagedKafka`), and the partial batch response it accepts back.
 *
 * Spec: docs/lambda-kafka-event-sources.md ("The event"), from the Lambda docs
 * with-msk-process, with-kafka-configure and kafka-retry-configurations.
 *
 * `@types/aws-lambda` (MSKEvent, SelfManagedKafkaEvent) is right about the envelope and the record
 * coordinates, and wrong where the real payload differs: `key` and `value` are declared required strings
 * although a null key arrives with no `key` field and a tombstone as `"value": null` or with no `value`
 * (powertools-lambda-typescript#3841, #4988, #5016); header bytes are Java's signed bytes (-128..127,
 * powertools-lambda-python#6862); the schema-registry metadata and the partial batch response are missing.
 * The types below take what it gets right and correct the rest.
 */
import type { MSKEvent, MSKRecord, SelfManagedKafkaEvent } from 'aws-lambda';
import * as z from 'zod';
import { InvalidEventError } from '../errors.js';
import { exactRecord } from '../http/schema.js';

/** `eventSource` values: MSK, self-managed Kafka, and the spelling older docs printed. */
export const KAFKA_EVENT_SOURCES = ['aws:kafka', 'SelfManagedKafka', 'aws:SelfManagedKafka'] as const;

const SchemaMetadata = z.object({ dataFormat: z.string(), schemaId: z.string().optional() });

const SignedByte = z.number().int().min(-128).max(127);

const KafkaRecordSchema = z.object({
  topic: z.string().min(1),
  partition: z.number().int().min(0),
  offset: z.number().int().min(0),
  timestamp: z.number(),
  timestampType: z.enum(['CREATE_TIME', 'LOG_APPEND_TIME']),
  key: z.string().nullish(),
  value: z.string().nullish(),
  // exactRecord: z.record would drop a header named `__proto__`.
  headers: z.array(exactRecord(z.string(), z.array(SignedByte))).nullish(),
  keySchemaMetadata: SchemaMetadata.optional(),
  valueSchemaMetadata: SchemaMetadata.optional(),
});

const KafkaEventSchema = z.object({
  eventSource: z.enum(KAFKA_EVENT_SOURCES),
  eventSourceArn: z.string().optional(),
  bootstrapServers: z.string().optional(),
  records: z.record(z.string(), z.array(KafkaRecordSchema)),
});

/** One record as Lambda sends it: {@link MSKRecord} with the corrections described above. */
export type KafkaEventRecord = Omit<MSKRecord, 'key' | 'value' | 'headers'> & {
  /** Base64; absent or null when the record has no key. */
  key?: string | null;
  /** Base64; absent or null for a tombstone. */
  value?: string | null;
  /** Single-key objects, each value the header's bytes as signed integers (-128..127). */
  headers?: Record<string, number[]>[] | null;
  keySchemaMetadata?: z.infer<typeof SchemaMetadata>;
  valueSchemaMetadata?: z.infer<typeof SchemaMetadata>;
};

/** {@link MSKEvent} or {@link SelfManagedKafkaEvent}, with corrected records and both self-managed spellings. */
export type KafkaEvent = Omit<MSKEvent | SelfManagedKafkaEvent, 'eventSource' | 'records'> & {
  eventSource: (typeof KAFKA_EVENT_SOURCES)[number];
  eventSourceArn?: string;
  records: Record<string, KafkaEventRecord[]>;
};

/** An item of a partial batch response: `partition` is `"<topic>-<partition>"`. */
export interface BatchItemIdentifier {
  partition: string;
  offset: number;
}

/**
 * What a function returns when its event source mapping has `FunctionResponseTypes: [ReportBatchItemFailures]`.
 * An empty list means the whole batch succeeded.
 */
export interface KafkaBatchResponse {
  batchItemFailures: { itemIdentifier: BatchItemIdentifier }[];
}

/** The `"<topic>-<partition>"` name Lambda uses for a partition, as in `records` and in the response. */
export function partitionName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/**
 * Validates the envelope and returns each partition's records in offset order. A malformed envelope
 * cannot be answered record by record, so it fails the invocation ({@link InvalidEventError}).
 *
 * @example
 * for (const [name, records] of parseKafkaEvent(event)) console.log(name, records.length);
 */
export function parseKafkaEvent(event: unknown): Map<string, KafkaEventRecord[]> {
  const parsed = KafkaEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidEventError(`not a Kafka event: ${z.prettifyError(parsed.error)}`);
  }
  const partitions = new Map<string, KafkaEventRecord[]>();
  // Regrouped by each record's own topic and partition; Lambda's key is the same "<topic>-<partition>".
  for (const records of Object.values(parsed.data.records)) {
    for (const record of records) {
      const name = partitionName(record.topic, record.partition);
      const list = partitions.get(name) ?? [];
      list.push(record);
      partitions.set(name, list);
    }
  }
  for (const list of partitions.values()) list.sort((a, b) => a.offset - b.offset);
  return partitions;
}
