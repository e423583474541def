import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConsumerRecord } from '../../../src/shared/consumer/decode.js';
import {
  type Aggregate,
  aggregateBatch,
  mergeAggregates,
  mergePartials,
  type PartialAggregate,
  seriesKey,
  windowStart,
} from '../../../src/shared/metrics/aggregate.js';
import type { Measurement } from '../../../src/shared/metrics/schema.js';

const WINDOW_MS = 60_000;
const T0 = Date.parse('2026-01-02T03:04:00Z');

function record(partition: number, offset: number, data: Measurement): ConsumerRecord<Measurement> {
  return {
    topic: 'metrics',
    partition,
    offset,
    timestamp: T0 + offset,
    timestampType: 'CREATE_TIME',
    key: null,
    value: Buffer.alloc(0),
    headers: {},
    bytes: 0,
    data,
    keyData: undefined,
  };
}

const asRecords = (outputs: ReturnType<typeof aggregateBatch>) =>
  outputs.map((output) => ({ key: String(output.key), value: output.value as PartialAggregate }));

/** The reference: every measurement aggregated at once, by series and window. */
function wholeAggregate(measurements: Measurement[]): Map<string, Aggregate & { mean: number }> {
  const all = new Map<string, Aggregate>();
  for (const { name, tags, time, value } of measurements) {
    const key = `${seriesKey(name, tags)}@${new Date(windowStart(time, WINDOW_MS)).toISOString()}`;
    const one = { count: 1, sum: value, min: value, max: value };
    const existing = all.get(key);
    all.set(key, existing ? mergeAggregates(existing, one) : one);
  }
  return new Map([...all].map(([key, a]) => [key, { ...a, mean: a.sum / a.count }]));
}

describe('tumbling-window aggregation', () => {
  it('emits one partial per series and window, keyed by series, window and first source record', () => {
    // Prepare: a late record (time in an earlier window) arrives last.
    const records = [
      record(1, 10, { name: 'cpu', value: 2, time: T0 + 1000, tags: { region: 'eu', host: 'a' } }),
      record(1, 11, { name: 'cpu', value: 4, time: T0 + 2000, tags: { host: 'a', region: 'eu' } }),
      record(1, 12, { name: 'cpu', value: 9, time: T0 - 30_000, tags: { host: 'a', region: 'eu' } }),
    ];

    // Act
    const outputs = aggregateBatch(records, WINDOW_MS);

    // Assess
    expect(outputs.map((o) => [o.key, o.partitionKey, o.origin.offset, o.sources.length])).toEqual([
      [
        'cpu{host=a,region=eu}@2026-01-02T03:04:00.000Z#metrics-1@10',
        'cpu{host=a,region=eu}@2026-01-02T03:04:00.000Z',
        10,
        3,
      ],
      [
        'cpu{host=a,region=eu}@2026-01-02T03:03:00.000Z#metrics-1@12',
        'cpu{host=a,region=eu}@2026-01-02T03:03:00.000Z',
        12,
        3,
      ],
    ]);
    expect(outputs[0]?.value).toEqual({
      name: 'cpu',
      tags: { host: 'a', region: 'eu' },
      window: { start: '2026-01-02T03:04:00.000Z', end: '2026-01-02T03:05:00.000Z' },
      count: 2,
      sum: 6,
      min: 2,
      max: 4,
      mean: 3,
      source: { topic: 'metrics', partition: 1, firstOffset: 10, lastOffset: 11 },
    });
  });

  it('property: for any input and any split into partitions and batches (failed deliveries redelivered with other boundaries included), merged partials equal the whole aggregate', () => {
    const measurement = fc.record({
      name: fc.constantFrom('cpu', 'mem', 'latency'),
      // Integers keep sums exact whatever the merge order (float addition is not associative).
      value: fc.integer({ min: -1_000_000, max: 1_000_000 }),
      time: fc.integer({ min: T0 - 5 * WINDOW_MS, max: T0 + 5 * WINDOW_MS }),
      tags: fc.dictionary(fc.constantFrom('host', 'region', 'az'), fc.constantFrom('a', 'b'), { maxKeys: 2 }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(measurement, fc.nat(2)), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.option(fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 20 }),
        (input, batchSizes, failedDeliveries) => {
          // Prepare: each measurement lands in a partition; each partition is cut into batches.
          const byPartition = new Map<number, ConsumerRecord<Measurement>[]>();
          for (const [data, partition] of input) {
            const list = byPartition.get(partition) ?? [];
            list.push(record(partition, list.length, data));
            byPartition.set(partition, list);
          }
          const emitted: { key: string; value: PartialAggregate }[] = [];
          let cut = 0;
          for (const records of byPartition.values()) {
            for (let start = 0; start < records.length; cut++) {
              const size = batchSizes[cut % batchSizes.length] ?? 1;
              // Act: sometimes an earlier delivery from the same offset, of another size, whose partials
              // were written before it failed; Lambda redelivers from that offset.
              const failedSize = failedDeliveries[cut % failedDeliveries.length];
              if (failedSize)
                emitted.push(
                  ...asRecords(aggregateBatch(records.slice(start, start + failedSize), WINDOW_MS)),
                );
              emitted.push(...asRecords(aggregateBatch(records.slice(start, start + size), WINDOW_MS)));
              start += size;
            }
          }

          // Assess
          expect(mergePartials(emitted)).toEqual(wholeAggregate(input.map(([data]) => data)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
