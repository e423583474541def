/**
 * The administration calls of admin.ts over the connection's kafkajs Admin: plain types in, plain types
 * out, every failure mapped to a ServiceError.
 */
import type { Admin, GroupDescription as KafkajsGroupDescription } from 'kafkajs';
import {
  GroupNotEmptyError,
  GroupNotFoundError,
  type ServiceError,
  TopicExistsError,
  TopicNotFoundError,
} from '../errors.js';
import type { AdminOperations, GroupMemberDescription, PartitionMetadata } from './admin.js';
import type { KafkaConnection } from './client.js';
import { fromKafkaError } from './errors.js';
import { AssignerProtocol, ConfigResourceTypes } from './kafkajs.js';
import { confirmMissing, isConfirmedMissing } from './stale.js';

/**
 * A failure of a metadata request naming only `name`, as a ServiceError: a "topic not found" is then
 * confirmed (see stale.ts) and names the topic (Kafka's UNKNOWN_TOPIC_OR_PARTITION does not).
 */
function withTopic(error: unknown, name: string): ServiceError {
  const mapped = fromKafkaError(error);
  if (!(mapped instanceof TopicNotFoundError)) return mapped;
  return confirmMissing(new TopicNotFoundError(`topic ${name} not found`, { cause: error }));
}

/** Runs a kafkajs call; its failure leaves as a ServiceError. */
async function mapped<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromKafkaError(error);
  }
}

/** Members' assignments, decoded from the consumer protocol (other protocol types are opaque bytes). */
function decodeMember(protocolType: string) {
  return (member: KafkajsGroupDescription['members'][number]): GroupMemberDescription => {
    let assignments: GroupMemberDescription['assignments'] = [];
    if (protocolType === 'consumer' && member.memberAssignment.length > 0) {
      const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      assignments = Object.entries(decoded?.assignment ?? {})
        .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
        .sort((a, b) => a.topic.localeCompare(b.topic));
    }
    return { memberId: member.memberId, clientId: member.clientId, host: member.clientHost, assignments };
  };
}

/**
 * Waits until every partition of a new topic has a leader (the metadata may not list the topic at first),
 * or until `deadline` (epoch ms), when the caller's own deadline has already answered.
 */
