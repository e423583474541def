/**
 * kafkajs against the broker under test: producer, idempotent producer, a two-member group rebalancing
 * as one joins and leaves, and every admin operation the project uses (src/shared/admin, src/shared/kafka).
 */
import type { Consumer } from 'kafkajs';
import { describe, expect, inject, it, vi } from 'vitest';
import { commitIdleGroupOffsets, createCluster } from '../../src/shared/kafka/group-offsets.js';
import { afterFile } from '../support/cleanup.js';
import { uniqueName } from '../support/kafka.js';
import { kafkajs } from './support.js';

const bootstrap = inject('kafkaBrokers');

async function admin() {
  const client = kafkajs(bootstrap).admin();
  await client.connect();
  afterFile(() => client.disconnect());
  return client;
}

async function topic(prefix: string, partitions = 1, configEntries: { name: string; value: string }[] = []) {
  const name = uniqueName(prefix);
  const a = await admin();
  await a.createTopics({
    waitForLeaders: true,
    topics: [{ topic: name, numPartitions: partitions, configEntries }],
  });
  afterFile(() => a.deleteTopics({ topics: [name] }).catch(() => undefined));
  return name;
}

async function readAll(name: string, expected: number) {
  const consumer = kafkajs(bootstrap).consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: name, fromBeginning: true });
  const records: {
    partition: number;
    offset: string;
    key: string | null;
    value: string | null;
    headers: Record<string, string>;
  }[] = [];
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      records.push({
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
      });
    },
  });
  await vi.waitFor(() => expect(records.length).toBeGreaterThanOrEqual(expected), {
    timeout: 30_000,
    interval: 100,
  });
  await consumer.disconnect();
  return records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

describe('kafkajs producer', () => {
  it('writes keyed records with headers where it says, read back in order', async () => {
    const name = await topic('cf-produce', 3);
    const producer = kafkajs(bootstrap).producer();
    await producer.connect();
    const messages = Array.from({ length: 12 }, (_, i) => ({
      key: `k${i % 4}`,
      value: `v${i}`,
      headers: { n: String(i) },
    }));
    const answer = await producer.send({ topic: name, acks: -1, messages });
    await producer.disconnect();
    expect(answer.every((r) => r.errorCode === 0)).toBe(true);
    const records = await readAll(name, 12);
    expect(records).toHaveLength(12);
    // Same key, same partition; offsets dense from 0 in each partition.
    const partitionOf = new Map<string, number>();
    for (const r of records) {
      expect(partitionOf.get(r.key ?? '') ?? r.partition).toBe(r.partition);
      partitionOf.set(r.key ?? '', r.partition);
    }
    for (const p of [0, 1, 2]) {
      const offsets = records.filter((r) => r.partition === p).map((r) => Number(r.offset));
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    expect(records.map((r) => r.headers.n).sort()).toEqual(messages.map((m) => m.headers.n).sort());
  });

  it('idempotent producer: one producer id, sequential offsets, nothing duplicated', async () => {
    const name = await topic('cf-idempotent');
    const producer = kafkajs(bootstrap).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const offsets: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const [result] = await producer.send({
        topic: name,
        acks: -1,
        messages: Array.from({ length: 10 }, (_, i) => ({ value: `${batch}-${i}` })),
      });
      offsets.push(result?.baseOffset ?? '');
    }
    await producer.disconnect();
    expect(offsets).toEqual(['0', '10', '20', '30', '40']);
    const records = await readAll(name, 50);
    expect(records.map((r) => r.value)).toEqual(
      Array.from({ length: 50 }, (_, i) => `${Math.floor(i / 10)}-${i % 10}`),
    );
  });

  it('refuses a record batch larger than max.message.bytes', async () => {
    const name = await topic('cf-too-large', 1, [{ name: 'max.message.bytes', value: '1024' }]);
    const producer = kafkajs(bootstrap).producer();
    await producer.connect();
    await expect(
      producer.send({ topic: name, acks: -1, messages: [{ value: 'x'.repeat(4000) }] }),
    ).rejects.toMatchObject({
      type: 'MESSAGE_TOO_LARGE',
    });
    await producer.disconnect();
  });

  it('refuses a keyless record on a compacted topic', async () => {
    const name = await topic('cf-compacted', 1, [{ name: 'cleanup.policy', value: 'compact' }]);
    const producer = kafkajs(bootstrap).producer({ retry: { retries: 0 } });
    await producer.connect();
    await expect(
      producer.send({ topic: name, acks: -1, messages: [{ value: 'no key' }] }),
    ).rejects.toMatchObject({
      type: 'INVALID_RECORD',
    });
    await producer.send({ topic: name, acks: -1, messages: [{ key: 'k', value: 'keyed' }] });
    await producer.disconnect();
  });
});

