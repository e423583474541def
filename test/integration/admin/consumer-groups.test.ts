import type { Consumer, KafkaMessage } from 'kafkajs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestTopic, uniqueName } from '../../support/kafka.js';
import { adminHarness, independentKafka } from './harness.js';

const { bootstrap, call, kafka } = adminHarness();
const consumers: Consumer[] = [];
afterAll(async () => {
  await Promise.all(consumers.map((consumer) => consumer.disconnect().catch(() => undefined)));
});

async function produce(topic: string, perPartition: Record<number, number>): Promise<void> {
  const producer = independentKafka(bootstrap).producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Object.entries(perPartition).flatMap(([partition, count]) =>
      Array.from({ length: count }, (_, i) => ({
        partition: Number(partition),
        value: `p${partition}-${i}`,
      })),
    ),
  });
  await producer.disconnect();
}

interface Seen {
  partition: number;
  message: KafkaMessage;
}

/** A kafkajs consumer in `groupId` that commits each record it reads, until `paused` says stop. */
async function startConsumer(groupId: string, topic: string) {
  const consumer = independentKafka(bootstrap).consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
  });
  consumers.push(consumer);
  const seen: Seen[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      seen.push({ partition, message });
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    },
  });
  return { consumer, seen };
}

/** How long vi.waitFor gives a consumer to read, and how often it looks. */
const WAIT = { timeout: 20_000, interval: 100 };

interface GroupDetail {
  state: string;
  protocolType: string;
  members: {
    memberId: string;
    clientId: string;
    host: string;
    assignments: { topic: string; partitions: number[] }[];
  }[];
  partitions: {
    topic: string;
    partition: number;
    committedOffset: string | null;
    logEndOffset: string | null;
    lag: string | null;
  }[];
  lag: { total: string; max: { topic: string; partition: number; lag: string } | null };
}

