/**
 * Failed batches with AWS's provisioned-mode controls (docs: kafka-retry-configurations,
 * kafka-on-failure-destination): bounded retries, bisection, partial batch responses, destinations.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it, vi } from 'vitest';
import type { DestinationRecord } from '../../../../src/serverless-kafka-events/emulate/destinations.js';
import type { KafkaEvent } from '../../../../src/serverless-kafka-events/emulate/event.js';
import { createTestTopic, uniqueName } from '../../../support/kafka.js';
import { readWithKafkaPython } from '../../../support/peers.js';
import {
  captureLog,
  committedOffsets,
  committedUpTo,
  fakeFunction,
  offsetsOf,
  startPoller,
  testSource,
  WAIT,
} from './harness.js';
import { produce, values } from './produce.js';

const bootstrap = inject('kafkaBrokers');

const numbers = (event: KafkaEvent) =>
  Object.values(event.records)
    .flat()
    .map((record) => JSON.parse(Buffer.from(record.value ?? '', 'base64').toString()).n as number);

describe('offline Kafka poller, failed batches', () => {
  it('stops after maximumRetryAttempts and writes each record to the Kafka destination in AWS layout', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-dest');
    const dlq = await createTestTopic(bootstrap, 'okafka-dest-dlq');
    const source = testSource(bootstrap, topic, {
      windowMs: 100,
      maximumRetryAttempts: 2,
      destination: `kafka://${dlq}`,
    });
    const fn = fakeFunction(() => {
      throw new Error('poison');
    });
    await startPoller(bootstrap, source, fn.invoke);

    // Act
    await produce(bootstrap, topic, [
      { key: 'a', value: '{"n":0}' },
      { key: 'b', value: '{"n":1}' },
    ]);

    // Assess
    const written = await readWithKafkaPython(bootstrap, dlq, 2);
    expect(fn.events).toHaveLength(3);
    expect(written.map((record) => Buffer.from(record.key ?? '', 'base64').toString())).toEqual(['a', 'b']);
    const documents = written.map(
      (record) => JSON.parse(Buffer.from(record.value ?? '', 'base64').toString()) as DestinationRecord,
    );
    expect(documents[0]).toMatchObject({
      requestContext: {
        functionArn: source.functionArn,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      KafkaBatchInfo: {
        batchSize: 2,
        eventSourceArn: source.envelope.eventSourceArn,
        bootstrapServers: bootstrap,
        recordInfo: { offset: '0' },
      },
      payload: { eventSource: 'aws:kafka', records: { [`${topic}-0`]: [{ offset: 0 }] } },
    });
    await committedUpTo(bootstrap, source, 2);
  });

  it('bisects a failing batch until the poison record is alone, and delivers the others', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-bisect');
    const folder = join('.local', 'offline-kafka', uniqueName('bisect'));
    const destination = 'arn:aws:sqs:eu-west-1:000000000000:failures';
    const source = testSource(bootstrap, topic, {
      windowMs: 500,
      maximumRetryAttempts: 1,
      bisectOnError: true,
      destination,
    });
    const delivered: number[] = [];
    const fn = fakeFunction((event) => {
      if (numbers(event).includes(5)) throw new Error('poison 5');
      delivered.push(...numbers(event));
    });
    const log = captureLog();
    await startPoller(bootstrap, source, fn.invoke, log, folder);

    // Act
    await produce(bootstrap, topic, values(8));

    // Assess
    await committedUpTo(bootstrap, source, 8);
    expect(delivered.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 6, 7]);
    const [file, ...others] = await readdir(join(folder, destination.replace(/[^a-zA-Z0-9._-]/g, '_')));
    expect(others).toEqual([]);
    const document = JSON.parse(
      await readFile(join(folder, destination.replace(/[^a-zA-Z0-9._-]/g, '_'), file ?? ''), 'utf8'),
    ) as DestinationRecord;
    expect(document.KafkaBatchInfo.recordInfo.offset).toBe('5');
    expect(log.lines.some((line) => line.includes('bisecting'))).toBe(true);
    await rm(folder, { recursive: true, force: true });
  });

  it('honours partial batch responses: commits before the first failure and retries from it', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-partial', { partitions: 2 });
    const source = testSource(bootstrap, topic, { windowMs: 1000, reportBatchItemFailures: true });
    const fn = fakeFunction((_event, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: { partition: `${topic}-0`, offset: 2 } }] } : {},
    );
    await startPoller(bootstrap, source, fn.invoke);

    // Act
    await produce(bootstrap, topic, [...values(4, 0, 0), ...values(3, 10, 1)]);

    // Assess
    await vi.waitFor(async () => {
      const offsets = await committedOffsets(bootstrap, source.groupId, topic);
      expect(offsets).toEqual({ 0: 4, 1: 3 });
    }, WAIT);
    expect(fn.events).toHaveLength(2);
    expect(Object.keys(fn.events[1]?.records ?? {})).toEqual([`${topic}-0`]);
    expect(offsetsOf(Object.values(fn.events[1]?.records ?? {}).flat())).toEqual([2, 3]);
  });

  it('fails the whole batch when a partial response names a record not in it', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-partial-bad');
    const source = testSource(bootstrap, topic, { windowMs: 300, reportBatchItemFailures: true });
    const fn = fakeFunction((_event, call) =>
      call === 1
        ? { batchItemFailures: [{ itemIdentifier: { partition: `${topic}-0`, offset: 99 } }] }
        : null,
    );
    await startPoller(bootstrap, source, fn.invoke);

    // Act
    await produce(bootstrap, topic, values(3));

    // Assess
    await committedUpTo(bootstrap, source, 3);
    expect(fn.events.map((event) => offsetsOf(Object.values(event.records).flat()))).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
  });

  it('ignores batchItemFailures unless ReportBatchItemFailures is configured', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-partial-off');
    const source = testSource(bootstrap, topic, { windowMs: 100 });
    const fn = fakeFunction(() => ({
      batchItemFailures: [{ itemIdentifier: { partition: `${topic}-0`, offset: 0 } }],
    }));
    await startPoller(bootstrap, source, fn.invoke);

    // Act
    await produce(bootstrap, topic, values(2));

    // Assess
    await committedUpTo(bootstrap, source, 2);
    expect(fn.events).toHaveLength(1);
  });
});
