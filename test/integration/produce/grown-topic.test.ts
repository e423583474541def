/**
 * A topic grown through the admin API while the produce function is warm: its new partitions are written at
 * once, with real offsets, and an independent client reads the records there.
 */
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../support/kafka.js';
import { readWithKafkaPython } from '../../support/peers.js';
import { produceHandler } from '../../support/produce.js';
import { adminHarness, topicCleanup } from '../admin/harness.js';

describe('a topic grown by the admin API', () => {
  const { bootstrap, call } = adminHarness();
  const cleanup = topicCleanup(bootstrap);

  it('writes to a new partition at once: 201, then 200 with the real offset, and the record is readable', async () => {
    // Prepare: create, produce once (the function now caches the topic's metadata), grow to 3 partitions.
    const api = produceHandler(bootstrap);
    const topic = cleanup(uniqueName('grown'));
    expect((await call('POST /v1/topics', { body: { name: topic, partitions: 1 } })).status).toBe(201);
    expect((await api.produce(topic, { records: [{ value: 'first' }] })).status).toBe(200);
    const grown = await call('POST /v1/topics/{topic}/partitions', {
      params: { topic },
      body: { count: 3 },
    });
    expect(grown.status).toBe(200);

    // Act
    const answer = await api.produce(topic, { records: [{ partition: 2, value: 'x' }] });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.records).toEqual([{ partition: 2, offset: '0', timestamp: expect.any(String) }]);
    const read = await readWithKafkaPython(bootstrap, topic, 2);
    const found = read.find((r) => r.partition === 2 && r.offset === 0);
    expect(found && Buffer.from(found.value ?? '', 'base64').toString()).toBe('"x"');
  });

  it('writes keyed records that hash to the new partitions where the answer says', async () => {
    // Prepare
    const api = produceHandler(bootstrap);
    const topic = cleanup(uniqueName('grown-keys'));
    expect((await call('POST /v1/topics', { body: { name: topic, partitions: 1 } })).status).toBe(201);
    expect((await api.produce(topic, { records: [{ key: 'k', value: 0 }] })).status).toBe(200);
    await call('POST /v1/topics/{topic}/partitions', { params: { topic }, body: { count: 4 } });
    // A record for a new partition makes the function look the topic up again (the cache may be 10 s old).
    expect((await api.produce(topic, { records: [{ partition: 3, value: 'x' }] })).status).toBe(200);
    const records = Array.from({ length: 40 }, (_, i) => ({ key: `key-${i}`, value: i }));

    // Act
    const answer = await api.produce(topic, { records });

    // Assess: every record is where the answer says, byte for byte; the new partitions got some.
    expect(answer.status).toBe(200);
    const written: { partition: number; offset: string }[] = answer.body.records;
    expect(new Set(written.map((r) => r.partition)).size).toBeGreaterThan(1);
    const read = await readWithKafkaPython(bootstrap, topic, 42);
    for (const [i, { partition, offset }] of written.entries()) {
      const found = read.find((r) => r.partition === partition && String(r.offset) === offset);
      expect(found && Buffer.from(found.value ?? '', 'base64').toString()).toBe(String(i));
      expect(found && Buffer.from(found.key ?? '', 'base64').toString()).toBe(`key-${i}`);
    }
  });
});
