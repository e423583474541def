/**
 * kcat (librdkafka): metadata listing, produce with keys and headers, consume from given offsets, and
 * every compression codec, each batch read back byte for byte.
 */
import { describe, expect, inject, it } from 'vitest';
import { kafkajs, kafkajsTopic } from '../support.js';
import { kcat } from './support.js';

const bootstrap = inject('kafkaBrokers');

const topic = (prefix: string, partitions = 1, configEntries: { name: string; value: string }[] = []) =>
  kafkajsTopic(bootstrap, prefix, { partitions, configEntries });

interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}

const consume = async (args: string[]) =>
  (await kcat(['-b', bootstrap, '-C', '-e', '-J', ...args]))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as KcatRecord);

describe('kcat', () => {
  it('lists the broker and a topic with its partitions', async () => {
    const name = await topic('cf-kcat-meta', 3);
    const metadata = JSON.parse(await kcat(['-b', bootstrap, '-L', '-J', '-t', name])) as {
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: { partition: number; leader: number; replicas: unknown[] }[] }[];
    };
    expect(metadata.brokers).toHaveLength(1);
    expect(metadata.topics[0]?.topic).toBe(name);
    expect(metadata.topics[0]?.partitions.map((p) => [p.partition, p.leader, p.replicas.length])).toEqual([
      [0, metadata.brokers[0]?.id, 1],
      [1, metadata.brokers[0]?.id, 1],
      [2, metadata.brokers[0]?.id, 1],
    ]);
  });

  it('produces keys and headers, consumes from a given offset', async () => {
    const name = await topic('cf-kcat-keys');
    await kcat(
      ['-b', bootstrap, '-P', '-t', name, '-p', '0', '-K', ':', '-H', 'trace=abc', '-H', 'empty='],
      'k1:v1\nk2:v2\nk3:v3\n',
    );
    const all = await consume(['-t', name, '-p', '0', '-o', 'beginning']);
    expect(all.map((r) => [r.offset, r.key, r.payload, r.headers])).toEqual([
      [0, 'k1', 'v1', ['trace', 'abc', 'empty', '']],
      [1, 'k2', 'v2', ['trace', 'abc', 'empty', '']],
      [2, 'k3', 'v3', ['trace', 'abc', 'empty', '']],
    ]);
    expect((await consume(['-t', name, '-p', '0', '-o', '1'])).map((r) => r.payload)).toEqual(['v2', 'v3']);
    expect((await consume(['-t', name, '-p', '0', '-o', '-1'])).map((r) => r.payload)).toEqual(['v3']);
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'])('round-trips a %s batch', async (codec) => {
    const name = await topic(`cf-kcat-${codec}`);
    const values = Array.from({ length: 50 }, (_, i) => `${codec}-${i}-${'x'.repeat(i * 7)}`);
    await kcat(
      ['-b', bootstrap, '-P', '-t', name, '-p', '0', '-z', codec, '-K', ':'],
      values.map((v, i) => `k${i}:${v}`).join('\n'),
    );
    const records = await consume(['-t', name, '-p', '0', '-o', 'beginning']);
    expect(records.map((r) => r.payload)).toEqual(values);
    expect(records.map((r) => r.offset)).toEqual(values.map((_, i) => i));
    // kafkajs reads the compressed batches as stored too (gzip natively; the others need codecs it lacks).
    if (codec === 'gzip') {
      const admin = kafkajs(bootstrap).admin();
      await admin.connect();
      expect(await admin.fetchTopicOffsets(name)).toEqual([
        { partition: 0, offset: '50', high: '50', low: '0' },
      ]);
      await admin.disconnect();
    }
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'])(
    'a compacted topic reads keys inside %s batches: keyed records accepted, a keyless one refused',
    async (codec) => {
      const name = await topic(`cf-kcat-compact-${codec}`, 1, [{ name: 'cleanup.policy', value: 'compact' }]);
      await kcat(['-b', bootstrap, '-P', '-t', name, '-p', '0', '-z', codec, '-K', ':'], 'k1:v1\nk2:v2\n');
      await expect(
        kcat(['-b', bootstrap, '-P', '-t', name, '-p', '0', '-z', codec], 'no key\n'),
      ).rejects.toThrow(/Broker failed to validate record/);
      expect(
        (await consume(['-t', name, '-p', '0', '-o', 'beginning'])).map((r) => [r.key, r.payload]),
      ).toEqual([
        ['k1', 'v1'],
        ['k2', 'v2'],
      ]);
    },
  );
});
