import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestTopic } from '../../support/kafka.js';
import { readWithKafkaPython } from '../../support/peers.js';
import { produceHandler } from '../../support/produce.js';

const bootstrap = inject('kafkaBrokers');
const PARTITIONS = 3;

const bytes = fc.uint8Array({ maxLength: 64 }).map((array) => Buffer.from(array).toString('base64'));
const headerValue = fc.oneof(
  fc.string({ maxLength: 16 }),
  bytes.map((base64) => ({ base64 })),
);
const record = fc.record(
  {
    key: fc.option(bytes, { nil: null }),
    value: fc.option(bytes, { nil: null }),
    headers: fc.dictionary(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.oneof(headerValue, fc.array(headerValue, { minLength: 1, maxLength: 3 })),
      { maxKeys: 3 },
    ),
    partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
    // Kafka 4 rejects CreateTimes over an hour ahead (message.timestamp.after.max.ms); the past is open,
    // which is why the topic keeps its records forever (see beforeAll).
    timestamp: fc.integer({ min: 0, max: Date.now() }),
  },
  { requiredKeys: ['value'] },
);

const asBase64 = (value: string | { base64: string }) =>
  typeof value === 'string' ? Buffer.from(value).toString('base64') : value.base64;

describe('property: any valid record round-trips byte-exact', () => {
  const api = produceHandler(bootstrap);
  let topic: string;
  let written = 0;
  beforeAll(async () => {
    // Time retention deletes a segment once its newest CreateTime is older than retention.ms, so a
    // retention check during the run would remove these 1970-2026 timestamps from under the reader.
    topic = await createTestTopic(bootstrap, 'property', {
      partitions: PARTITIONS,
      configs: { 'retention.ms': '-1' },
    });
  });

  it('reads back what was produced: key, value, headers, partition, timestamp, offset', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 8 }), async (records) => {
        const answer = await api.produce(topic, { keyFormat: 'binary', valueFormat: 'binary', records });
        expect(answer.status).toBe(200);
        written += records.length;
        const read = await readWithKafkaPython(bootstrap, topic, written);
        records.forEach((sent, i) => {
          const { partition, offset } = answer.body.records[i];
          const found = read.find((r) => r.partition === partition && String(r.offset) === offset);
          expect(found).toBeDefined();
          if (sent.partition !== undefined) expect(partition).toBe(sent.partition);
          expect(found?.key ?? null).toBe(sent.key ?? null);
          expect(found?.value ?? null).toBe(sent.value);
          if (sent.timestamp !== undefined) expect(found?.timestamp).toBe(sent.timestamp);
          const headers = Object.entries(sent.headers ?? {}).flatMap(([name, value]) =>
            (Array.isArray(value) ? value : [value]).map((one) => [name, asBase64(one)]),
          );
          expect(found?.headers).toEqual(headers);
        });
      }),
      // Each run starts a Python reader, so shrinking would outlast the test's timeout and hide the
      // counterexample; the first failing input (at most 8 records) is reported as it is.
      { numRuns: 20, endOnFailure: true },
    );
  });
});
