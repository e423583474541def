import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { KafkaEvent } from '../../../src/shared/consumer/event.js';
import { createConsumer } from '../../../src/shared/consumer/runtime.js';
import { eventsConsumer } from '../../../src/shared/events/consumer.js';
import { uniqueName } from '../../support/kafka.js';
import { consumerContext } from '../../support/kafka-events.js';
import { readWithKafkaPython } from '../../support/peers.js';
import { consumerTopics, eventFromTopic, produceInputs, testWriter } from './harness.js';

const bootstrap = inject('kafkaBrokers');
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const text = (base64: string | null) => (base64 === null ? null : Buffer.from(base64, 'base64').toString());

const order = {
  type: 'order.placed',
  id: 'e-1',
  occurredAt: '2026-01-02T03:04:05Z',
  attributes: {
    orderId: 'o-1',
    userId: 'u-1',
    currency: 'eur',
    items: [{ sku: 'a', quantity: 2, unitPrice: 5 }],
  },
};
const click = {
  type: 'click',
  id: 'e-2',
  occurredAt: '2026-01-02T03:04:06Z',
  attributes: { sessionId: 's-9', page: '/p' },
};
const trace = Buffer.from([0x00, 0xff, 0x80, 0xc3, 0xab]);

describe('events function against a real broker', () => {
  const writer = testWriter(bootstrap);
  let topics: Awaited<ReturnType<typeof consumerTopics>>;
  let event: KafkaEvent;

  beforeAll(async () => {
    topics = await consumerTopics(bootstrap, 'events');
    await produceInputs(writer, topics.input, [
      { key: 'o-1', value: JSON.stringify(order), headers: { origin: 'café ë' }, partition: 0 },
      { key: null, value: JSON.stringify(click), partition: 0 },
      {
        key: 'h',
        value: JSON.stringify({ type: 'heartbeat', id: 'h', occurredAt: '2026-01-02T03:04:07Z' }),
        partition: 1,
      },
      { key: 'bad', value: '{"type":"order.placed"', headers: { trace }, partition: 1 },
      { key: 'gone', value: null, partition: 2 },
    ]);
    event = await eventFromTopic(bootstrap, topics.input, 5);
  });

  it('writes enriched events keyed by entity with their source coordinates, and dead-letters the poison record', async () => {
    // Prepare
    const handler = createConsumer(eventsConsumer, {
      writer,
      outputTopic: topics.output,
      reportBatchItemFailures: true,
      writeTimeoutMs: 30_000,
    });
    const consumed = Object.values(event.records).flat();
    const at = (key: string | null) =>
      consumed.find((r) => (r.key ?? null) === (key === null ? null : b64(key)));

    // Act
    const response = await handler(event, consumerContext('events-test'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    // The event reproduces Lambda's quirks from real records: no key field for a null key, signed header bytes.
    expect('key' in (at(null) ?? {})).toBe(false);
    expect(at('o-1')?.headers?.[0]).toEqual({ origin: [99, 97, 102, -61, -87, 32, -61, -85] });

    const outputs = await readWithKafkaPython(bootstrap, topics.output, 2);
    const byKey = new Map(outputs.map((record) => [text(record.key), record]));
    expect([...byKey.keys()].sort()).toEqual(['order:o-1', 'session:s-9']);
    const processedOrder = byKey.get('order:o-1');
    expect(JSON.parse(text(processedOrder?.value ?? null) ?? '')).toMatchObject({
      entity: { kind: 'order', id: 'o-1' },
      derived: { itemCount: 2, totalAmount: 10 },
    });
    expect(processedOrder?.headers).toEqual([
      ['source.topic', b64(topics.input)],
      ['source.partition', b64('0')],
      ['source.offset', b64(String(at('o-1')?.offset))],
      ['event.type', b64('order.placed')],
    ]);

    const [dead, ...more] = await readWithKafkaPython(bootstrap, topics.dlq, 1);
    expect(more).toEqual([]);
    expect(dead?.key).toBe(b64('bad'));
    expect(dead?.value).toBe(b64('{"type":"order.placed"'));
    expect(
      Object.fromEntries(
        (dead?.headers ?? []).map(([name, value]) => [name, name === 'trace' ? value : text(value)]),
      ),
    ).toEqual({
      trace: trace.toString('base64'),
      'dlq.source.topic': topics.input,
      'dlq.source.partition': '1',
      'dlq.source.offset': String(at('bad')?.offset),
      'dlq.source.timestamp': String(at('bad')?.timestamp),
      'dlq.source.timestamp.type': 'CREATE_TIME',
      'dlq.error.class': 'RECORD_UNDECODABLE',
      'dlq.error.message': 'value is not valid JSON',
      'dlq.function.name': 'events-test',
    });
  });

  it('reports each partition from its first failed record when the output cannot be written, or throws without partial responses', async () => {
    // Prepare: an output topic that does not exist; the event as a self-managed source sends it.
    const selfManaged = { ...event, eventSource: 'SelfManagedKafka' as const, eventSourceArn: undefined };
    const options = { writer, outputTopic: uniqueName('missing'), writeTimeoutMs: 30_000 };
    const reporting = createConsumer(eventsConsumer, { ...options, reportBatchItemFailures: true });
    const throwing = createConsumer(eventsConsumer, { ...options, reportBatchItemFailures: false });

    // Act
    const response = await reporting(selfManaged, consumerContext());
    const thrown = throwing(selfManaged, consumerContext());

    // Assess: partition 0's two events failed; partitions 1 (ignored + poison) and 2 (tombstone) did not.
    const partition0 = (event.records[`${topics.input}-0`] ?? []).map((record) => record.offset);
    expect(response).toEqual({
      batchItemFailures: partition0.map((offset) => ({
        itemIdentifier: { partition: `${topics.input}-0`, offset },
      })),
    });
    await expect(thrown).rejects.toMatchObject({ code: 'BATCH_FAILED' });
  });
});
