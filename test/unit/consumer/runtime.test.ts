import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { ConsumerDefinition } from '../../../src/shared/consumer/runtime.js';
import { createConsumer } from '../../../src/shared/consumer/runtime.js';
import { BrokerUnavailableError, DownstreamUnavailableError } from '../../../src/shared/errors.js';
import { KafkaRecordWriter } from '../../../src/shared/kafka/writer.js';
import { FakeCluster, protocolError } from '../../support/fake-cluster.js';
import {
  consumerContext,
  headerText,
  memoryWriter,
  mskEvent,
  selfManagedEvent,
} from '../../support/kafka-events.js';

/** Upper-cases `{"word": string}` values; a record whose word is "crash" throws like a bug would. */
const upper: ConsumerDefinition<{ word: string }> = {
  name: 'upper',
  value: { format: 'json', schema: z.object({ word: z.string() }) },
  handler: {
    record: (record) => {
      if (record.data.word === 'crash') throw new TypeError('cannot read properties of undefined');
      if (record.data.word === 'later')
        throw new DownstreamUnavailableError('the enrichment service is down');
      return {
        key: record.key,
        value: { word: record.data.word.toUpperCase() },
        timestamp: record.timestamp,
      };
    },
  },
};

const options = { outputTopic: 'out', writeTimeoutMs: 10_000 };
const words = (written: { value: Buffer | null }[]) => written.map((r) => JSON.parse(String(r.value)).word);

/** Invokes `upper` once with partial responses, writing through the real writer to `cluster`. */
function withRealWriter(cluster: FakeCluster, records: Parameters<typeof mskEvent>[0]['records']) {
  const handler = createConsumer(upper, {
    ...options,
    writer: new KafkaRecordWriter(cluster, cluster),
    reportBatchItemFailures: true,
  });
  return handler(mskEvent({ records }), consumerContext());
}

