import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  KafkaRecordWriter,
  type OutgoingRecord,
  type WriteResult,
} from '../../../src/shared/kafka/writer.js';
import { FakeCluster, protocolError } from '../../support/fake-cluster.js';

const record = (fields: Partial<OutgoingRecord> = {}): OutgoingRecord => ({
  key: null,
  value: Buffer.from('v'),
  headers: {},
  partition: undefined,
  timestamp: 1_700_000_000_000,
  ...fields,
});
const keyed = (key: string) => record({ key: Buffer.from(key) });
const at = (partition: number, value = 'v') => record({ partition, value: Buffer.from(value) });

const options = (fields: Partial<{ acks: 'all' | 'leader' | 'none'; deadline: number }> = {}) => ({
  acks: 'all' as const,
  compression: 'none' as const,
  deadline: Date.now() + 5_000,
  ...fields,
});

/** Outcomes as `partition@offset` or `CODE`, for short assertions. */
const outcomes = (results: WriteResult[]) =>
  results.map((result) => (result.ok ? `${result.partition}@${result.offset}` : result.error.code));

afterEach(() => {
  vi.useRealTimers();
});

describe('KafkaRecordWriter: written means acknowledged', () => {
  it('never reports a record written when its partition got no answer, even after a refresh', async () => {
    // Prepare
    const cluster = new FakeCluster().topic('t', { partitions: 1 });
    cluster.faults.push('no-answer', 'no-answer');
    const writer = new KafkaRecordWriter(cluster, cluster);

    // Act
    const results = await writer.write('t', [at(0, 'a'), at(0, 'b')], options());

    // Assess
    expect(outcomes(results)).toEqual(['NOT_ACKNOWLEDGED', 'NOT_ACKNOWLEDGED']);
    expect(results[0]).toMatchObject({
      error: { retriable: true, retryAfterSeconds: 1, name: 'NotAcknowledgedError' },
    });
    expect(cluster.calls).toHaveLength(2);
    expect(cluster.log('t', 0)).toHaveLength(0);
  });

  it('sends a partition without an answer once more with fresh metadata, and reports the real offsets', async () => {
    // Prepare
    const cluster = new FakeCluster().topic('t', { partitions: 2 });
    cluster.faults.push('no-answer');
    const writer = new KafkaRecordWriter(cluster, cluster);

    // Act
    const results = await writer.write('t', [at(1, 'a'), at(1, 'b')], options());

    // Assess
    expect(outcomes(results)).toEqual(['1@0', '1@1']);
    expect(cluster.metadataLookups).toBe(2);
  });

  it('reports null offsets with acks=none, where the broker answers nothing', async () => {
    const cluster = new FakeCluster().topic('t', { partitions: 1 });
    const results = await new KafkaRecordWriter(cluster, cluster).write(
      't',
      [at(0)],
      options({ acks: 'none' }),
    );
    expect(outcomes(results)).toEqual(['0@null']);
  });

  it('does not retry a send that may have been written (a timeout): it fails, retriable', async () => {
    // Prepare
    const cluster = new FakeCluster().topic('t', { partitions: 1 });
    cluster.faults.push(new Promise<never>(() => undefined));
    const writer = new KafkaRecordWriter(cluster, cluster);

    // Act
    const results = await writer.write('t', [at(0)], options({ deadline: Date.now() + 50 }));

    // Assess
    expect(outcomes(results)).toEqual(['BROKER_TIMEOUT']);
    expect(cluster.calls).toHaveLength(1);
  });
});

