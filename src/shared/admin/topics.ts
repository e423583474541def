/**
 * The cluster and topic reads of the admin API, over the Kafka boundary's {@link AdminOperations}: each
 * function turns Kafka's answers into the API's response shapes (schema.ts).
 */
import type { AdminOperations, PartitionMetadata, PartitionOffsets } from '../kafka/admin.js';
import { logger } from '../logger.js';
import { toConfigEntry } from './configs.js';
import { isInternalTopic } from './rules.js';
import type { ClusterResponse, ConfigEntry, TopicDetail, TopicSummary } from './schema.js';

/** Each broker's `broker.rack` (the cluster answer does not carry it); none when they cannot be read. */
async function brokerRacks(admin: AdminOperations, brokerIds: number[]): Promise<Map<number, string | null>> {
  try {
    const configs = await admin.brokerConfigs(brokerIds, ['broker.rack']);
    return new Map(brokerIds.map((id) => [id, configs.get(id)?.get('broker.rack') ?? null]));
  } catch (error) {
    // Racks are informative only; a principal without DescribeConfigs on brokers still sees the cluster.
    logger.warn('broker racks unavailable', { error: (error as { code?: string }).code });
    return new Map();
  }
}

/** The cluster id, controller and brokers (with racks), brokers by id. */
export async function describeCluster(admin: AdminOperations): Promise<ClusterResponse> {
  const cluster = await admin.describeCluster();
  const racks = await brokerRacks(
    admin,
    cluster.brokers.map((broker) => broker.nodeId),
  );
  return {
    clusterId: cluster.clusterId,
    controller: cluster.controller,
    brokers: cluster.brokers
      .map(({ nodeId, host, port }) => ({ id: nodeId, host, port, rack: racks.get(nodeId) ?? null }))
      .sort((a, b) => a.id - b.id),
  };
}

/**
 * The partition count and replication factor Kafka would apply itself to a new topic (the controller's
 * `num.partitions` and `default.replication.factor`): CreateTopics v4+, which kafkajs does not speak,
 * would accept -1 for them.
 */
export async function brokerTopicDefaults(
  admin: AdminOperations,
): Promise<{ partitions: number | undefined; replicationFactor: number | undefined } | undefined> {
  const cluster = await admin.describeCluster();
  const brokerId = cluster.controller ?? cluster.brokers[0]?.nodeId;
  if (brokerId === undefined) return undefined;
  const configs = (
    await admin.brokerConfigs([brokerId], ['num.partitions', 'default.replication.factor'])
  ).get(brokerId);
  const number = (name: string) => {
    const value = Number(configs?.get(name));
    return Number.isInteger(value) && value > 0 ? value : undefined;
  };
  return { partitions: number('num.partitions'), replicationFactor: number('default.replication.factor') };
}

/** Topics by name, with partition count and replication factor; internal ones only when asked. */
export async function listTopics(admin: AdminOperations, includeInternal: boolean): Promise<TopicSummary[]> {
  const topics = await admin.listTopics();
  return topics
    .filter((topic) => includeInternal || !isInternalTopic(topic.name))
    .map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.length,
      replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
      internal: isInternalTopic(topic.name),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every config of a topic and where its value comes from, by name. */
export async function topicConfigEntries(admin: AdminOperations, name: string): Promise<ConfigEntry[]> {
  return (await admin.topicConfigs(name)).map(toConfigEntry).sort((a, b) => a.name.localeCompare(b.name));
}

/** A topic's detail; partitions missing from `offsets` have empty logs (offsets 0). */
function topicDetail(
  name: string,
  partitions: PartitionMetadata[],
  offsets: PartitionOffsets[],
  configs: ConfigEntry[],
): TopicDetail {
  const byPartition = new Map(offsets.map((offset) => [offset.partition, offset]));
  return {
    name,
    internal: isInternalTopic(name),
    replicationFactor: partitions[0]?.replicas.length ?? 0,
    partitions: partitions
      .map((partition) => ({
        partition: partition.partitionId,
        leader: partition.leader >= 0 ? partition.leader : null,
        replicas: partition.replicas,
        isr: partition.isr,
        offlineReplicas: partition.offlineReplicas,
        earliestOffset: byPartition.get(partition.partitionId)?.low ?? '0',
        latestOffset: byPartition.get(partition.partitionId)?.high ?? '0',
      }))
      .sort((a, b) => a.partition - b.partition),
    configs,
  };
}

/** Partitions (leader, replicas, ISR, offsets, by partition) and configs of a topic. */
export async function describeTopic(admin: AdminOperations, name: string): Promise<TopicDetail> {
  const partitions = await admin.topicPartitions(name);
  const offsets = await admin.topicOffsets(name);
  return topicDetail(name, partitions, offsets, await topicConfigEntries(admin, name));
}

/**
 * The topic a request just created, described without asking its partition leaders: a new topic's logs
 * are empty (offsets 0), and after a large creation the broker may take many seconds to bring every
 * partition's log up, answering ListOffsets with NOT_LEADER_OR_FOLLOWER meanwhile. The topic exists, so
 * a 503 here would invite a retry that gets 409.
 */
export async function describeNewTopic(admin: AdminOperations, name: string): Promise<TopicDetail> {
  return topicDetail(name, await admin.topicPartitions(name), [], await topicConfigEntries(admin, name));
}
