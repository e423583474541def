/**
 * The poller against the real broker, with a stand-in function: event shape, batching, ordering, commits,
 * restarts and starting positions (docs: with-msk-process, kafka-consumer-group-id).
 */
import { describe, expect, inject, it, vi } from 'vitest';
import { createTestTopic } from '../../../support/kafka.js';
import {
  byPartition,
  captureLog,
  committedOffsets,
  committedUpTo,
  expectAscending,
  fakeFunction,
  offsetsOf,
  startPoller,
  testSource,
  WAIT,
} from './harness.js';
import { produce, values } from './produce.js';

const bootstrap = inject('kafkaBrokers');

describe('offline Kafka poller', () => {
  it('delivers header names that are properties of a JavaScript object, with their bytes', async () => {
    // Prepare: JSON.parse makes `__proto__` an own key, as the produce API stores it.
    const topic = await createTestTopic(bootstrap, 'okafka-header-names');
    const fn = fakeFunction();
    await startPoller(bootstrap, testSource(bootstrap, topic), fn.invoke);
    const headers = JSON.parse('{"constructor":"c","toString":["1","2"],"__proto__":"p"}');

    // Act
    await produce(bootstrap, topic, [{ value: 'v', headers }]);
    await vi.waitFor(() => expect(fn.records()).toHaveLength(1), WAIT);

    // Assess
    expect(fn.records()[0]?.headers).toEqual([
      { constructor: [99] },
      { toString: [49] },
      { toString: [50] },
      JSON.parse('{"__proto__":[112]}'),
    ]);
  });

  it('builds the event as Lambda does for MSK: base64 key and value, no key when null, signed header bytes', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-shape');
    const fn = fakeFunction();
    await startPoller(bootstrap, testSource(bootstrap, topic), fn.invoke);

    // Act
    await produce(bootstrap, topic, [
      { key: 'k1', value: 'hello', headers: { trace: 'ë', empty: '' }, timestamp: '1700000000000' },
      { key: null, value: '{"a":1}' },
      { key: 'gone', value: null },
    ]);
    await vi.waitFor(async () => {
      const records = await fn.records();
      expect(records).toHaveLength(3);
    }, WAIT);

    // Assess
    const [event] = fn.events;
    expect(event).toMatchObject({
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:eu-west-1:000000000000:cluster/test/1',
      bootstrapServers: bootstrap,
    });
    const [first, keyless, tombstone] = fn.records();
    expect(first).toEqual({
      topic,
      partition: 0,
      offset: 0,
      timestamp: 1700000000000,
      timestampType: 'CREATE_TIME',
      key: Buffer.from('k1').toString('base64'),
      value: Buffer.from('hello').toString('base64'),
      headers: [{ trace: [-61, -85] }, { empty: [] }],
    });
    expect(keyless).not.toHaveProperty('key');
    expect(keyless?.value).toBe(Buffer.from('{"a":1}').toString('base64'));
    expect(tombstone?.value).toBeNull();
    expect(Object.keys(event?.records ?? {})).toEqual([`${topic}-0`]);
  });

  it('builds SelfManagedKafka events without eventSourceArn', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-self');
    const fn = fakeFunction();
    const envelope = {
      eventSource: 'SelfManagedKafka' as const,
      bootstrapServers: `${bootstrap},${bootstrap}`,
    };
    await startPoller(bootstrap, testSource(bootstrap, topic, { envelope }), fn.invoke);

    // Act
    await produce(bootstrap, topic, values(1));
    await vi.waitFor(async () => {
      const records = await fn.records();
      expect(records).toHaveLength(1);
    }, WAIT);

    // Assess
    expect(fn.events[0]).not.toHaveProperty('eventSourceArn');
    expect(fn.events[0]).toMatchObject(envelope);
  });

  it('invokes with batchSize records, and the rest when the window expires', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-size');
    const fn = fakeFunction();
    await startPoller(bootstrap, testSource(bootstrap, topic, { batchSize: 10, windowMs: 1500 }), fn.invoke);

    // Act
    await produce(bootstrap, topic, values(25));

    // Assess
    await vi.waitFor(async () => {
      const records = await fn.records();
      expect(records).toHaveLength(25);
    }, WAIT);
    expect(fn.events.map((event) => Object.values(event.records).flat().length)).toEqual([10, 10, 5]);
    expect(offsetsOf(fn.records())).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  // The window's timing, rule by rule, is in test/unit/serverless-kafka-events/emulate/delivery.test.ts.
  it('gathers records of separate fetches that arrive within the window into one invocation', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-window');
    const fn = fakeFunction();
    await startPoller(bootstrap, testSource(bootstrap, topic, { windowMs: 3000 }), fn.invoke);

    // Act
    await produce(bootstrap, topic, values(2));
    await produce(bootstrap, topic, values(2, 2));

    // Assess
    await vi.waitFor(async () => {
      const records = await fn.records();
      expect(records).toHaveLength(4);
    }, WAIT);
    expect(fn.events).toHaveLength(1);
  });

  it('puts several partitions in one payload and keeps each partition in order', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-partitions', { partitions: 3 });
    const fn = fakeFunction();
    await startPoller(
      bootstrap,
      testSource(bootstrap, topic, { batchSize: 1000, windowMs: 1500 }),
      fn.invoke,
    );

    // Act
    for (let round = 0; round < 5; round++) {
      await produce(
        bootstrap,
        topic,
        [0, 1, 2].flatMap((partition) => values(20, round * 20, partition)),
      );
    }

    // Assess
    await vi.waitFor(async () => {
      const records = await fn.records();
      expect(records).toHaveLength(300);
    }, WAIT);
    expect(Object.keys(fn.events[0]?.records ?? {}).sort()).toEqual([
      `${topic}-0`,
      `${topic}-1`,
      `${topic}-2`,
    ]);
    const seen = byPartition(fn.records());
    for (const partition of [0, 1, 2]) {
      expect(seen[partition]).toHaveLength(100);
      expectAscending(seen[partition] ?? []);
    }
    for (const event of fn.events) {
      for (const records of Object.values(event.records)) expectAscending(offsetsOf(records));
    }
  });

  it('never passes 6 MB per payload, and never delivers a record over 6 MB', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-6mb', {
      configs: { 'max.message.bytes': '9000000' },
    });
    const fn = fakeFunction();
    const log = captureLog();
    const source = testSource(bootstrap, topic, { windowMs: 2000 });
    await startPoller(bootstrap, source, fn.invoke, log);
    const big = (fill: string, bytes: number) => ({ value: fill.repeat(bytes) });

    // Act: base64 makes each 2 MB value about 2.7 MB in the event.
    await produce(bootstrap, topic, [big('a', 2_000_000), big('b', 2_000_000), big('c', 2_000_000)]);
    await produce(bootstrap, topic, [big('d', 5_000_000)]);
    await produce(bootstrap, topic, [{ value: 'small' }]);

    // Assess
    await vi.waitFor(async () => {
      const records = await fn.records();
      expect(offsetsOf(records)).toContain(4);
    }, WAIT);
    for (const event of fn.events)
      expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(offsetsOf(fn.records())).toEqual([0, 1, 2, 4]);
    expect(
      log.lines.some((line) => line.includes('DROPPED 1 record(s)') && line.includes(`${topic}-0[3]`)),
    ).toBe(true);
    await committedUpTo(bootstrap, source, 5);
  });

  it('commits only after the invocation succeeded, and retries the same batch until then', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-commit');
    const source = testSource(bootstrap, topic, { windowMs: 100 });
    let failing = true;
    const fn = fakeFunction(() => {
      if (failing) throw new Error('boom');
    });
    const log = captureLog();
    await startPoller(bootstrap, source, fn.invoke, log);

    // Act
    await produce(bootstrap, topic, values(5));
    await vi.waitFor(async () => {
      const calls = await fn.events.length;
      expect(calls).toBeGreaterThanOrEqual(3);
    }, WAIT);
    const whileFailing = await committedOffsets(bootstrap, source.groupId, topic);
    failing = false;

    // Assess
    expect(whileFailing[0]).toBe(-1);
    await committedUpTo(bootstrap, source, 5);
    for (const event of fn.events)
      expect(offsetsOf(Object.values(event.records).flat())).toEqual([0, 1, 2, 3, 4]);
    expect(log.lines.filter((line) => line.includes('retry')).length).toBeGreaterThanOrEqual(2);
  });

  it('resumes from committed offsets after a restart, without replaying', async () => {
    // Prepare
    const topic = await createTestTopic(bootstrap, 'okafka-restart', { partitions: 2 });
    const source = testSource(bootstrap, topic, { windowMs: 100 });
    const before = fakeFunction();
    const first = await startPoller(bootstrap, source, before.invoke);
    await produce(bootstrap, topic, values(10));
    await vi.waitFor(async () => {
      const records = await before.records();
      expect(records).toHaveLength(10);
    }, WAIT);
    await first.stop();

    // Act: after the restart's records, a last one per partition: a replay would come before it.
    await produce(bootstrap, topic, values(10, 10));
    const after = fakeFunction();
    await startPoller(bootstrap, { ...source, startingPosition: 'TRIM_HORIZON' }, after.invoke);
    await produce(bootstrap, topic, [...values(1, 100, 0), ...values(1, 101, 1)]);

    // Assess
    const seen = () =>
      after.records().map((record) => JSON.parse(Buffer.from(record.value ?? '', 'base64').toString()).n);
    await vi.waitFor(() => expect(seen()).toEqual(expect.arrayContaining([100, 101])), WAIT);
    expect(seen().sort((a, b) => a - b)).toEqual([...Array.from({ length: 10 }, (_, i) => 10 + i), 100, 101]);
  });

  it('AT_TIMESTAMP starts at the first record at or after the timestamp', async () => {
    // Prepare
    // These CreateTimes are from 1970: without retention.ms=-1 the broker's next retention check
    // would delete them.
    const topic = await createTestTopic(bootstrap, 'okafka-timestamp', { configs: { 'retention.ms': '-1' } });
    await produce(bootstrap, topic, [
      { value: 'old-1', timestamp: '1000000' },
      { value: 'old-2', timestamp: '1000500' },
      { value: 'new-1', timestamp: '2000000' },
      { value: 'new-2', timestamp: '2000001' },
    ]);
    const fn = fakeFunction();

    // Act
    await startPoller(
      bootstrap,
      testSource(bootstrap, topic, {
        startingPosition: 'AT_TIMESTAMP',
        startingPositionTimestampMs: 1_500_000,
      }),
      fn.invoke,
    );

    // Assess
    await vi.waitFor(async () => {
      const records = await fn.records();
      expect(records).toHaveLength(2);
    }, WAIT);
    expect(offsetsOf(fn.records())).toEqual([2, 3]);
  });
});