describe('KafkaRecordWriter: metadata follows the cluster', () => {
  it('looks a partition the cached metadata lacks up again before refusing it', async () => {
    // Prepare
    const cluster = new FakeCluster().topic('t', { partitions: 1 });
    const writer = new KafkaRecordWriter(cluster, cluster);
    await writer.write('t', [at(0)], options());
    cluster.topic('t', { partitions: 3 }, true);

    // Act
    const results = await writer.write('t', [at(2, 'x')], options());

    // Assess
    expect(outcomes(results)).toEqual(['2@0']);
    expect(cluster.log('t', 2).map((m) => String(m.value))).toEqual(['x']);
  });

  it('refuses a partition that fresh metadata does not have either, with 400 and the range', async () => {
    const cluster = new FakeCluster().topic('t', { partitions: 2 });
    const results = await new KafkaRecordWriter(cluster, cluster).write('t', [at(5)], options());
    expect(results[0]).toMatchObject({
      ok: false,
      partition: 5,
      error: {
        code: 'PARTITION_NOT_FOUND',
        message: expect.stringMatching(/partitions 0-1/),
      },
    });
    expect(cluster.calls).toHaveLength(0);
  });

  it('after a topic is recreated with fewer partitions: 400 for a gone partition, keys hashed over the new count', async () => {
    // Prepare
    const cluster = new FakeCluster().topic('t', { partitions: 4 });
    const writer = new KafkaRecordWriter(cluster, cluster);
    await writer.write('t', [at(3)], options());
    cluster.topic('t', { partitions: 1 });

    // Act
    const results = await writer.write('t', [at(3, 'gone'), keyed('a'), keyed('b'), keyed('c')], options());

    // Assess
    expect(outcomes(results)).toEqual(['PARTITION_NOT_FOUND', '0@0', '0@1', '0@2']);
    expect(cluster.producerResets).toBe(1);
  });

  it('hashes keys over the partition count it knows, at most KAFKA_METADATA_MAX_AGE_MS old', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    const cluster = new FakeCluster({ KAFKA_METADATA_MAX_AGE_MS: '10000' }).topic('t', { partitions: 1 });
    const writer = new KafkaRecordWriter(cluster, cluster);
    await writer.write('t', [keyed('k')], options());
    cluster.topic('t', { partitions: 8 }, true);
    const keys = Array.from({ length: 20 }, (_, i) => keyed(`key-${i}`));

    // Act
    vi.advanceTimersByTime(9_000);
    const cached = await writer.write('t', keys, options());
    vi.advanceTimersByTime(1_001);
    const refreshed = await writer.write('t', keys, options());

    // Assess
    expect(new Set(cached.map((r) => r.partition))).toEqual(new Set([0]));
    expect(new Set(refreshed.map((r) => r.partition)).size).toBeGreaterThan(1);
    expect(cluster.metadataLookups).toBe(2);
  });

  it('replaces the producers and sends once more when its idempotent state is out of step', async () => {
    // Prepare
    const cluster = new FakeCluster().topic('t', { partitions: 1 });
    cluster.faults.push(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45));
    const writer = new KafkaRecordWriter(cluster, cluster);

    // Act
    const results = await writer.write('t', [at(0)], options());

    // Assess
    expect(outcomes(results)).toEqual(['0@0']);
    expect(cluster.producerResets).toBe(1);
  });

  it('keeps one partition’s order: after a failed chunk, its later records are not sent', async () => {
    // Prepare: records of ~600 bytes, batches under 1500 bytes: three chunks on partition 0.
    const cluster = new FakeCluster().topic('t', { partitions: 2, maxMessageBytes: 1500 });
    cluster.faults.push(protocolError('NOT_ENOUGH_REPLICAS', 19, true));
    const big = (partition: number) => record({ partition, value: Buffer.alloc(600) });
    const writer = new KafkaRecordWriter(cluster, cluster);

    // Act
    const results = await writer.write('t', [big(0), big(0), big(0), big(0), big(0)], options());

    // Assess
    expect(outcomes(results)).toEqual(Array(5).fill('BROKER_UNAVAILABLE'));
    expect(cluster.log('t', 0)).toHaveLength(0);
  });
});

describe('KafkaRecordWriter: records the topic can never take', () => {
  it('fails a record over max.message.bytes and a keyless record on a compacted topic alone, unsent', async () => {
    // Prepare
    const cluster = new FakeCluster()
      .topic('small', { partitions: 1, maxMessageBytes: 500 })
      .topic('compacted', { partitions: 1, compacted: true });
    const writer = new KafkaRecordWriter(cluster, cluster);

    // Act
    const small = await writer.write('small', [at(0, 'a'), at(0, 'x'.repeat(600)), at(0, 'b')], options());
    const compacted = await writer.write('compacted', [keyed('k'), record(), keyed('j')], options());

    // Assess
    expect(outcomes(small)).toEqual(['0@0', 'RECORD_TOO_LARGE', '0@1']);
    expect(outcomes(compacted)).toEqual(['0@0', 'INVALID_RECORD', '0@1']);
    expect(cluster.log('small', 0).map((m) => String(m.value))).toEqual(['a', 'b']);
  });

  it('sends a batch the broker refuses as invalid again record by record: only the culprit fails', async () => {
    // Prepare
    const cluster = new FakeCluster().topic('t', { partitions: 1 });
    const writer = new KafkaRecordWriter(cluster, cluster);

    // Act
    const results = await writer.write('t', [at(0, 'a'), at(0, 'invalid'), at(0, 'b')], options());

    // Assess
    expect(outcomes(results)).toEqual(['0@0', 'INVALID_RECORD', '0@1']);
    expect(cluster.calls.map((call) => call.messages.length)).toEqual([3, 1, 1, 1]);
  });
});
