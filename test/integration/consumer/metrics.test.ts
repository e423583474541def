import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { KafkaEvent } from '../../../src/shared/consumer/event.js';
import { createConsumer } from '../../../src/shared/consumer/runtime.js';
import { mergePartials, type PartialAggregate } from '../../../src/shared/metrics/aggregate.js';
import { metricsConsumer } from '../../../src/shared/metrics/consumer.js';
import { consumerContext } from '../../support/kafka-events.js';
import { readWithKafkaPython } from '../../support/peers.js';
import { consumerTopics, eventFromTopic, produceInputs, testWriter } from './harness.js';

const bootstrap = inject('kafkaBrokers');
const text = (base64: string | null) => (base64 === null ? '' : Buffer.from(base64, 'base64').toString());
const T0 = Date.parse('2026-01-02T03:04:00Z');

/** 12 measurements over 3 partitions: two series, two one-minute windows, one late record. */
const measurements = [
  { partition: 0, value: 1, time: T0 + 1_000, host: 'a' },
  { partition: 0, value: 2, time: T0 + 2_000, host: 'a' },
  { partition: 0, value: 3, time: T0 + 61_000, host: 'a' },
  { partition: 0, value: 4, time: T0 + 3_000, host: 'a' },
  { partition: 1, value: 10, time: T0 + 1_000, host: 'b' },
  { partition: 1, value: 20, time: T0 + 62_000, host: 'b' },
  { partition: 1, value: 30, time: T0 + 63_000, host: 'b' },
  { partition: 1, value: 40, time: T0 + 5_000, host: 'a' },
  { partition: 2, value: -5, time: T0 + 7_000, host: 'b' },
  { partition: 2, value: 5, time: T0 + 64_000, host: 'a' },
  { partition: 2, value: 7, time: T0 + 8_000, host: 'b' },
  { partition: 2, value: 100, time: T0 - 1_000, host: 'a' },
];

/** The event's records of each partition split in two: two invocations, as Lambda's batches would be. */
function halves(event: KafkaEvent): [KafkaEvent, KafkaEvent] {
  const first: KafkaEvent['records'] = {};
  const second: KafkaEvent['records'] = {};
  for (const [name, records] of Object.entries(event.records)) {
    first[name] = records.slice(0, 2);
    second[name] = records.slice(2);
  }
  return [
    { ...event, records: first },
    { ...event, records: second },
  ];
}

describe('metrics function against a real broker', () => {
  const writer = testWriter(bootstrap);
  let topics: Awaited<ReturnType<typeof consumerTopics>>;

  beforeAll(async () => {
    topics = await consumerTopics(bootstrap, 'metrics');
    await produceInputs(
      writer,
      topics.input,
      measurements.map(({ partition, value, time, host }) => ({
        partition,
        value: JSON.stringify({ name: 'cpu', value, time: new Date(time).toISOString(), tags: { host } }),
      })),
    );
  });

  it('emits partials whose merge, replays included, is the aggregate of all measurements', async () => {
    // Prepare
    const handler = createConsumer(metricsConsumer(60_000), {
      writer,
      outputTopic: topics.output,
      reportBatchItemFailures: true,
      writeTimeoutMs: 30_000,
    });
    const [first, second] = halves(await eventFromTopic(bootstrap, topics.input, measurements.length));

    // Act: the first batch is delivered twice (at-least-once).
    const responses = [
      await handler(first, consumerContext()),
      await handler(first, consumerContext()),
      await handler(second, consumerContext()),
    ];

    // Assess
    expect(responses).toEqual([
      { batchItemFailures: [] },
      { batchItemFailures: [] },
      { batchItemFailures: [] },
    ]);
    // Partials: 5 from the first halves (written twice), 6 from the second halves.
    const read = await readWithKafkaPython(bootstrap, topics.output, 16);
    expect(read).toHaveLength(16);
    const merged = mergePartials(
      read.map((r) => ({ key: text(r.key), value: JSON.parse(text(r.value)) as PartialAggregate })),
    );
    expect(Object.fromEntries(merged)).toEqual({
      'cpu{host=a}@2026-01-02T03:03:00.000Z': { count: 1, sum: 100, min: 100, max: 100, mean: 100 },
      'cpu{host=a}@2026-01-02T03:04:00.000Z': { count: 4, sum: 47, min: 1, max: 40, mean: 11.75 },
      'cpu{host=a}@2026-01-02T03:05:00.000Z': { count: 2, sum: 8, min: 3, max: 5, mean: 4 },
      'cpu{host=b}@2026-01-02T03:04:00.000Z': { count: 3, sum: 12, min: -5, max: 10, mean: 4 },
      'cpu{host=b}@2026-01-02T03:05:00.000Z': { count: 2, sum: 50, min: 20, max: 30, mean: 25 },
    });
    // A series' partials share an output partition, so one reader merges them.
    const partitionsBySeriesWindow = new Map<string, Set<number>>();
    for (const record of read) {
      const key = text(record.key).split('#')[0] ?? '';
      partitionsBySeriesWindow.set(
        key,
        (partitionsBySeriesWindow.get(key) ?? new Set()).add(record.partition),
      );
    }
    for (const partitions of partitionsBySeriesWindow.values()) expect(partitions.size).toBe(1);
  });
});
