/**
 * On-failure destinations. A Kafka topic (`kafka://<topic>`, on the mapping's own cluster) receives one
 * record per failed record, keyed by the original key, in AWS's layout
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html). SQS, SNS and S3
 * destinations have no local service to go to: the same documents are written as JSON files to a folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
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

export function destinationRecords(
  failed: FailedBatch,
): { key: string | undefined; document: DestinationRecord }[] {
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

export function kafkaDestinationTopic(destination: string): string | undefined {
  return destination.startsWith(KAFKA_PREFIX) ? destination.slice(KAFKA_PREFIX.length) : undefined;
}

/** A sink writing Kafka destinations with `producer` and the others under `folder`. */
export function destinationSink(producer: () => Promise<Producer>, folder: string): DestinationSink {
  return async (destination, failed) => {
    const records = destinationRecords(failed);
    const topic = kafkaDestinationTopic(destination);
    if (topic !== undefined) {
      await (await producer()).send({
        topic,
        acks: -1,
        messages: records.map(({ key, document }) => ({
          key: key === undefined ? null : Buffer.from(key, 'base64'),
          value: JSON.stringify(document),
        })),
      });
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
