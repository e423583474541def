/**
 * On-failure destinations. A Kafka topic (`kafka://<topic>`, on the mapping's own cluster) receives one
 * record per failed record, keyed by the original key, in AWS's layout
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html). SQS, SNS and S3
 * destinations have no local service to go to: the same documents are written as JSON files to a folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordWriter } from '../../shared/kafka/writer.js';
import type { KafkaEvent, KafkaEventRecord } from './event.js';

export type FailureCondition = 'RetriesExhausted' | 'RecordAgeExceeded' | 'PayloadSizeExceeded';

export interface FailedBatch {
  condition: FailureCondition;
  functionArn: string;
  /** How many times the function was invoked with (part of) this batch. */
  invokeCount: number;
  /** `Unhandled` when the function threw, absent when it answered with failed items or was never invoked. */
  functionError: string | undefined;
  event: KafkaEvent;
}

/** The document for one failed record, in the layout AWS writes to a Kafka on-failure destination. */
export interface DestinationRecord {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: FailureCondition;
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: '1.0';
  timestamp: string;
  KafkaBatchInfo: {
    batchSize: number;
    eventSourceArn?: string;
    bootstrapServers: string;
    payloadSize: number;
    recordInfo: { offset: string; timestamp: string };
  };
  payload: KafkaEvent;
}

function destinationRecords(failed: FailedBatch): { key: string | undefined; document: DestinationRecord }[] {
  const records = Object.values(failed.event.records).flat();
  const { records: _records, ...envelope } = failed.event;
  const now = new Date().toISOString();
  return records.map((record: KafkaEventRecord) => {
    const payload: KafkaEvent = {
      ...envelope,
      records: { [`${record.topic}-${record.partition}`]: [record] },
    };
    return {
      key: record.key,
      document: {
        requestContext: {
          requestId: crypto.randomUUID(),
          functionArn: failed.functionArn,
          condition: failed.condition,
          approximateInvokeCount: failed.invokeCount,
        },
        responseContext: {
          statusCode: 200,
          executedVersion: '$LATEST',
          ...(failed.functionError ? { functionError: failed.functionError } : {}),
        },
        version: '1.0',
        timestamp: now,
        KafkaBatchInfo: {
          batchSize: records.length,
          ...(envelope.eventSourceArn ? { eventSourceArn: envelope.eventSourceArn } : {}),
          bootstrapServers: envelope.bootstrapServers,
          payloadSize: Buffer.byteLength(JSON.stringify(failed.event)),
          recordInfo: { offset: String(record.offset), timestamp: String(record.timestamp) },
        },
        payload,
      },
    };
  });
}

/** Delivers failed batches to their destination. */
export type DestinationSink = (destination: string, failed: FailedBatch) => Promise<void>;

const KAFKA_PREFIX = 'kafka://';

/** The topic of a `kafka://<topic>` destination; undefined for any other destination (SQS, SNS, S3 ARNs). */
export function kafkaDestinationTopic(destination: string): string | undefined {
  return destination.startsWith(KAFKA_PREFIX) ? destination.slice(KAFKA_PREFIX.length) : undefined;
}

/**
 * A sink writing Kafka destinations with `writer` (src/shared/kafka: a record counts as delivered only with
 * the broker's offset) and the others under `folder`. Throws unless every record was written within
 * `timeoutMs`; the poller then tries again, and the batch's offsets wait.
 */
export function destinationSink(writer: RecordWriter, folder: string, timeoutMs = 30_000): DestinationSink {
  return async (destination, failed) => {
    const records = destinationRecords(failed);
    const topic = kafkaDestinationTopic(destination);
    if (topic !== undefined) {
      const now = Date.now();
      const results = await writer.write(
        topic,
        records.map(({ key, document }) => ({
          key: key === undefined ? null : Buffer.from(key, 'base64'),
          value: Buffer.from(JSON.stringify(document)),
          headers: {},
          partition: undefined,
          timestamp: now,
        })),
        { acks: 'all', compression: 'none', deadline: now + timeoutMs },
      );
      const failures = results.flatMap((result) => (result.ok ? [] : [result.error]));
      const [first] = failures;
      if (first) {
        throw new Error(
          `${failures.length} of ${records.length} record(s) not written to ${topic}: ${first.code} ${first.message}`,
          { cause: first },
        );
      }
      return;
    }
    const directory = join(folder, destination.replace(/[^a-zA-Z0-9._-]/g, '_'));
    await mkdir(directory, { recursive: true });
    await Promise.all(
      records.map(({ document }) => {
        const { topic: source, partition, offset } = Object.values(document.payload.records).flat()[0] ?? {};
        return writeFile(
          join(directory, `${source}-${partition}-${offset}-${document.requestContext.requestId}.json`),
          `${JSON.stringify(document, null, 2)}\n`,
        );
      }),
    );
  };
}
