import { beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../infra/kafka/broker.js';
import { startLocalBroker } from '../../../infra/local/broker.js';
import { produceEvent } from '../../support/http-events.js';
import { createTestTopic, createTopics, withAdmin } from '../../support/kafka.js';
import { produceWithKafkaPython, readWithKafkaPython } from '../../support/peers.js';
import { produceHandler } from '../../support/produce.js';

const bootstrap = inject('kafkaBrokers');
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('produce handler against a real broker', () => {
  const api = produceHandler(bootstrap);

  describe('round trip, read back by kafka-python', () => {
    let topic: string;
    beforeAll(async () => {
      // Two CreateTimes below are months old: time retention could delete them before the read-back.
      topic = await createTestTopic(bootstrap, 'roundtrip', {
        partitions: 3,
        configs: { 'retention.ms': '-1' },
      });
    });

    it('writes keys, values, headers, partitions and timestamps exactly, and reports the real offsets', async () => {
      // Prepare
      const records = [
        {
          key: 'user-1',
          value: { type: 'click', n: 1, text: 'ë ✓' },
          headers: { source: 'web', trace: { base64: 'AP+A' } },
        },
        { key: 'user-2', value: null, partition: 2, timestamp: 1_700_000_000_123 },
        { value: [1, 2, 3], headers: { repeated: ['a', 'b'] }, timestamp: '2026-03-04T05:06:07.089Z' },
        { key: 'user-1', value: 'second for user-1' },
      ];

      // Act
      const answer = await api.produce(topic, { records });

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.body.topic).toBe(topic);
      expect(answer.body.records).toHaveLength(4);
      const read = await readWithKafkaPython(bootstrap, topic, 4);
      const at = (i: number) => {
        const { partition, offset } = answer.body.records[i];
        const found = read.find((r) => r.partition === partition && String(r.offset) === offset);
        if (!found) throw new Error(`record ${i} not found at ${partition}/${offset}`);
        return found;
      };
      expect(at(0)).toMatchObject({
        key: b64('user-1'),
        value: b64(JSON.stringify(records[0]?.value)),
        headers: [
          ['source', b64('web')],
          ['trace', Buffer.from([0, 255, 128]).toString('base64')],
        ],
      });
      expect(at(1)).toMatchObject({
        partition: 2,
        key: b64('user-2'),
        value: null,
        timestamp: 1_700_000_000_123,
      });
      expect(at(2)).toMatchObject({
        key: null,
        value: b64('[1,2,3]'),
        headers: [
          ['repeated', b64('a')],
          ['repeated', b64('b')],
        ],
        timestamp: Date.parse('2026-03-04T05:06:07.089Z'),
      });
      // Same key, same partition, later offset: per-key order holds.
      expect(at(3).partition).toBe(at(0).partition);
      expect(at(3).offset).toBeGreaterThan(at(0).offset);
      expect(answer.body.records[1].timestamp).toBe(new Date(1_700_000_000_123).toISOString());
      for (const [i, record] of answer.body.records.entries()) {
        expect(Date.parse(record.timestamp)).toBe(at(i).timestamp);
      }
    });

    it('writes string and binary formats byte for byte, with leader acks and gzip', async () => {
      const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);

      const answer = await api.produce(topic, {
        keyFormat: 'binary',
        valueFormat: 'string',
        acks: 'leader',
        compression: 'gzip',
        records: [{ key: bytes.toString('base64'), value: 'plain text, not JSON', partition: 1 }],
      });

      expect(answer.status).toBe(200);
      const read = await readWithKafkaPython(bootstrap, topic, 5);
      const found = read.find((r) => r.partition === 1 && String(r.offset) === answer.body.records[0].offset);
      expect(found).toMatchObject({ key: bytes.toString('base64'), value: b64('plain text, not JSON') });
    });

    it('answers 202 with no offsets for acks=none, and the record still arrives', async () => {
      const answer = await api.produce(topic, {
        acks: 'none',
        records: [{ value: 'fire and forget', partition: 0 }],
      });

      expect(answer.status).toBe(202);
      expect(answer.body.records[0]).toMatchObject({ partition: 0, offset: null });
      const read = await readWithKafkaPython(bootstrap, topic, 6);
      expect(read.some((r) => r.value === b64('"fire and forget"'))).toBe(true);
    });
  });

  it('puts keys on the partitions the Java client picks (murmur2, as kafka-python reproduces it)', async () => {
    // Prepare: kafka-python's default partitioner is the Java client's (murmur2 of the key bytes).
    const [peerTopic, ourTopic] = await Promise.all([
      createTestTopic(bootstrap, 'murmur-peer', { partitions: 7 }),
      createTestTopic(bootstrap, 'murmur-ours', { partitions: 7 }),
    ]);
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}-${'é'.repeat(i % 3)}`);
    const peer = await produceWithKafkaPython(
      bootstrap,
      peerTopic,
      keys.map((key) => ({ key, value: 'v' })),
    );

    // Act
    const answer = await api.produce(ourTopic, { records: keys.map((key) => ({ key, value: 'v' })) });

    // Assess
    expect(answer.body.records.map((r: { partition: number }) => r.partition)).toEqual(
      peer.map((r) => r.partition),
    );
  });

  it('uses the LogAppendTime the broker set when the topic says so', async () => {
    const topic = await createTestTopic(bootstrap, 'append-time', {
      configs: { 'message.timestamp.type': 'LogAppendTime' },
    });
    const before = Date.now();

    const answer = await api.produce(topic, { records: [{ value: 1, timestamp: 1000 }] });

    const returned = Date.parse(answer.body.records[0].timestamp);
    expect(returned).toBeGreaterThanOrEqual(before - 1000);
    const [read] = await readWithKafkaPython(bootstrap, topic, 1);
    expect(read?.timestamp).toBe(returned);
  });

  it('splits a partition’s records into batches under max.message.bytes, in order', async () => {
    const topic = await createTestTopic(bootstrap, 'chunks', { configs: { 'max.message.bytes': '4096' } });
    const records = Array.from({ length: 30 }, (_, i) => ({ value: `${i}:${'x'.repeat(1000)}` }));

    const answer = await api.produce(topic, { valueFormat: 'string', records });

    expect(answer.status).toBe(200);
    expect(answer.body.records.map((r: { offset: string }) => r.offset)).toEqual(
      records.map((_, i) => String(i)),
    );
    const read = await readWithKafkaPython(bootstrap, topic, 30);
    expect(
      read.map(
        (r) =>
          Buffer.from(r.value ?? '', 'base64')
            .toString()
            .split(':')[0],
      ),
    ).toEqual(records.map((_, i) => String(i)));
  });

  describe('errors', () => {
    it('404 for an unknown topic, which is not created', async () => {
      const answer = await api.produce('test.never-created', { records: [{ value: 1 }] });

      expect(answer.status).toBe(404);
      expect(answer.body.error).toMatchObject({ code: 'TOPIC_NOT_FOUND', retriable: false });
      const topics = await withAdmin(bootstrap, (admin) => admin.listTopics());
      expect(topics.map((topic) => topic.name)).not.toContain('test.never-created');
    });

    it("413 for a record over the topic's max.message.bytes", async () => {
      const topic = await createTestTopic(bootstrap, 'small', { configs: { 'max.message.bytes': '2048' } });

      const answer = await api.produce(topic, {
        valueFormat: 'string',
        records: [{ value: 'x'.repeat(3000) }],
      });

      expect(answer.status).toBe(413);
      expect(answer.body.error.details[0].field).toBe('records[0]');
    });

    it('400 for a partition the topic does not have', async () => {
      const topic = await createTestTopic(bootstrap, 'one-partition');

      const answer = await api.produce(topic, { records: [{ value: 1, partition: 1 }] });

      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'PARTITION_NOT_FOUND' });
    });

    it('403 outside the allow-list, 415 for another content type, 400 for broken JSON, 413 over the body limit', async () => {
      const topic = await createTestTopic(bootstrap, 'statuses');
      const limited = produceHandler(bootstrap, {
        ALLOWED_TOPICS: '^events$',
        PRODUCE_MAX_BODY_BYTES: '100',
      });

      expect((await limited.produce(topic, { records: [{ value: 1 }] })).status).toBe(403);
      expect(
        (await api.produce(topic, { records: [{ value: 1 }] }, { 'content-type': 'text/plain' })).status,
      ).toBe(415);
      const broken = await api.invoke({
        ...produceEvent(topic, { rawBody: '{"records":' }),
      });
      expect(broken.status).toBe(400);
      expect(broken.body.error.code).toBe('INVALID_JSON');
      const big = await produceHandler(bootstrap, { PRODUCE_MAX_BODY_BYTES: '100' }).produce(topic, {
        records: [{ value: 'x'.repeat(200) }],
      });
      expect(big.status).toBe(413);
    });

    it('503 with Retry-After when no broker listens, within the timeout', async () => {
      const nobody = `127.0.0.1:${await freePort()}`;
      const down = produceHandler(nobody, { KAFKA_CONNECTION_TIMEOUT_MS: '500', PRODUCE_TIMEOUT_MS: '5000' });

      const answer = await down.produce('events', { records: [{ value: 1 }] });

      expect([503, 504]).toContain(answer.status);
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.body.error.retriable).toBe(true);
      expect(JSON.stringify(answer.body)).not.toMatch(/ECONNREFUSED|stack|at /);
    });

    it('never answers 200 once the broker went down mid-life', async () => {
      // Prepare: a broker of its own (the one LOCAL_BROKER names), so it can be stopped.
      const broker = await startLocalBroker();
      try {
        const local = produceHandler(broker.bootstrap, {
          PRODUCE_TIMEOUT_MS: '4000',
          KAFKA_CONNECTION_TIMEOUT_MS: '500',
        });
        await createTopics(broker.bootstrap, [{ name: 'doomed' }]);
        expect((await local.produce('doomed', { records: [{ value: 'before' }] })).status).toBe(200);

        // Act
        await broker.stop();
        const answer = await local.produce('doomed', { records: [{ value: 'after' }] });

        // Assess
        expect([503, 504]).toContain(answer.status);
        expect(answer.body.error.retriable).toBe(true);
      } finally {
        await broker.stop();
      }
    });
  });
});
