/**
 * The consumer functions invoked in-process with 10,000-record events of 1 KiB values over 3 partitions (the
 * largest batch Lambda sends), as the Lambda runtime would call them: records/s through each handler, with
 * outputs written to a real broker and to a no-op writer (the handler's own cost), and the decode cost per
 * record. Bundled by bench/run.ts like the functions (bench/bundle.ts).
 */

import { Metrics } from '@aws-lambda-powertools/metrics';
import { decodeRecord, rawRecord } from '../src/shared/consumer/decode.js';
import type { KafkaEvent } from '../src/shared/consumer/event.js';
import { type ConsumerDefinition, createConsumer } from '../src/shared/consumer/runtime.js';
import { eventsConsumer } from '../src/shared/events/consumer.js';
import { EventValue } from '../src/shared/events/schema.js';
import { KafkaAdmin } from '../src/shared/kafka/admin.js';
import { KafkaConnection } from '../src/shared/kafka/client.js';
import { loadKafkaConfig } from '../src/shared/kafka/config.js';
import { KafkaRecordWriter, type RecordWriter } from '../src/shared/kafka/writer.js';
import { logsConsumer } from '../src/shared/logs/consumer.js';
import { metricsConsumer } from '../src/shared/metrics/consumer.js';
import { consumerContext, mskEvent, type RecordSpec } from '../test/support/kafka-events.js';

export const RECORDS_PER_EVENT = 10_000;
const PARTITIONS = 3;
const VALUE_BYTES = 1024;
const T0 = Date.parse('2026-01-02T03:00:00Z');

/** Pads a JSON value's `pad` field (or a text line) to exactly VALUE_BYTES. */
function sized(build: (pad: string) => string): string {
  const bare = build('');
  const missing = VALUE_BYTES - Buffer.byteLength(bare);
  if (missing < 0) throw new Error('value larger than VALUE_BYTES');
  return build('x'.repeat(missing));
}

const values: Record<'events' | 'logs' | 'metrics', (i: number) => string> = {
  events: (i) =>
    sized((pad) =>
      JSON.stringify({
        type: 'order.placed',
        id: `evt-${i}`,
        occurredAt: new Date(T0 + i).toISOString(),
        attributes: {
          orderId: `o-${i % 997}`,
          userId: `u-${i % 9973}`,
          currency: 'eur',
          items: Array.from({ length: 8 }, (_, n) => ({
            sku: `sku-${n}-${i % 31}`,
            quantity: 1 + (n % 3),
            unitPrice: 9.99,
          })),
          note: pad,
        },
      }),
    ),
  logs: (i) =>
    i % 2 === 0
      ? sized((pad) =>
          JSON.stringify({
            time: new Date(T0 + i).toISOString(),
            level: 'info',
            service: `svc-${i % 7}`,
            msg: `request handled token=abc${i} user=ada`,
            requestId: `req-${i}`,
            pad,
          }),
        )
      : sized(
          (pad) => `${new Date(T0 + i).toISOString()} WARN svc-${i % 7} slow call password=hunter2 ${pad}`,
        ),
  metrics: (i) =>
    sized((pad) =>
      JSON.stringify({
        name: `metric-${i % 5}`,
        value: (i % 100) / 3,
        time: new Date(T0 + i * 37).toISOString(),
        tags: { host: `host-${i % 4}`, region: 'eu-west-1', pad },
      }),
    ),
};

/** A 10,000-record MSK event of `kind`'s values, spread over 3 partitions. */
export function benchEvent(kind: keyof typeof values, topic: string): KafkaEvent {
  const records: RecordSpec[] = Array.from({ length: RECORDS_PER_EVENT }, (_, i) => ({
    topic,
    partition: i % PARTITIONS,
    offset: Math.floor(i / PARTITIONS),
    key: `k-${i % 101}`,
    value: values[kind](i),
    headers: [['trace', `t-${i}`]],
    timestamp: T0 + i,
  }));
  return mskEvent({ records });
}

/** Accepts every record without writing it: the handler's own cost. */
const noopWriter: RecordWriter = {
  async topicInfo(topic) {
    return {
      name: topic,
      partitionCount: PARTITIONS,
      partitions: [],
      maxMessageBytes: 1_048_588,
      compacted: false,
    };
  },
  async write(_topic, records) {
    return records.map((record) => ({ ok: true, partition: 0, offset: '0', timestamp: record.timestamp }));
  },
};

export interface HandlerRow {
  function: string;
  writer: 'no-op' | 'kafka';
  /** Seconds per 10,000-record invocation, one per round. */
  seconds: number[];
}

// The runtime is generic in the value type; the bench only needs each definition's handler.
const definitions = [
  ['events', eventsConsumer],
  ['logs', logsConsumer],
  ['metrics', metricsConsumer(60_000)],
] as [keyof typeof values, ConsumerDefinition<unknown>][];

/**
 * Each handler, `rounds` timed invocations after one warm-up, with a no-op writer and with the real broker
 * (outputs to `outputTopic(kind)`, which the caller creates with 3 partitions).
 */
export async function benchHandlers(
  bootstrap: string,
  outputTopic: (kind: string) => string,
  rounds: number,
): Promise<{ rows: HandlerRow[]; close: () => Promise<void> }> {
  const connection = new KafkaConnection(
    loadKafkaConfig({ KAFKA_BROKERS: bootstrap, KAFKA_CLIENT_ID: 'bench-consumers' }),
  );
  const kafkaWriter = new KafkaRecordWriter(connection, new KafkaAdmin(connection));
  const metrics = new Metrics({ namespace: 'bench' });
  const rows: HandlerRow[] = [];
  for (const [kind, definition] of definitions) {
    const event = benchEvent(kind, `bench.${kind}`);
    for (const [name, writer] of [
      ['no-op', noopWriter],
      ['kafka', kafkaWriter],
    ] as const) {
      const handler = createConsumer(definition, {
        writer,
        outputTopic: outputTopic(kind),
        reportBatchItemFailures: true,
        writeTimeoutMs: 120_000,
        metrics,
      });
      const seconds: number[] = [];
      for (let round = 0; round <= rounds; round++) {
        const started = performance.now();
        const response = await handler(event, consumerContext(`bench-${kind}`));
        if (response?.batchItemFailures.length)
          throw new Error(`${kind}: ${response.batchItemFailures.length} failed`);
        if (round > 0) seconds.push((performance.now() - started) / 1000);
      }
      rows.push({ function: kind, writer: name, seconds });
    }
  }
  return {
    rows,
    close: () => connection.close(),
  };
}

/** Microseconds per record: bytes only (base64, signed header bytes), and bytes + UTF-8 + JSON + zod. */
export function benchDecode(rounds: number): { rawMicros: number; fullMicros: number } {
  const records = Object.values(benchEvent('events', 'bench.events').records).flat();
  const formats = { value: { format: 'json' as const, schema: EventValue } };
  const time = (decode: () => void) => {
    decode();
    const started = performance.now();
    for (let round = 0; round < rounds; round++) decode();
    return ((performance.now() - started) * 1000) / (rounds * records.length);
  };
  return {
    rawMicros: time(() => {
      for (const record of records) rawRecord(record);
    }),
    fullMicros: time(() => {
      for (const record of records) void decodeRecord(record, formats);
    }),
  };
}