describe('consumer groups', () => {
  it('describes members, assignments and lag; refuses to reset or delete an active group; resumes from a reset', async () => {
    const topic = await createTestTopic(bootstrap, 'admin-lag', { partitions: 2 });
    const groupId = uniqueName('admin-group');

    // Prepare: 5 records read and committed, then 4 more produced while the consumer is paused.
    await produce(topic, { 0: 3, 1: 2 });
    const { consumer, seen } = await startConsumer(groupId, topic);
    await vi.waitFor(() => expect(seen).toHaveLength(5), WAIT);
    consumer.pause([{ topic }]);
    await produce(topic, { 0: 3, 1: 1 });

    // Lag = produced - committed, per partition and in total (committed: 3 and 2; log ends: 6 and 3).
    const described = await call<GroupDetail>('GET /v1/consumer-groups/{group}', {
      params: { group: groupId },
    });
    expect(described.status).toBe(200);
    expect(described.body.state).toBe('Stable');
    expect(described.body.protocolType).toBe('consumer');
    expect(described.body.members).toHaveLength(1);
    expect(described.body.members[0]?.assignments).toEqual([{ topic, partitions: [0, 1] }]);
    expect(described.body.partitions).toEqual([
      expect.objectContaining({ topic, partition: 0, committedOffset: '3', logEndOffset: '6', lag: '3' }),
      expect.objectContaining({ topic, partition: 1, committedOffset: '2', logEndOffset: '3', lag: '1' }),
    ]);
    expect(described.body.lag).toEqual({ total: '4', max: { topic, partition: 0, lag: '3' } });

    const listed = await call<{ groups: unknown[] }>('GET /v1/consumer-groups');
    expect(listed.status).toBe(200);
    expect(listed.body.groups).toContainEqual({
      id: groupId,
      state: 'Stable',
      protocolType: 'consumer',
      members: 1,
    });

    // An active group can be neither reset nor deleted.
    const busyReset = await call('POST /v1/consumer-groups/{group}/offsets', {
      params: { group: groupId },
      body: { topic, to: 'earliest' },
    });
    expect(busyReset.status).toBe(409);
    expect(busyReset.body).toMatchObject({ error: { code: 'GROUP_NOT_EMPTY' } });
    const busyDelete = await call('DELETE /v1/consumer-groups/{group}', { params: { group: groupId } });
    expect(busyDelete.status).toBe(409);
    expect(busyDelete.body).toMatchObject({ error: { code: 'GROUP_NOT_EMPTY' } });
    // Kafka itself refuses the commit (a member that joined after the service's check); partition 1 keeps
    // its committed offset 2, as the resumed consumer shows below.
    await expect(
      kafka.run(10_000, (admin) =>
        admin.commitIdleGroupOffsets(groupId, topic, [{ partition: 1, offset: '0' }]),
      ),
    ).rejects.toMatchObject({ code: 'GROUP_NOT_EMPTY' });

    // Stopped, the group can be reset; the next consumer resumes from there.
    await consumer.disconnect();
    const reset = await call('POST /v1/consumer-groups/{group}/offsets', {
      params: { group: groupId },
      body: { topic, to: { offsets: [{ partition: 0, offset: '1' }] } },
    });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ group: groupId, topic, partitions: [{ partition: 0, offset: '1' }] });
    const resumed = await startConsumer(groupId, topic);
    await vi.waitFor(() => expect(resumed.seen).toHaveLength(6), WAIT);
    const firstPerPartition = (partition: number) =>
      resumed.seen.find((s) => s.partition === partition)?.message.offset;
    expect(firstPerPartition(0)).toBe('1');
    expect(firstPerPartition(1)).toBe('2');
    await resumed.consumer.disconnect();

    // Empty group: deleted (204), then unknown (404).
    const deleted = await call('DELETE /v1/consumer-groups/{group}', { params: { group: groupId } });
    expect(deleted.status).toBe(204);
    expect((await call('GET /v1/consumer-groups/{group}', { params: { group: groupId } })).status).toBe(404);
    const again = await call('DELETE /v1/consumer-groups/{group}', { params: { group: groupId } });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error: { code: 'GROUP_NOT_FOUND' } });
  });

  it('resets to earliest, latest and a timestamp, as an independent client reads the committed offsets', async () => {
    const topic = await createTestTopic(bootstrap, 'admin-reset', { partitions: 2 });
    const groupId = uniqueName('admin-reset-group');
    await produce(topic, { 0: 2, 1: 1 });
    const middle = Date.now() + 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await produce(topic, { 0: 1, 1: 2 });

    const admin = independentKafka(bootstrap).admin();
    await admin.connect();
    const committed = async () =>
      ((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [])
        .sort((a, b) => a.partition - b.partition)
        .map(({ partition, offset }) => ({ partition, offset }));
    try {
      for (const [to, offsets] of [
        ['latest', ['3', '3']],
        ['earliest', ['0', '0']],
        [{ timestamp: middle }, ['2', '1']],
        [{ timestamp: new Date(middle).toISOString() }, ['2', '1']],
      ] as const) {
        const answer = await call('POST /v1/consumer-groups/{group}/offsets', {
          params: { group: groupId },
          body: { topic, to },
        });
        expect(answer.status).toBe(200);
        const expected = offsets.map((offset, partition) => ({ partition, offset }));
        expect(answer.body.partitions).toEqual(expected);
        expect(await committed()).toEqual(expected);
      }
    } finally {
      await admin.disconnect();
    }

    // A group with offsets and no members is "Empty", with lag but no members.
    const described = await call<GroupDetail>('GET /v1/consumer-groups/{group}', {
      params: { group: groupId },
    });
    // Committed 2 and 1; log ends 3 and 3.
    expect(described.body).toMatchObject({ state: 'Empty', members: [], lag: { total: '3' } });
  });

  it('answers 400 for bad reset requests and 404 for an unknown topic or group', async () => {
    const topic = await createTestTopic(bootstrap, 'admin-reset-bad', { partitions: 1 });
    await produce(topic, { 0: 2 });
    const group = uniqueName('admin-bad-group');
    const reset = (body: unknown) =>
      call('POST /v1/consumer-groups/{group}/offsets', { params: { group }, body });

    expect(await reset({ topic, to: { offsets: [{ partition: 1, offset: '0' }] } })).toMatchObject({
      status: 400,
      body: { error: { code: 'PARTITION_NOT_FOUND', details: [{ field: 'to.offsets[0].partition' }] } },
    });
    expect(await reset({ topic, to: { offsets: [{ partition: 0, offset: '3' }] } })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_OFFSET', details: [{ field: 'to.offsets[0].offset' }] } },
    });
    expect(await reset({ topic, to: { offsets: [{ partition: 0, offset: 1 }] } })).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
    expect(await reset({ topic, to: 'beginning' })).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
    expect(await reset({ to: 'earliest' })).toMatchObject({
      status: 400,
      body: { error: { details: [{ field: 'topic' }] } },
    });
    expect(await reset({ topic: uniqueName('admin-none'), to: 'earliest' })).toMatchObject({
      status: 404,
      body: { error: { code: 'TOPIC_NOT_FOUND' } },
    });

    const unknown = await call('GET /v1/consumer-groups/{group}', {
      params: { group: uniqueName('admin-none') },
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'GROUP_NOT_FOUND' } } });
    const empty = await call('GET /v1/consumer-groups/{group}', { params: { group: '' } });
    expect(empty).toMatchObject({ status: 400, body: { error: { details: [{ field: 'group' }] } } });
  });
});
