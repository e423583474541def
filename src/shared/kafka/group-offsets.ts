/**
 * Setting a consumer group's committed offsets from outside the group, the way Kafka's own
 * `Admin.alterConsumerGroupOffsets` does it (KIP-222; what `kafka-consumer-groups --reset-offsets` calls):
 * one OffsetCommit to the group's coordinator with generation id -1 and an empty member id. The coordinator
 * accepts that only while the group has no active members (creating the group if it does not exist yet) and
 * answers UNKNOWN_MEMBER_ID otherwise; see `validateOffsetCommit` in Kafka's group coordinator
 * (group-coordinator/.../classic/ClassicGroup.java, .../modern/consumer/ConsumerGroup.java and
 * OffsetMetadataManager.java) and the client side in clients/.../admin/internals/AlterConsumerGroupOffsetsHandler.java.
 *
 * This is code a client library should provide. kafkajs (2.2.4, its latest release) does not: its
 * `admin.setOffsets` starts a temporary consumer that joins the group, waits for a fetch and commits, which
 * takes seconds and, in a long-lived container, was seen to hang past the caller's deadline. kafkajs does
 * export the types of its `Cluster` (`findGroupCoordinator`) and `Broker` (`offsetCommit`), but builds a
 * Cluster only inside `Kafka#admin/producer/consumer`, through a factory stored under a private symbol.
 * {@link createCluster} reaches that factory: the one non-public step here, chosen over importing
 * kafkajs/src/cluster because the factory carries the client's whole configuration (brokers, TLS, SASL
 * including MSK IAM, retries, logging). It fails loudly, not silently, if a kafkajs release drops it.
 */
import type { Cluster, Kafka } from 'kafkajs';
import { GroupNotEmptyError } from '../errors.js';

/** `Symbol('private:Kafka:createCluster')` in kafkajs/src/index.js. */
const CREATE_CLUSTER = 'private:Kafka:createCluster';

/**
 * A new, unconnected kafkajs Cluster configured like `kafka`'s admin (no automatic topic creation). It
 * never names topics in its metadata requests, so topics deleted by others cannot make it stale.
 */
export function createCluster(kafka: Kafka): Cluster {
  const key = Object.getOwnPropertySymbols(kafka).find((symbol) => symbol.description === CREATE_CLUSTER);
  const create: unknown = key === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[key];
  if (typeof create !== 'function') {
    throw new Error(`kafkajs no longer has ${CREATE_CLUSTER}; see src/shared/kafka/group-offsets.ts`);
  }
  return create({ allowAutoTopicCreation: false }) as Cluster;
}

export interface PartitionOffset {
  partition: number;
  /** The next offset the group will read, as a decimal string. */
  offset: string;
}

/**
 * Errors after which Kafka's AlterConsumerGroupOffsetsHandler tries again (kafkajs' names). The coordinator
 * is looked up again on every attempt, so NOT_COORDINATOR and COORDINATOR_NOT_AVAILABLE find the new one.
 */
const RETRIABLE = new Set([
  'GROUP_LOAD_IN_PROGRESS',
  'REBALANCE_IN_PROGRESS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
]);
const ATTEMPTS = 4;

/**
 * Commits `partitions` of `topic` for `groupId`, which must have no active members: a group with members
 * makes the coordinator answer UNKNOWN_MEMBER_ID, thrown as {@link GroupNotEmptyError}. Other failures
 * are kafkajs errors, for `fromKafkaError`.
 */
export async function commitIdleGroupOffsets(
  cluster: Cluster,
  groupId: string,
  topic: string,
  partitions: PartitionOffset[],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const coordinator = await cluster.findGroupCoordinator({ groupId });
      await coordinator.offsetCommit({
        groupId,
        groupGenerationId: -1,
        memberId: '',
        topics: [{ topic, partitions }],
      });
      return;
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (type === 'UNKNOWN_MEMBER_ID') {
        throw new GroupNotEmptyError(`consumer group ${groupId} has active members`, { cause: error });
      }
      if (typeof type !== 'string' || !RETRIABLE.has(type) || attempt === ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}