describe('consumer runtime', () => {
  it('handles every partition of an MSK event in offset order and stamps each output with its source', async () => {
    // Prepare
    const { writer, on } = memoryWriter();
    const handler = createConsumer(upper, { ...options, writer, reportBatchItemFailures: true });
    const event = mskEvent({
      records: [
        { topic: 'in', partition: 1, offset: 10, key: 'a', value: { word: 'one' } },
        { topic: 'in', partition: 0, offset: 3, value: { word: 'two' } },
        { topic: 'in', partition: 1, offset: 11, key: 'a', value: { word: 'three' } },
      ],
    });

    // Act
    const response = await handler(event, consumerContext());

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const out = on('out');
    expect(words(out).sort()).toEqual(['ONE', 'THREE', 'TWO']);
    expect(words(out.filter((r) => headerText(r, 'source.partition') === '1'))).toEqual(['ONE', 'THREE']);
    const three = out.find((r) => headerText(r, 'source.offset') === '11');
    expect(three && headerText(three, 'source.topic')).toBe('in');
    expect(three?.key?.toString()).toBe('a');
  });

  it('returns nothing on success when partial responses are off', async () => {
    // Prepare
    const { writer } = memoryWriter();
    const handler = createConsumer(upper, { ...options, writer, reportBatchItemFailures: false });

    // Act
    const response = await handler(
      selfManagedEvent({ records: [{ topic: 'in', offset: 0, value: { word: 'x' } }] }),
      consumerContext(),
    );

    // Assess
    expect(response).toBeUndefined();
  });

  it('dead-letters poison records with their original bytes and the dlq headers, and goes on with the batch', async () => {
    // Prepare
    const { writer, on } = memoryWriter();
    const handler = createConsumer(upper, { ...options, writer, reportBatchItemFailures: true });
    const event = mskEvent({
      records: [
        { topic: 'in', offset: 0, key: 'k0', value: 'not json', headers: [['trace', Buffer.from([0, 255])]] },
        { topic: 'in', offset: 1, value: { word: 'ok' } },
        { topic: 'in', offset: 2, key: 'k2', value: { word: 42 }, timestamp: 1_700_000_000_000 },
        { topic: 'in', offset: 3, value: { word: 'crash' } },
      ],
    });

    // Act
    const response = await handler(event, consumerContext('upper-dev'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(words(on('out'))).toEqual(['OK']);
    const dlq = on('in.dlq');
    expect(dlq.map((r) => headerText(r, 'dlq.error.class'))).toEqual([
      'RECORD_UNDECODABLE',
      'RECORD_SCHEMA_INVALID',
      'RECORD_REJECTED',
    ]);
    const [undecodable, invalid, rejected] = dlq;
    expect(undecodable?.key?.toString()).toBe('k0');
    expect(undecodable?.value?.toString()).toBe('not json');
    expect(undecodable?.headers.trace).toEqual([Buffer.from([0, 255])]);
    expect(
      invalid &&
        Object.fromEntries(Object.keys(invalid.headers).map((name) => [name, headerText(invalid, name)])),
    ).toEqual({
      'dlq.source.topic': 'in',
      'dlq.source.partition': '0',
      'dlq.source.offset': '2',
      'dlq.source.timestamp': '1700000000000',
      'dlq.source.timestamp.type': 'CREATE_TIME',
      'dlq.error.class': 'RECORD_SCHEMA_INVALID',
      'dlq.error.message': 'word: Invalid input: expected string, received number',
      'dlq.function.name': 'upper-dev',
    });
    expect(rejected && headerText(rejected, 'dlq.error.message')).toBe(
      'TypeError: cannot read properties of undefined',
    );
  });

  it('skips both tombstone forms', async () => {
    // Prepare
    const { writer, written } = memoryWriter();
    const handler = createConsumer(upper, { ...options, writer, reportBatchItemFailures: true });

    // Act
    const response = await handler(
      mskEvent({
        records: [
          { topic: 'in', offset: 0, key: 'k', value: null },
          { topic: 'in', offset: 1, key: 'k' },
        ],
      }),
      consumerContext(),
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(written).toEqual([]);
  });

  it("reports, per partition, the first transiently failed record and every later one, in Lambda's format", async () => {
    // Prepare: the output of partition 0's offset 5 cannot be written.
    const { writer } = memoryWriter((topic, record) =>
      topic === 'out' && String(record.value).includes('FAILS')
        ? new BrokerUnavailableError('no leader')
        : undefined,
    );
    const handler = createConsumer(upper, { ...options, writer, reportBatchItemFailures: true });
    const event = mskEvent({
      records: [
        { topic: 'in', partition: 0, offset: 4, value: { word: 'fine' } },
        { topic: 'in', partition: 0, offset: 5, value: { word: 'fails' } },
        { topic: 'in', partition: 0, offset: 6, value: { word: 'fine' } },
        { topic: 'in', partition: 0, offset: 7, value: 'poison after the failure' },
        { topic: 'in', partition: 1, offset: 2, value: { word: 'fine' } },
      ],
    });

    // Act
    const response = await handler(event, consumerContext());

    // Assess
    expect(JSON.stringify(response)).toBe(
      '{"batchItemFailures":[{"itemIdentifier":{"partition":"in-0","offset":5}},{"itemIdentifier":{"partition":"in-0","offset":6}},{"itemIdentifier":{"partition":"in-0","offset":7}}]}',
    );
  });

  it('does not dead-letter poison records that come again after a failure', async () => {
    // Prepare
    const { writer, on } = memoryWriter((topic, record) =>
      topic === 'out' && String(record.value).includes('FAILS')
        ? new BrokerUnavailableError('no leader')
        : undefined,
    );
    const handler = createConsumer(upper, { ...options, writer, reportBatchItemFailures: true });

    // Act
    await handler(
      mskEvent({
        records: [
          { topic: 'in', offset: 0, value: 'poison before' },
          { topic: 'in', offset: 1, value: { word: 'fails' } },
          { topic: 'in', offset: 2, value: 'poison after' },
        ],
      }),
      consumerContext(),
    );

    // Assess
    expect(on('in.dlq').map((r) => r.value?.toString())).toEqual(['poison before']);
  });

  it('stops a partition at a retriable handler error: later records are reported, not handled', async () => {
    // Prepare
    const { writer, on } = memoryWriter();
    const handler = createConsumer(upper, { ...options, writer, reportBatchItemFailures: true });

    // Act
    const response = await handler(
      mskEvent({
        records: [
          { topic: 'in', offset: 0, value: { word: 'a' } },
          { topic: 'in', offset: 1, value: { word: 'later' } },
          { topic: 'in', offset: 2, value: { word: 'b' } },
        ],
      }),
      consumerContext(),
    );

    // Assess
    expect(words(on('out'))).toEqual(['A']);
    expect(response?.batchItemFailures.map((item) => item.itemIdentifier.offset)).toEqual([1, 2]);
  });

  it('throws so Lambda retries the whole batch when partial responses are off', async () => {
    // Prepare
    const { writer } = memoryWriter((topic) =>
      topic === 'out' ? new BrokerUnavailableError('no leader') : undefined,
    );
    const handler = createConsumer(upper, { ...options, writer, reportBatchItemFailures: false });

    // Act
    const invocation = handler(
      mskEvent({ records: [{ topic: 'in', offset: 0, value: { word: 'a' } }] }),
      consumerContext(),
    );

    // Assess: Lambda reports the error's name as the invocation's errorType.
    await expect(invocation).rejects.toMatchObject({
      name: 'BatchFailedError',
      code: 'BATCH_FAILED',
      retriable: true,
    });
  });

  it('treats a dead letter that cannot be written as a transient failure', async () => {
    // Prepare
    const { writer } = memoryWriter((topic) =>
      topic === 'in.dlq' ? new BrokerUnavailableError('no leader') : undefined,
    );
    const handler = createConsumer(upper, { ...options, writer, reportBatchItemFailures: true });

    // Act
    const response = await handler(
      mskEvent({
        records: [
          { topic: 'in', offset: 0, value: { word: 'a' } },
          { topic: 'in', offset: 1, value: 'poison' },
          { topic: 'in', offset: 2, value: { word: 'b' } },
        ],
      }),
      consumerContext(),
    );

    // Assess
    expect(response?.batchItemFailures.map((item) => item.itemIdentifier.offset)).toEqual([1, 2]);
  });

  it("dead-letters, with provenance, the source of an output over the output topic's max.message.bytes", async () => {
    // Prepare: the real writer over an in-memory cluster whose output topic takes batches up to 300 bytes.
    const cluster = new FakeCluster()
      .topic('out', { partitions: 1, maxMessageBytes: 300 })
      .topic('in.dlq', { partitions: 1 });

    // Act
    const response = await withRealWriter(cluster, [
      { topic: 'in', partition: 4, offset: 7, value: { word: 'w'.repeat(400) } },
      { topic: 'in', partition: 4, offset: 8, value: { word: 'small' } },
    ]);

    // Assess: nothing is retried, the small output is written, the oversize one's source is a dead letter.
    expect(response).toEqual({ batchItemFailures: [] });
    expect(words(cluster.log('out', 0))).toEqual(['SMALL']);
    const [letter, ...more] = cluster.log('in.dlq', 0);
    expect(more).toEqual([]);
    const header = (name: string) => letter?.headers[name]?.map(String);
    expect(header('dlq.source.partition')).toEqual(['4']);
    expect(header('dlq.source.offset')).toEqual(['7']);
    expect(header('dlq.error.class')).toEqual(['RECORD_TOO_LARGE']);
  });

  it('dead-letters the source of an output the broker answers MESSAGE_TOO_LARGE, and writes the rest', async () => {
    // Prepare: the broker refuses the batch of both outputs, then the first output alone.
    const cluster = new FakeCluster().topic('out', { partitions: 1 }).topic('in.dlq', { partitions: 1 });
    cluster.faults.push(protocolError('MESSAGE_TOO_LARGE', 10), protocolError('MESSAGE_TOO_LARGE', 10));

    // Act
    const response = await withRealWriter(cluster, [
      { topic: 'in', offset: 0, value: { word: 'refused' } },
      { topic: 'in', offset: 1, value: { word: 'fine' } },
    ]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(words(cluster.log('out', 0))).toEqual(['FINE']);
    expect(cluster.log('in.dlq', 0).map((r) => r.headers['dlq.source.offset']?.map(String))).toEqual([['0']]);
  });

  it('writes the same output records when a batch is replayed', async () => {
    // Prepare
    const { writer, on } = memoryWriter();
    const handler = createConsumer(upper, { ...options, writer, reportBatchItemFailures: true });
    const event = mskEvent({
      records: [{ topic: 'in', partition: 2, offset: 8, key: 'k', value: { word: 'x' } }],
    });

    // Act
    await handler(event, consumerContext());
    await handler(event, consumerContext());

    // Assess: two records written (a vacuous pass when nothing is), and the same both times.
    const out = on('out');
    expect(out).toHaveLength(2);
    const [first, replay] = out;
    expect(first?.value?.toString()).toBe('{"word":"X"}');
    expect(replay).toEqual(first);
  });

  it('fails the invocation for an envelope that is not a Kafka event', async () => {
    // Prepare
    const { writer } = memoryWriter();
    const handler = createConsumer(upper, { ...options, writer, reportBatchItemFailures: true });

    // Act / Assess
    await expect(handler({ Records: [] }, consumerContext())).rejects.toMatchObject({
      code: 'INVALID_EVENT',
    });
  });
});
