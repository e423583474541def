/** The consumer runtime's phases on their own: handle, write and respond (runtime.test.ts runs them together). */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { parseKafkaEvent } from '../../../src/shared/consumer/event.js';
import { handlePartition } from '../../../src/shared/consumer/handle.js';
import { respond } from '../../../src/shared/consumer/respond.js';
import type { ConsumerDefinition } from '../../../src/shared/consumer/runtime.js';
import { kafkaSink, writeBatch } from '../../../src/shared/consumer/write.js';
import {
  BrokerUnavailableError,
  DownstreamUnavailableError,
  RecordTooLargeError,
} from '../../../src/shared/errors.js';
import type { RecordWriter } from '../../../src/shared/kafka/writer.js';
import { memoryWriter, mskEvent } from '../../support/kafka-events.js';

const echo: ConsumerDefinition<{ n: number }> = {
  name: 'echo',
  value: { format: 'json', schema: z.object({ n: z.number() }) },
  handler: {
    record: (record) => {
      if (record.data.n === 13) throw new DownstreamUnavailableError('enrichment down');
      if (record.data.n < 0) throw new RangeError('negative');
      return { key: null, value: { n: record.data.n }, timestamp: record.timestamp };
    },
  },
};

/** One partition (`in-0`) of records with the values `n`. */
function partition(values: unknown[]) {
  const event = mskEvent({ records: values.map((n, offset) => ({ topic: 'in', offset, value: { n } })) });
  return parseKafkaEvent(event);
}
const records = (values: unknown[]) => [...partition(values).values()][0] ?? [];

/** The write phase of `echo` with one Kafka sink, topic `out`, and a second to write in. */
function writeToOut(
  writer: RecordWriter,
  handled: Awaited<ReturnType<typeof handlePartition>>[],
  reportBatchItemFailures: boolean,
) {
  return writeBatch({
    writer,
    sinks: [kafkaSink(writer, 'out')],
    handled,
    reportBatchItemFailures,
    functionName: 'echo',
    deadline: Date.now() + 1000,
  });
}

describe('handle phase', () => {
  it('hands records to the function in order; poison apart; stops the partition at a retriable failure', async () => {
    // Act
    const handled = await handlePartition(echo, records([1, 'x', -1, 2, 13, 3]));

    // Assess
    expect(handled.outputs.map((output) => output.value)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(handled.poison.map(({ record, error }) => [record.offset, error.code])).toEqual([
      [1, 'RECORD_SCHEMA_INVALID'],
      [2, 'RECORD_REJECTED'],
    ]);
    expect(handled.failures.map(({ record, error }) => [record.offset, error.code])).toEqual([
      [4, 'DOWNSTREAM_UNAVAILABLE'],
    ]);
    expect(handled.raw).toHaveLength(6);
  });

  it('fails every record of a batch handler that throws, as poison or retriable by the error', async () => {
    // Prepare
    const failing = (error: Error): ConsumerDefinition<{ n: number }> => ({
      ...echo,
      handler: {
        batch: () => {
          throw error;
        },
      },
    });

    // Act
    const poison = await handlePartition(failing(new TypeError('bug')), records([1, 2]));
    const transient = await handlePartition(failing(new DownstreamUnavailableError('down')), records([1, 2]));

    // Assess
    expect([poison.poison.length, poison.failures.length]).toEqual([2, 0]);
    expect([transient.poison.length, transient.failures.length]).toEqual([0, 2]);
  });
});

describe('write phase', () => {
  it('dead-letters the source of an output the broker refuses, retries the source of one not written', async () => {
    // Prepare
    const { writer, on } = memoryWriter((topic, record) => {
      const n = JSON.parse(String(record.value)).n;
      if (topic !== 'out') return undefined;
      return n === 1
        ? new RecordTooLargeError('too big')
        : n === 2
          ? new BrokerUnavailableError('down')
          : undefined;
    });
    const handled = [await handlePartition(echo, records([0, 1, 2, 3]))];

    // Act
    const outcome = await writeToOut(writer, handled, true);

    // Assess
    expect(outcome.poison.map(({ record }) => record.offset)).toEqual([1]);
    expect(outcome.failures.map(({ record }) => record.offset)).toEqual([2]);
    expect(outcome.deadLettered).toBe(1);
    expect(on('in.dlq')).toHaveLength(1);
    expect(on('out').map((record) => JSON.parse(String(record.value)).n)).toEqual([0, 3]);
  });

  it('writes no dead letter when partial responses are off and the whole batch will come again', async () => {
    // Prepare
    const { writer, on } = memoryWriter((topic) =>
      topic === 'out' ? new BrokerUnavailableError('down') : undefined,
    );
    const handled = [await handlePartition(echo, records(['poison', 1]))];

    // Act
    const outcome = await writeToOut(writer, handled, false);

    // Assess
    expect(outcome.deadLettered).toBe(0);
    expect(on('in.dlq')).toEqual([]);
  });
});

describe('respond phase', () => {
  const failure = (offset: number) => ({
    record: { topic: 'in', partition: 0, offset },
    error: new BrokerUnavailableError('down'),
  });

  it('lists the first failed record of a partition and every later one', () => {
    // Act
    const response = respond(partition([0, 1, 2, 3]), { failures: [failure(2), failure(3)] }, true);

    // Assess
    expect(response?.batchItemFailures.map((item) => item.itemIdentifier)).toEqual([
      { partition: 'in-0', offset: 2 },
      { partition: 'in-0', offset: 3 },
    ]);
  });

  it('answers an empty list, or nothing, on success', () => {
    expect(respond(partition([0]), { failures: [] }, true)).toEqual({ batchItemFailures: [] });
    expect(respond(partition([0]), { failures: [] }, false)).toBeUndefined();
  });

  it('throws a retriable BatchFailedError when partial responses are off', () => {
    expect(() => respond(partition([0]), { failures: [failure(0)] }, false)).toThrow(
      expect.objectContaining({ code: 'BATCH_FAILED', retriable: true }),
    );
  });
});