describe('kafkajs consumer group', () => {
  it('two members: a rebalance when the second joins and when it leaves; every partition owned once', async () => {
    const name = await topic('cf-group', 4);
    const groupId = uniqueName('cf-group');
    const assignments = new Map<string, number[]>();
    const start = async (id: string) => {
      const consumer = kafkajs(bootstrap, id).consumer({
        groupId,
        heartbeatInterval: 300,
        maxWaitTimeInMs: 300,
      });
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        assignments.set(id, [...(payload.memberAssignment[name] ?? [])].sort());
      });
      await consumer.connect();
      await consumer.subscribe({ topic: name, fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      return consumer;
    };
    const a: Consumer = await start('member-a');
    await vi.waitFor(() => expect(assignments.get('member-a')).toEqual([0, 1, 2, 3]), { timeout: 30_000 });
    const b = await start('member-b');
    await vi.waitFor(
      () => {
        const ours = assignments.get('member-a') ?? [];
        const theirs = assignments.get('member-b') ?? [];
        expect(ours).toHaveLength(2);
        expect(theirs).toHaveLength(2);
        expect([...ours, ...theirs].sort()).toEqual([0, 1, 2, 3]);
      },
      { timeout: 30_000 },
    );
    const described = await (await admin()).describeGroups([groupId]);
    expect(described.groups[0]).toMatchObject({ state: 'Stable', protocolType: 'consumer' });
    expect(described.groups[0]?.members).toHaveLength(2);
    await b.disconnect();
    await vi.waitFor(() => expect(assignments.get('member-a')).toEqual([0, 1, 2, 3]), { timeout: 30_000 });
    await a.disconnect();
    const after = await (await admin()).describeGroups([groupId]);
    expect(after.groups[0]).toMatchObject({ state: 'Empty', members: [] });
  });
});

