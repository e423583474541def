/**
 * The produce handler invoked in-process (as the Lambda runtime would call it, one invocation at a time)
 * against a bare kafkajs producer writing the same bytes, in alternating rounds.
 */

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { KafkaAdmin } from '../src/shared/kafka/admin.js';
import { KafkaConnection } from '../src/shared/kafka/client.js';
import { loadKafkaConfig } from '../src/shared/kafka/config.js';
import { KafkaRecordWriter } from '../src/shared/kafka/writer.js';
import { loadProduceConfig } from '../src/shared/produce/config.js';
import { createProduceHandler } from '../src/shared/produce/http.js';
import { ProduceService } from '../src/shared/produce/service.js';
import { lambdaContext, produceEvent } from '../test/support/http-events.js';
import type { Batch } from './payload.js';

export interface Sample {
  records: number;
  valueBytes: number;
  seconds: number;
}

export interface Sender {
  name: string;
  send(batch: Batch, sequence: number): Promise<void>;
  close(): Promise<void>;
}

/** Sends `count` batches one after another and times the whole run. */
export async function measure(sender: Sender, batches: Batch[], count: number): Promise<Sample> {
  let records = 0;
  let valueBytes = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const batch = batches[i % batches.length] as Batch;
    await sender.send(batch, i);
    records += batch.records;
    valueBytes += batch.valueBytes;
  }
  return { records, valueBytes, seconds: (performance.now() - started) / 1000 };
}

/** The real handler, service, writer and connection, wired as functions/produce.ts does. */
export function handlerSender(bootstrap: string, topic: string, batches: Batch[]): Sender {
  const connection = new KafkaConnection(
    loadKafkaConfig({ KAFKA_BROKERS: bootstrap, KAFKA_CLIENT_ID: 'bench-handler' }),
  );
  const handler = createProduceHandler(
    new ProduceService(new KafkaRecordWriter(connection, new KafkaAdmin(connection)), loadProduceConfig({})),
  );
  // API Gateway's event is built outside the function; only the handler's own work is timed.
  const events = new Map<Batch, APIGatewayProxyEventV2>(
    batches.map((batch) => [batch, produceEvent(topic, { rawBody: batch.body })]),
  );
  return {
    name: 'handler',
    async send(batch) {
      const response = await handler(events.get(batch) as APIGatewayProxyEventV2, lambdaContext());
      if (response.statusCode !== 200) {
        throw new Error(`handler answered ${response.statusCode}: ${response.body.slice(0, 500)}`);
      }
    },
    close: () => connection.close(),
  };
}

/**
 * A bare kafkajs producer configured like the handler's (idempotent, one request in flight, acks -1),
 * sending each batch to one partition, rotating, as the handler does with keyless records.
 */
export async function bareSender(bootstrap: string, topic: string, partitions: number): Promise<Sender> {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench-bare', logLevel: logLevel.NOTHING });
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return {
    name: 'bare kafkajs',
    async send(batch, sequence) {
      const partition = sequence % partitions;
      const timestamp = String(Date.now());
      const result = await producer.send({
        topic,
        acks: -1,
        messages: batch.values.map((value) => ({ value, partition, timestamp })),
      });
      if (result[0]?.errorCode !== 0) throw new Error(`bare producer: ${JSON.stringify(result)}`);
    },
    close: () => producer.disconnect(),
  };
}
