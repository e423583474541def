/**
 * The partition log: offsets, reads, timestamps, idempotent sequences, retention, compaction, and
 * recovery of segment files after a torn write.
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TopicConfig } from '../../../../src/broker/configs.js';
import { PartitionLog } from '../../../../src/broker/log/partition.js';
import type { KafkaError } from '../../../../src/broker/protocol/errors.js';
import { encodeBatch, readBatchHeader, readRecords } from '../../../../src/broker/records/batch.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'broker-log-'));
  dirs.push(dir);
  return dir;
}

function batch(
  values: (string | null)[],
  options: { keys?: string[]; timestamp?: number; producer?: [number, number, number] } = {},
) {
  const bytes = encodeBatch({
    baseOffset: 0,
    ...(options.producer
      ? {
          producerId: options.producer[0],
          producerEpoch: options.producer[1],
          baseSequence: options.producer[2],
        }
      : {}),
    records: values.map((value, i) => ({
      timestamp: (options.timestamp ?? 1000) + i,
      key: options.keys?.[i] === undefined ? null : Buffer.from(options.keys[i] as string),
      value: value === null ? null : Buffer.from(value),
    })),
  });
  return { bytes, header: readBatchHeader(bytes) };
}

function append(log: PartitionLog, b: ReturnType<typeof batch>) {
  return log.append(b.bytes, b.header);
}

const values = (log: PartitionLog, from = 0) =>
  log.read(from, 1 << 20).flatMap((chunk) => {
    const out: (string | null)[] = [];
    for (let at = 0; at < chunk.length; ) {
      const size = readBatchHeader(chunk, at).size;
      for (const r of readRecords(chunk.subarray(at, at + size)))
        if (r.offset >= from) out.push(r.value?.toString() ?? null);
      at += size;
    }
    return out;
  });

function memoryLog(overrides: Record<string, string> = {}, now = () => Date.now()) {
  const config = new TopicConfig(overrides);
  return new PartitionLog({ config: () => config, now });
}

describe('PartitionLog', () => {
  it('assigns offsets, keeps the high watermark at the log end, reads from an offset', () => {
    const log = memoryLog();
    expect(append(log, batch(['a', 'b']))).toEqual({ baseOffset: 0, logAppendTime: -1 });
    expect(append(log, batch(['c']))).toEqual({ baseOffset: 2, logAppendTime: -1 });
    expect([log.logStartOffset, log.highWatermark]).toEqual([0, 3]);
    expect(values(log)).toEqual(['a', 'b', 'c']);
    expect(values(log, 2)).toEqual(['c']);
    expect(log.read(3, 100)).toEqual([]);
  });

  it('returns at least one whole batch past maxBytes, unless asked not to', () => {
    const log = memoryLog();
    append(log, batch(['x'.repeat(500)]));
    expect(log.read(0, 10)).toHaveLength(1);
    expect(log.read(0, 10, false)).toEqual([]);
  });

  it('finds offsets by timestamp and the max-timestamp record', () => {
    const log = memoryLog();
    append(log, batch(['a', 'b'], { timestamp: 100 }));
    append(log, batch(['c'], { timestamp: 50 }));
    expect(log.offsetForTimestamp(101)).toEqual({ offset: 1, timestamp: 101 });
    expect(log.offsetForTimestamp(102)).toBeNull();
    expect(log.maxTimestampOffset()).toEqual({ offset: 1, timestamp: 101 });
  });

  it('idempotent producers: duplicates answered with the first offset, gaps and old epochs refused', () => {
    const log = memoryLog();
    expect(append(log, batch(['a', 'b'], { producer: [7, 0, 0] })).baseOffset).toBe(0);
    expect(append(log, batch(['a', 'b'], { producer: [7, 0, 0] })).baseOffset).toBe(0);
    expect(log.highWatermark).toBe(2);
    expect(() => append(log, batch(['c'], { producer: [7, 0, 5] }))).toThrow(
      expect.objectContaining({ code: 45 }) as unknown as KafkaError,
    );
    expect(append(log, batch(['c'], { producer: [7, 0, 2] })).baseOffset).toBe(2);
    expect(append(log, batch(['d'], { producer: [7, 1, 0] })).baseOffset).toBe(3);
    expect(() => append(log, batch(['e'], { producer: [7, 0, 3] }))).toThrow(
      expect.objectContaining({ code: 47 }) as unknown as KafkaError,
    );
  });

  it('DeleteRecords moves the log start offset', () => {
    const log = memoryLog();
    append(log, batch(['a', 'b', 'c']));
    expect(log.deleteRecordsBefore(2)).toBe(2);
    expect(log.logStartOffset).toBe(2);
    expect(log.deleteRecordsBefore(1)).toBe(2);
  });

  it('retention.ms drops expired segments, even the active one', () => {
    let now = 10_000;
    const log = memoryLog({ 'retention.ms': '1000', 'segment.ms': '100' }, () => now);
    append(log, batch(['old'], { timestamp: 1000 }));
    now += 200;
    append(log, batch(['new'], { timestamp: now }));
    log.enforceRetention();
    expect([log.logStartOffset, log.highWatermark]).toEqual([1, 2]);
    now += 5000;
    log.enforceRetention();
    expect([log.logStartOffset, log.highWatermark]).toEqual([2, 2]);
    expect(values(log, 2)).toEqual([]);
  });

  it('retention.bytes keeps the newest segments within the limit', () => {
    const log = memoryLog({ 'retention.bytes': '150', 'segment.bytes': '100' });
    for (const v of ['a', 'b', 'c', 'd']) append(log, batch([v.repeat(40)]));
    log.enforceRetention();
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect(log.size).toBeLessThanOrEqual(150 + 120);
  });

  it('compaction keeps the last record per key and drops tombstones after delete.retention.ms', () => {
    let now = 0;
    const log = memoryLog(
      {
        'cleanup.policy': 'compact',
        'segment.ms': '10',
        'min.cleanable.dirty.ratio': '0.01',
        'delete.retention.ms': '100',
      },
      () => now,
    );
    append(log, batch(['1', '2', '3', null], { keys: ['a', 'b', 'a', 'b'] }));
    now = 20;
    append(log, batch(['tail'], { keys: ['c'] }));
    now = 40;
    log.compact();
    expect(values(log)).toEqual(['3', null, 'tail']);
    now = 200;
    log.compact();
    expect(values(log)).toEqual(['3', 'tail']);
    expect(log.highWatermark).toBe(5);
  });
});

describe('PartitionLog on disk', () => {
  const config = new TopicConfig({});
  const open = (dir: string) => new PartitionLog({ dir, config: () => config });

  it('survives a restart', () => {
    const dir = tempDir();
    const log = open(dir);
    append(log, batch(['a', 'b'], { producer: [3, 0, 0] }));
    append(log, batch(['c']));
    log.deleteRecordsBefore(1);
    log.close();
    const again = open(dir);
    expect([again.logStartOffset, again.highWatermark]).toEqual([1, 3]);
    expect(values(again)).toEqual(['a', 'b', 'c']);
    // The producer's sequence state came back from the batch headers.
    expect(append(again, batch(['a', 'b'], { producer: [3, 0, 0] })).baseOffset).toBe(0);
    again.close();
  });

  it('truncates a torn tail (kill -9 mid-write) and keeps every whole batch', () => {
    const dir = tempDir();
    const log = open(dir);
    append(log, batch(['kept']));
    append(log, batch(['torn']));
    log.close();
    const [segment] = readdirSync(dir).filter((name) => name.endsWith('.log'));
    const path = join(dir, segment as string);
    truncateSync(path, statSync(path).size - 5);
    const again = open(dir);
    expect(again.highWatermark).toBe(1);
    expect(values(again)).toEqual(['kept']);
    expect(append(again, batch(['next'])).baseOffset).toBe(1);
    again.close();
    appendFileSync(path, Buffer.alloc(30, 7));
    const third = open(dir);
    expect(values(third)).toEqual(['kept', 'next']);
    third.close();
  });
});
