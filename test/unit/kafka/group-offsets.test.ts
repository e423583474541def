import { type Broker, type Cluster, Kafka, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { GroupNotEmptyError } from '../../../src/shared/errors.js';
import { commitIdleGroupOffsets, createCluster } from '../../../src/shared/kafka/group-offsets.js';

// As kafkajs builds them from Kafka's error table.
const protocol = (type: string) =>
  new KafkaJSProtocolError({ type, code: 0, retriable: false, message: type } as unknown as Error);

/** A cluster whose coordinator answers each OffsetCommit with the next of `answers` (an error or success). */
function fakeCluster(answers: (Error | undefined)[]) {
  const commits: Parameters<Broker['offsetCommit']>[0][] = [];
  let lookups = 0;
  const coordinator = {
    offsetCommit: async (request: Parameters<Broker['offsetCommit']>[0]) => {
      commits.push(request);
      const answer = answers.shift();
      if (answer) throw answer;
    },
  };
  const cluster = {
    findGroupCoordinator: async () => {
      lookups++;
      return coordinator;
    },
  } as unknown as Cluster;
  return { cluster, commits, lookups: () => lookups };
}

describe('commitIdleGroupOffsets', () => {
  it("commits as Kafka's AdminClient does: generation -1, no member id, to the group's coordinator", async () => {
    // Prepare
    const { cluster, commits } = fakeCluster([undefined]);

    // Act
    await commitIdleGroupOffsets(cluster, 'billing', 'orders', [{ partition: 0, offset: '2' }]);

    // Assess
    expect(commits).toEqual([
      {
        groupId: 'billing',
        groupGenerationId: -1,
        memberId: '',
        topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '2' }] }],
      },
    ]);
  });

  it('reports a group with members (UNKNOWN_MEMBER_ID) as GROUP_NOT_EMPTY, without retrying', async () => {
    const { cluster, commits } = fakeCluster([protocol('UNKNOWN_MEMBER_ID')]);

    const failure = commitIdleGroupOffsets(cluster, 'billing', 'orders', [{ partition: 0, offset: '0' }]);

    await expect(failure).rejects.toBeInstanceOf(GroupNotEmptyError);
    await expect(failure).rejects.toMatchObject({ code: 'GROUP_NOT_EMPTY' });
    expect(commits).toHaveLength(1);
  });

  it('finds the coordinator again after NOT_COORDINATOR and loading errors', async () => {
    const { cluster, commits, lookups } = fakeCluster([
      protocol('NOT_COORDINATOR_FOR_GROUP'),
      protocol('GROUP_LOAD_IN_PROGRESS'),
      undefined,
    ]);

    await commitIdleGroupOffsets(cluster, 'billing', 'orders', [{ partition: 0, offset: '0' }]);

    expect(commits).toHaveLength(3);
    expect(lookups()).toBe(3);
  });

  it('passes other errors on unchanged, for fromKafkaError', async () => {
    const refused = protocol('GROUP_AUTHORIZATION_FAILED');
    const { cluster, commits } = fakeCluster([refused]);

    await expect(
      commitIdleGroupOffsets(cluster, 'billing', 'orders', [{ partition: 0, offset: '0' }]),
    ).rejects.toBe(refused);
    expect(commits).toHaveLength(1);
  });
});

describe('createCluster', () => {
  it("reaches the installed kafkajs' cluster factory (fails here first if a kafkajs upgrade removes it)", () => {
    const cluster = createCluster(new Kafka({ brokers: ['127.0.0.1:1'] }));

    expect(typeof cluster.findGroupCoordinator).toBe('function');
    expect(cluster.isConnected()).toBe(false);
  });
});