async function leadersElected(admin: Admin, name: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const { topics } = await admin.fetchTopicMetadata({ topics: [name] }).catch(() => ({ topics: [] }));
    const partitions = topics.find((topic) => topic.name === name)?.partitions ?? [];
    if (partitions.length > 0 && partitions.every((partition) => partition.leader >= 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The operations over one kafkajs Admin, within one deadline (epoch ms). */
export function kafkajsAdminOperations(
  admin: Admin,
  connection: KafkaConnection,
  deadline: number,
): AdminOperations {
  const topicPartitions = async (name: string): Promise<PartitionMetadata[]> => {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
      const topic = topics.find((candidate) => candidate.name === name);
      if (!topic) throw new TopicNotFoundError(`topic ${name}`);
      return topic.partitions.map(plainPartition);
    } catch (error) {
      throw withTopic(error, name);
    }
  };
  /**
   * A "topic not found" from a call whose metadata request named other topics too: confirmed when the
   * topic's own metadata says so (then that confirmed 404 is thrown), else thrown as it is, unconfirmed, so
   * that KafkaAdmin.run replaces a stale admin.
   */
  const confirmed = async (error: unknown, name: string): Promise<never> => {
    if (error instanceof TopicNotFoundError) {
      try {
        await topicPartitions(name);
      } catch (missing) {
        if (missing instanceof TopicNotFoundError && isConfirmedMissing(missing)) throw missing;
      }
    }
    throw error;
  };
  const topicOffsets = (topic: string) =>
    mapped(async () =>
      (await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high })),
    );

  return {
    describeCluster: () =>
      mapped(async () => {
        const { clusterId, controller, brokers } = await admin.describeCluster();
        return {
          clusterId,
          controller,
          brokers: brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
        };
      }),

    brokerConfigs: (brokerIds, configNames) =>
      mapped(async () => {
        const { resources } = await admin.describeConfigs({
          includeSynonyms: false,
          resources: brokerIds.map((id) => ({
            type: ConfigResourceTypes.BROKER,
            name: String(id),
            configNames,
          })),
        });
        return new Map(
          resources.map((resource) => [
            Number(resource.resourceName),
            new Map(resource.configEntries.map((entry) => [entry.configName, entry.configValue || null])),
          ]),
        );
      }),

    listTopics: () =>
      mapped(async () =>
        (await admin.fetchTopicMetadata()).topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.map(plainPartition),
        })),
      ),

    topicPartitions,
    topicOffsets,

    logEndOffsets: async (topic) => {
      try {
        return await topicOffsets(topic);
      } catch (error) {
        // Gone indeed (a group may outlive its topics), or a stale admin (then KafkaAdmin.run reconnects).
        return await confirmed(error, topic).catch((missing: unknown) => {
          if (missing !== error && missing instanceof TopicNotFoundError) return [];
          throw missing;
        });
      }
    },

    offsetsAtTimestamp: (topic, millis) =>
      mapped(async () =>
        (await admin.fetchTopicOffsetsByTimestamp(topic, millis)).map(({ partition, offset }) => ({
          partition,
          offset,
        })),
      ),

    topicConfigs: async (topic, configNames) => {
      try {
        const { resources } = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [
            { type: ConfigResourceTypes.TOPIC, name: topic, ...(configNames ? { configNames } : {}) },
          ],
        });
        return (resources[0]?.configEntries ?? []).map((entry) => {
          const described = entry as typeof entry & { configSource: number };
          return {
            configName: described.configName,
            configValue: described.configValue,
            configSource: described.configSource,
            isDefault: described.isDefault,
            isSensitive: described.isSensitive,
            readOnly: described.readOnly,
          };
        });
      } catch (error) {
        // kafkajs refreshes the metadata of every topic it knows first: a 404 may be another topic's.
        return confirmed(fromKafkaError(error), topic);
      }
    },

    createTopic: async (topic) => {
      const created = await mapped(() =>
        admin.createTopics({
          validateOnly: topic.validateOnly,
          // Waited for below: kafkajs gives up after its few retries and reports UNKNOWN_TOPIC_OR_PARTITION,
          // which would read as a stale admin and repeat the creation.
          waitForLeaders: false,
          topics: [
            {
              topic: topic.name,
              numPartitions: topic.partitions,
              replicationFactor: topic.replicationFactor,
              configEntries: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
            },
          ],
        }),
      );
      // kafkajs answers false (instead of throwing) when the only error is TOPIC_ALREADY_EXISTS.
      if (!created) throw new TopicExistsError(`topic ${topic.name} already exists`);
      if (!topic.validateOnly) await leadersElected(admin, topic.name, deadline);
    },

    deleteTopic: (topic) => mapped(() => admin.deleteTopics({ topics: [topic] })),

    createPartitions: (topic, count) =>
      mapped(async () => {
        await admin.createPartitions({ topicPartitions: [{ topic, count }] });
      }),

    replaceTopicConfigs: (topic, configs) =>
      mapped(async () => {
        await admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: ConfigResourceTypes.TOPIC,
              name: topic,
              configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
            },
          ],
        });
      }),

    listGroups: () =>
      mapped(async () =>
        (await admin.listGroups()).groups.map(({ groupId, protocolType }) => ({ groupId, protocolType })),
      ),

    describeGroups: (groupIds) =>
      mapped(async () =>
        (await admin.describeGroups(groupIds)).groups.map((group) => ({
          groupId: group.groupId,
          state: group.state,
          protocolType: group.protocolType,
          protocol: group.protocol,
          members: group.members.map(decodeMember(group.protocolType)),
        })),
      ),

    committedOffsets: (groupId) =>
      mapped(async () =>
        (await admin.fetchOffsets({ groupId })).flatMap(({ topic, partitions }) =>
          partitions.map(({ partition, offset }) => ({
            topic,
            partition,
            offset: BigInt(offset) >= 0n ? offset : null,
          })),
        ),
      ),

    deleteGroup: async (groupId) => {
      try {
        await admin.deleteGroups([groupId]);
      } catch (error) {
        const failure = fromKafkaError(error);
        if (failure instanceof GroupNotEmptyError) {
          throw new GroupNotEmptyError(`consumer group ${groupId} has active members`, { cause: error });
        }
        if (failure instanceof GroupNotFoundError) {
          throw new GroupNotFoundError(`consumer group ${groupId} not found`, { cause: error });
        }
        throw failure;
      }
    },

    commitIdleGroupOffsets: (groupId, topic, partitions) =>
      mapped(() => connection.commitIdleGroupOffsets(groupId, topic, partitions)),
  };
}

function plainPartition(partition: {
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas?: number[];
}): PartitionMetadata {
  return {
    partitionId: partition.partitionId,
    leader: partition.leader,
    replicas: partition.replicas,
    isr: partition.isr,
    offlineReplicas: partition.offlineReplicas ?? [],
  };
}
