/** Log-line ranges of a batch (the poller itself runs against a real broker in test/integration). */
import { describe, expect, it } from 'vitest';
import { describeRanges } from '../../../../src/serverless-kafka-events/emulate/poller.js';

describe('describeRanges', () => {
  it('names each topic-partition once, from its first to its last offset, across interleaved runs', () => {
    // Prepare
    const at = (partition: number, offset: number) => ({ topic: 'events', partition, offset });

    // Act
    const ranges = describeRanges([at(0, 10), at(0, 11), at(1, 4), at(0, 12), at(2, 7), at(2, 8)]);

    // Assess
    expect(ranges).toBe('events-0[10..12] events-1[4] events-2[7..8]');
  });
});
