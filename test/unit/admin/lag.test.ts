import { describe, expect, it } from 'vitest';
import { lagSummary, partitionLag } from '../../../src/shared/admin/lag.js';

const position = (partition: number, committed: string | null, logEnd: string | null) => ({
  topic: 't',
  partition,
  committed,
  logEnd,
  memberId: null,
});

describe('lag', () => {
  it('is the log end minus the committed offset, in 64 bits', () => {
    expect(partitionLag(position(0, '3', '9223372036854775807')).lag).toBe('9223372036854775804');
    expect(partitionLag(position(0, '5', '5')).lag).toBe('0');
  });

  it('is unknown without a commit or a log end, and never negative', () => {
    expect(partitionLag(position(0, null, '5')).lag).toBeNull();
    expect(partitionLag(position(0, '5', null)).lag).toBeNull();
    expect(partitionLag(position(0, '9', '5')).lag).toBe('0');
  });

  it('sums and finds the largest', () => {
    const partitions = [position(0, '1', '4'), position(1, null, '7'), position(2, '0', '5')].map(
      partitionLag,
    );
    expect(lagSummary(partitions)).toEqual({ total: '8', max: { topic: 't', partition: 2, lag: '5' } });
    expect(lagSummary([])).toEqual({ total: '0', max: null });
  });
});
