/**
 * kafka-python, used as its users use it: a producer with a JSON value_serializer, a consumer in a group
 * with auto_offset_reset='earliest', and create_topics with partitions through its admin client.
 */
import { describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../support/kafka.js';
import { deleteAfterFile, kafkajs, kafkaPython } from './support.js';

const bootstrap = inject('kafkaBrokers');

describe('kafka-python', () => {
  it('creates topics, produces JSON, consumes it in a group from the earliest offset and commits', async () => {
    const name = uniqueName('cf-python');
    deleteAfterFile(bootstrap, name);
    const created = await kafkaPython<{ topic: string; partitions: number; error: number }[]>(
      bootstrap,
      'create-topics',
      {
        topics: [{ name, partitions: 3 }],
      },
    );
    expect(created).toEqual([{ topic: name, partitions: 3, error: 0 }]);

    const records = Array.from({ length: 9 }, (_, i) => ({
      key: `key-${i % 3}`,
      value: { n: i, text: `ünïcode ${i}` },
    }));
    const sent = await kafkaPython<{ partition: number; offset: number }[]>(bootstrap, 'produce-json', {
      topic: name,
      records,
    });
    expect(sent).toHaveLength(9);
    for (let i = 0; i < 9; i++) expect(sent[i]?.partition).toBe(sent[i % 3]?.partition);

    const group = uniqueName('cf-python-group');
    const consumed = await kafkaPython<{
      records: { partition: number; offset: number; key: string; value: unknown }[];
      committed: Record<string, number>;
    }>(bootstrap, 'consume-group', { topic: name, group, expected: 9 });
    expect(
      consumed.records.map((r) => r.value).sort((a, b) => (a as { n: number }).n - (b as { n: number }).n),
    ).toEqual(records.map((r) => r.value));
    const ends = new Map<number, number>();
    for (const s of sent) ends.set(s.partition, Math.max(ends.get(s.partition) ?? 0, s.offset + 1));
    for (const [partition, end] of ends) expect(consumed.committed[String(partition)]).toBe(end);

    // The group's commits as an independent client sees them.
    const admin = kafkajs(bootstrap).admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [name] });
    await admin.disconnect();
    expect(
      Object.fromEntries(offsets[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []),
    ).toEqual(Object.fromEntries([0, 1, 2].map((p) => [p, ends.get(p) ?? -1])));
  });
});