describe('kafkajs admin (the operations the project uses)', () => {
  it('cluster, topics, partitions, offsets, configs', async () => {
    const a = await admin();
    const cluster = await a.describeCluster();
    expect(cluster.brokers).toHaveLength(1);
    expect(cluster.controller).toBe(cluster.brokers[0]?.nodeId);
    expect(cluster.clusterId).toEqual(expect.any(String));

    const name = uniqueName('cf-admin');
    expect(
      await a.createTopics({
        topics: [
          { topic: name, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '60000' }] },
        ],
      }),
    ).toBe(true);
    afterFile(() => a.deleteTopics({ topics: [name] }).catch(() => undefined));
    await expect(a.createTopics({ topics: [{ topic: name }] })).resolves.toBe(false);
    await expect(
      a.createTopics({ topics: [{ topic: uniqueName('cf-rf'), replicationFactor: 3 }] }),
    ).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })],
    });
    await expect(
      a.createTopics({
        topics: [{ topic: uniqueName('cf-bad'), configEntries: [{ name: 'retention.ms', value: 'soon' }] }],
      }),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })] });
    expect((await a.listTopics()).includes(name)).toBe(true);
    const { topics } = await a.fetchTopicMetadata({ topics: [name] });
    expect(topics[0]?.partitions.map((p) => [p.partitionId, p.replicas.length, p.isr.length]).sort()).toEqual(
      [
        [0, 1, 1],
        [1, 1, 1],
      ],
    );

    const producer = kafkajs(bootstrap).producer();
    await producer.connect();
    const before = Date.now();
    await producer.send({
      topic: name,
      acks: -1,
      messages: [0, 1, 2].map((i) => ({
        partition: 0,
        value: `r${i}`,
        timestamp: String(before + i * 1000),
      })),
    });
    await producer.disconnect();
    expect((await a.fetchTopicOffsets(name)).sort((x, y) => x.partition - y.partition)).toEqual([
      { partition: 0, offset: '3', high: '3', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
    ]);
    const byTime = await a.fetchTopicOffsetsByTimestamp(name, before + 1000);
    expect(byTime.find((p) => p.partition === 0)?.offset).toBe('1');

    await a.createPartitions({ topicPartitions: [{ topic: name, count: 3 }] });
    await expect(a.createPartitions({ topicPartitions: [{ topic: name, count: 2 }] })).rejects.toMatchObject({
      type: 'INVALID_PARTITIONS',
    });
    expect((await a.fetchTopicMetadata({ topics: [name] })).topics[0]?.partitions).toHaveLength(3);

    const described = await a.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name, configNames: ['retention.ms', 'cleanup.policy'] }],
    });
    const entries = described.resources[0]?.configEntries.map((e) => [
      e.configName,
      e.configValue,
      e.configSource,
      e.isDefault,
    ]);
    expect(entries?.sort()).toEqual([
      ['cleanup.policy', 'delete', 5, true],
      ['retention.ms', '60000', 1, false],
    ]);
    await a.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2, name, configEntries: [{ name: 'max.message.bytes', value: '2048' }] }],
    });
    const altered = await a.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name, configNames: ['retention.ms', 'max.message.bytes'] }],
    });
    expect(
      altered.resources[0]?.configEntries.map((e) => [e.configName, e.configValue, e.configSource]).sort(),
    ).toEqual([
      ['max.message.bytes', '2048', 1],
      ['retention.ms', '604800000', 5],
    ]);

    await a.deleteTopicRecords({ topic: name, partitions: [{ partition: 0, offset: '2' }] });
    expect((await a.fetchTopicOffsets(name)).find((p) => p.partition === 0)).toMatchObject({
      low: '2',
      high: '3',
    });

    await a.deleteTopics({ topics: [name] });
    await vi.waitFor(async () => expect(await a.listTopics()).not.toContain(name));
    await expect(a.fetchTopicMetadata({ topics: [name] })).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
  });

  it('groups: committed offsets, outside commits only while idle, listing, describing, deleting', async () => {
    const a = await admin();
    const name = await topic('cf-groups', 2);
    const groupId = uniqueName('cf-groups');
    const cluster = createCluster(kafkajs(bootstrap));
    await cluster.connect();
    afterFile(() => cluster.disconnect());
    await commitIdleGroupOffsets(cluster, groupId, name, [
      { partition: 0, offset: '5' },
      { partition: 1, offset: '7' },
    ]);
    expect(await a.fetchOffsets({ groupId, topics: [name] })).toEqual([
      {
        topic: name,
        partitions: [
          { partition: 0, offset: '5', metadata: null },
          { partition: 1, offset: '7', metadata: null },
        ],
      },
    ]);
    expect((await a.listGroups()).groups).toContainEqual({ groupId, protocolType: '' });
    expect((await a.describeGroups([groupId])).groups[0]).toMatchObject({
      groupId,
      state: 'Empty',
      members: [],
    });
    expect((await a.describeGroups([uniqueName('cf-none')])).groups[0]).toMatchObject({
      state: 'Dead',
      errorCode: 0,
    });

    await a.setOffsets({ groupId, topic: name, partitions: [{ partition: 0, offset: '1' }] });
    expect((await a.fetchOffsets({ groupId, topics: [name] }))[0]?.partitions[0]).toMatchObject({
      offset: '1',
    });

    const consumer = kafkajs(bootstrap).consumer({ groupId, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: name });
    await consumer.run({ eachMessage: async () => undefined });
    await vi.waitFor(
      async () => expect((await a.describeGroups([groupId])).groups[0]?.state).toBe('Stable'),
      { timeout: 30_000 },
    );
    await expect(
      commitIdleGroupOffsets(cluster, groupId, name, [{ partition: 0, offset: '0' }]),
    ).rejects.toMatchObject({
      code: 'GROUP_NOT_EMPTY',
    });
    await expect(a.deleteGroups([groupId])).rejects.toMatchObject({
      groups: [expect.objectContaining({ errorCode: 68 })],
    });
    await consumer.disconnect();
    await a.deleteGroups([groupId]);
    expect((await a.describeGroups([groupId])).groups[0]).toMatchObject({ state: 'Dead' });
    expect(await a.fetchOffsets({ groupId, topics: [name] })).toEqual([
      {
        topic: name,
        partitions: [
          { partition: 0, offset: '-1', metadata: null },
          { partition: 1, offset: '-1', metadata: null },
        ],
      },
    ]);
  });
});
