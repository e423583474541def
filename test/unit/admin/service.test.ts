/** The admin service's rules and compositions over a fake Kafka boundary (no broker). */
import { describe, expect, it, vi } from 'vitest';
import { AdminService } from '../../../src/shared/admin/service.js';
import type { AdminOperations, GroupDescription, KafkaAdmin } from '../../../src/shared/kafka/admin.js';

const config = { allowTopicDeletion: true, maxBodyBytes: 65_536, maxPartitions: 10_000, timeoutMs: 1_000 };

/** A service over `operations`; calls the fake does not define fail the test. */
function serviceOver(operations: Partial<AdminOperations>, overrides: Partial<typeof config> = {}) {
  const admin = new Proxy(operations as AdminOperations, {
    get: (target, name: string) =>
      name in target
        ? target[name as keyof AdminOperations]
        : () => Promise.reject(new Error(`unexpected call ${name}`)),
  });
  const kafka: Pick<KafkaAdmin, 'run'> = { run: (_timeoutMs, operation) => operation(admin) };
  return new AdminService(kafka, { ...config, ...overrides });
}

const partition = (partitionId: number) => ({
  partitionId,
  leader: 1,
  replicas: [1, 2],
  isr: [1, 2],
  offlineReplicas: [],
});

const group = (state: string, members: GroupDescription['members'] = []): GroupDescription => ({
  groupId: 'billing',
  state,
  protocolType: 'consumer',
  protocol: 'RoundRobinAssigner',
  members,
});

