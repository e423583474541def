/** Partial batch responses (docs: kafka-retry-configurations). */
import { describe, expect, it } from 'vitest';
import type { KafkaEventRecord } from '../../../../src/serverless-kafka-events/emulate/event.js';
import { readBatchResponse } from '../../../../src/serverless-kafka-events/emulate/response.js';

const record = (partition: number, offset: number): KafkaEventRecord => ({
  topic: 'events',
  partition,
  offset,
  timestamp: 0,
  timestampType: 'CREATE_TIME',
  value: null,
  headers: [],
});
const batch = [record(0, 4), record(0, 5), record(0, 6), record(1, 9)];
const failure = (partition: string, offset: unknown) => ({ itemIdentifier: { partition, offset } });

describe('readBatchResponse', () => {
  it.each([undefined, null, 'ok', {}, { batchItemFailures: null }, { batchItemFailures: [] }])(
    'reads %j as success',
    (response) => {
      // Act
      const verdict = readBatchResponse(response, batch);

      // Assess
      expect(verdict).toEqual({ kind: 'success' });
    },
  );

  it('keeps the lowest failed offset per partition', () => {
    // Act
    const verdict = readBatchResponse(
      { batchItemFailures: [failure('events-0', 6), failure('events-0', 5), failure('events-1', '9')] },
      batch,
    );

    // Assess
    expect(verdict).toEqual({
      kind: 'partial',
      firstFailed: new Map([
        ['events-0', 5],
        ['events-1', 9],
      ]),
    });
  });

  it.each([
    ['an offset not in the batch', { batchItemFailures: [failure('events-0', 7)] }],
    ['a partition not in the batch', { batchItemFailures: [failure('events-2', 4)] }],
    ['an item without identifier', { batchItemFailures: [{}] }],
    ['a list that is not a list', { batchItemFailures: 'events-0' }],
  ])('fails the whole batch for %s', (_name, response) => {
    // Act
    const verdict = readBatchResponse(response, batch);

    // Assess
    expect(verdict.kind).toBe('invalid');
  });
});
