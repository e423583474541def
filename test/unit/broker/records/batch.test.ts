/**
 * Record batches v2: ours read what kafkajs (an independent encoder) writes, gzip-compressed or not, and
 * the CRC-32C, LogAppendTime and offset rewrites keep the batch valid.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  crcMatches,
  encodeBatch,
  readBatchHeader,
  readRecords,
  setBaseOffset,
  setLogAppendTime,
} from '../../../../src/broker/records/batch.js';

const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (options: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (
  options: Record<string, unknown>,
) => unknown;
const GZIP = 1;

async function kafkajsBatch(compression = 0): Promise<Buffer> {
  const encoded = await RecordBatch({
    compression,
    firstTimestamp: 1_700_000_000_000,
    maxTimestamp: 1_700_000_000_005,
    lastOffsetDelta: 1,
    records: [
      Record({
        offsetDelta: 0,
        timestampDelta: 0,
        key: Buffer.from('k1'),
        value: Buffer.from('v1'),
        headers: { h: 'x' },
      }),
      Record({ offsetDelta: 1, timestampDelta: 5, key: null, value: null }),
    ],
  });
  // kafkajs writes the batch as [firstOffset][bytes]: the int32 length of `bytes` is the batchLength.
  return Buffer.from(encoded.buffer);
}

describe('record batch v2', () => {
  it.each([
    ['uncompressed', 0],
    ['gzip', GZIP],
  ])('reads a kafkajs batch (%s): header, CRC and records', async (_, codec) => {
    const batch = await kafkajsBatch(codec);
    const header = readBatchHeader(batch);
    expect(header).toMatchObject({ magic: 2, recordsCount: 2, lastOffsetDelta: 1, size: batch.length });
    expect(crcMatches(batch)).toBe(true);
    const records = readRecords(batch);
    expect(records).toEqual([
      {
        offset: 0,
        timestamp: 1_700_000_000_000,
        key: Buffer.from('k1'),
        value: Buffer.from('v1'),
        headers: [{ key: 'h', value: Buffer.from('x') }],
      },
      { offset: 1, timestamp: 1_700_000_000_005, key: null, value: null, headers: [] },
    ]);
  });

  it('a flipped byte fails the CRC', async () => {
    const batch = await kafkajsBatch();
    const at = batch.length - 3;
    batch.writeUInt8(batch.readUInt8(at) ^ 0xff, at);
    expect(crcMatches(batch)).toBe(false);
  });

  it('setting the base offset keeps the CRC (it is not covered); LogAppendTime recomputes it', async () => {
    const batch = await kafkajsBatch();
    setBaseOffset(batch, 2 ** 33 + 7);
    expect(crcMatches(batch)).toBe(true);
    expect(readBatchHeader(batch).baseOffset).toBe(2 ** 33 + 7);
    setLogAppendTime(batch, 1_800_000_000_000);
    expect(crcMatches(batch)).toBe(true);
    expect(readRecords(batch).map((r) => r.timestamp)).toEqual([1_800_000_000_000, 1_800_000_000_000]);
  });

  it('encodes batches kafkajs-compatible readers accept (offset deltas kept)', () => {
    const batch = encodeBatch({
      baseOffset: 10,
      lastOffsetDelta: 4,
      records: [
        { offsetDelta: 1, timestamp: 5, key: Buffer.from('a'), value: Buffer.from('1') },
        { offsetDelta: 4, timestamp: 9, key: Buffer.from('b'), value: null },
      ],
    });
    expect(crcMatches(batch)).toBe(true);
    expect(readBatchHeader(batch)).toMatchObject({
      baseOffset: 10,
      lastOffsetDelta: 4,
      maxTimestamp: 9,
      recordsCount: 2,
    });
    expect(readRecords(batch).map((r) => [r.offset, r.key?.toString(), r.value?.toString() ?? null])).toEqual(
      [
        [11, 'a', '1'],
        [14, 'b', null],
      ],
    );
  });
});