describe('AdminService', () => {
  it("creates a topic with the controller's defaults for what the request leaves out", async () => {
    // Prepare
    const createTopic = vi.fn(async () => undefined);
    const service = serviceOver({
      describeCluster: async () => ({ clusterId: 'c', controller: 2, brokers: [] }),
      brokerConfigs: async () =>
        new Map([
          [
            2,
            new Map([
              ['num.partitions', '6'],
              ['default.replication.factor', '3'],
            ]),
          ],
        ]),
      createTopic,
    });

    // Act
    const result = await service.createTopic({ name: 'orders', configs: {}, validateOnly: true });

    // Assess
    expect(createTopic).toHaveBeenCalledWith({
      name: 'orders',
      partitions: 6,
      replicationFactor: 3,
      configs: {},
      validateOnly: true,
    });
    expect(result).toEqual({
      created: false,
      topic: { name: 'orders', partitions: 6, replicationFactor: 3, configs: {}, validateOnly: true },
    });
  });

  it("describes a new topic without asking its partitions' leaders for offsets (its logs are empty)", async () => {
    // Prepare: no topicOffsets, so the fake fails the test if the service asks for them.
    const service = serviceOver({
      createTopic: async () => undefined,
      topicPartitions: async () => [partition(1), partition(0)],
      topicConfigs: async () => [],
    });

    // Act
    const result = await service.createTopic({
      name: 'orders',
      partitions: 2,
      replicationFactor: 2,
      configs: {},
      validateOnly: false,
    });

    // Assess
    expect(result.created).toBe(true);
    expect(result.topic).toMatchObject({
      name: 'orders',
      replicationFactor: 2,
      partitions: [
        { partition: 0, earliestOffset: '0', latestOffset: '0' },
        { partition: 1, earliestOffset: '0', latestOffset: '0' },
      ],
    });
  });

  it('refuses internal topics before asking Kafka', async () => {
    const service = serviceOver({});

    await expect(
      service.createTopic({ name: '__mine', configs: {}, validateOnly: false }),
    ).rejects.toMatchObject({ code: 'INTERNAL_TOPIC', details: [{ field: 'name' }] });
    await expect(service.deleteTopic('__consumer_offsets')).rejects.toMatchObject({
      code: 'INTERNAL_TOPIC',
      details: [{ field: 'topic' }],
    });
  });

  it('refuses deletion when the stage switched it off', async () => {
    const service = serviceOver({}, { allowTopicDeletion: false });

    await expect(service.deleteTopic('orders')).rejects.toMatchObject({ code: 'TOPIC_DELETION_DISABLED' });
  });

  it('only grows the partition count', async () => {
    const createPartitions = vi.fn(async () => undefined);
    const service = serviceOver({
      topicPartitions: async () => [partition(0), partition(1), partition(2)],
      createPartitions,
    });

    await expect(service.addPartitions('orders', { count: 3 })).rejects.toMatchObject({
      code: 'INVALID_PARTITION_COUNT',
      details: [{ field: 'count', message: 'must be larger than 3' }],
    });
    expect(createPartitions).not.toHaveBeenCalled();
    await expect(service.addPartitions('orders', { count: 5 })).resolves.toEqual({
      name: 'orders',
      partitions: 5,
      replicationFactor: 2,
      internal: false,
    });
  });

  it('resets the offsets of an idle group only, checking explicit offsets against the log', async () => {
    // Prepare
    const commitIdleGroupOffsets = vi.fn(async () => undefined);
    let state = 'Stable';
    const service = serviceOver({
      describeGroups: async () => [group(state)],
      topicPartitions: async () => [partition(0), partition(1)],
      topicOffsets: async () => [
        { partition: 0, low: '0', high: '10' },
        { partition: 1, low: '5', high: '7' },
      ],
      commitIdleGroupOffsets,
    });
    const to = { offsets: [{ partition: 1, offset: '6' }] };

    // Act, Assess: busy, then idle but out of range, then idle and in range.
    await expect(service.resetOffsets('billing', { topic: 'orders', to })).rejects.toMatchObject({
      code: 'GROUP_NOT_EMPTY',
    });
    state = 'Empty';
    await expect(
      service.resetOffsets('billing', { topic: 'orders', to: { offsets: [{ partition: 1, offset: '8' }] } }),
    ).rejects.toMatchObject({ code: 'INVALID_OFFSET', details: [{ field: 'to.offsets[0].offset' }] });
    await expect(
      service.resetOffsets('billing', { topic: 'orders', to: { offsets: [{ partition: 2, offset: '0' }] } }),
    ).rejects.toMatchObject({ code: 'PARTITION_NOT_FOUND' });
    await expect(service.resetOffsets('billing', { topic: 'orders', to })).resolves.toEqual({
      group: 'billing',
      topic: 'orders',
      partitions: [{ partition: 1, offset: '6' }],
    });
    expect(commitIdleGroupOffsets).toHaveBeenCalledTimes(1);
  });

  it('describes lag per partition, including partitions owned without a commit', async () => {
    // Prepare
    const member = {
      memberId: 'm-1',
      clientId: 'c',
      host: '/10.0.0.1',
      assignments: [{ topic: 'orders', partitions: [0, 1] }],
    };
    const service = serviceOver({
      describeGroups: async () => [group('Stable', [member])],
      committedOffsets: async () => [{ topic: 'orders', partition: 0, offset: '4' }],
      logEndOffsets: async () => [
        { partition: 0, low: '0', high: '10' },
        { partition: 1, low: '0', high: '3' },
      ],
    });

    // Act
    const detail = await service.describeGroup('billing');

    // Assess
    expect(detail.partitions).toEqual([
      { topic: 'orders', partition: 0, committedOffset: '4', logEndOffset: '10', lag: '6', memberId: 'm-1' },
      { topic: 'orders', partition: 1, committedOffset: null, logEndOffset: '3', lag: null, memberId: 'm-1' },
    ]);
    expect(detail.lag).toEqual({ total: '6', max: { topic: 'orders', partition: 0, lag: '6' } });
  });

  it('answers 404 for a group Kafka describes as Dead', async () => {
    const service = serviceOver({ describeGroups: async () => [group('Dead')] });

    await expect(service.describeGroup('billing')).rejects.toMatchObject({ code: 'GROUP_NOT_FOUND' });
  });
});
