/**
 * Kafka's administration calls in plain types of ours, over the connection's kafkajs Admin: the admin API
 * (src/shared/admin) and the health check use these and never see the client library.
 *
 * Every failure leaves as a {@link ServiceError} (see errors.ts). A "topic not found" that no request about
 * that very topic confirmed means the admin's metadata names a topic someone else deleted (see
 * {@link KafkaConnection}): {@link KafkaAdmin.run} then replaces the admin and runs the operation once more.
 */
import type { Admin, GroupDescription as KafkajsGroupDescription } from 'kafkajs';
import {
  GroupNotEmptyError,
  GroupNotFoundError,
  type ServiceError,
  TopicExistsError,
  TopicNotFoundError,
} from '../errors.js';
import { logger } from '../logger.js';
import type { KafkaConnection } from './client.js';
import { withDeadline } from './deadline.js';
import { fromKafkaError } from './errors.js';
import type { PartitionOffset } from './group-offsets.js';
import { AssignerProtocol, ConfigResourceTypes } from './kafkajs.js';

export type { PartitionOffset };

/** A broker as the cluster's metadata lists it. */
export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
}

/** DescribeCluster: the cluster id, the active controller's node id (null when unknown), the brokers. */
export interface ClusterDescription {
  clusterId: string;
  controller: number | null;
  brokers: BrokerNode[];
}

/** One partition of a topic's metadata. Node ids; `leader` is -1 while the partition has none. */
export interface PartitionMetadata {
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicMetadata {
  name: string;
  partitions: PartitionMetadata[];
}

/** A partition's log start (`low`) and log end (`high`, the next offset written), as decimal strings. */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

/**
 * One config as DescribeConfigs reports it; `configSource` is Kafka's ConfigSource number
 * (https://kafka.apache.org/protocol#The_Messages_DescribeConfigs).
 */
export interface ConfigDescription {
  configName: string;
  configValue: string | null;
  configSource: number;
  isDefault: boolean;
  isSensitive: boolean;
  readOnly: boolean;
}

/** CreateTopics for one topic. `validateOnly`: the broker checks the request and creates nothing. */
export interface NewTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Readonly<Record<string, string>>;
  validateOnly: boolean;
}

export interface GroupListing {
  groupId: string;
  /** "consumer" for Kafka consumers, "" for groups that only hold committed offsets. */
  protocolType: string;
}

export interface GroupMemberDescription {
  memberId: string;
  clientId: string;
  host: string;
  /** Decoded from the consumer protocol; empty for other protocol types (their bytes are opaque). */
  assignments: { topic: string; partitions: number[] }[];
}

/** DescribeGroups for one group. Kafka describes an unknown group as state "Dead" with no members. */
export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  /** The assignor, e.g. RoundRobinAssigner. */
  protocol: string;
  members: GroupMemberDescription[];
}

/** A group's committed offset on one partition; null when it never committed there. */
export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: string | null;
}

/**
 * The administration calls, bound to one admin client and one deadline (see {@link KafkaAdmin.run}). Each
 * throws a {@link ServiceError}; a 404 for a topic names it.
 */
export interface AdminOperations {
  describeCluster(): Promise<ClusterDescription>;
  /** Broker id to config name to value (null when unset), for the names asked. */
  brokerConfigs(brokerIds: number[], configNames: string[]): Promise<Map<number, Map<string, string | null>>>;
  /** Every topic, internal ones included. */
  listTopics(): Promise<TopicMetadata[]>;
  /** The partitions of one topic; {@link TopicNotFoundError} when it does not exist. */
  topicPartitions(topic: string): Promise<PartitionMetadata[]>;
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** Like {@link topicOffsets}, but none when the topic no longer exists (a group may outlive its topics). */
  logEndOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** Per partition, the first offset whose timestamp is at or after `millis` (epoch ms), else the log end. */
  offsetsAtTimestamp(topic: string, millis: number): Promise<PartitionOffset[]>;
  /** The topic's configs, synonyms left out. */
  topicConfigs(topic: string): Promise<ConfigDescription[]>;
  /** Creates (or with `validateOnly` checks) a topic; {@link TopicExistsError} when it exists. */
  createTopic(topic: NewTopic): Promise<void>;
  deleteTopic(topic: string): Promise<void>;
  /** Grows the topic to `count` partitions in total. */
  createPartitions(topic: string, count: number): Promise<void>;
  /**
   * AlterConfigs: replaces the topic's whole set of dynamic configs with `configs` (kafkajs has no
   * IncrementalAlterConfigs, KIP-339).
   */
  replaceTopicConfigs(topic: string, configs: Readonly<Record<string, string>>): Promise<void>;
  listGroups(): Promise<GroupListing[]>;
  describeGroups(groupIds: string[]): Promise<GroupDescription[]>;
  committedOffsets(groupId: string): Promise<CommittedOffset[]>;
  /** {@link GroupNotEmptyError} while it has members, {@link GroupNotFoundError} when unknown. */
  deleteGroup(groupId: string): Promise<void>;
  /**
   * Sets the committed offsets of a group with no active members, in one OffsetCommit (group-offsets.ts);
   * {@link GroupNotEmptyError} when the group has members.
   */
  commitIdleGroupOffsets(groupId: string, topic: string, partitions: PartitionOffset[]): Promise<void>;
}

/** 404s that a request about that very topic confirmed (not a stale admin's). */
const confirmedMissing = new WeakSet<ServiceError>();

/** Names the topic in a confirmed 404 (Kafka's UNKNOWN_TOPIC_OR_PARTITION does not). */
function withTopic(error: unknown, name: string): ServiceError {
  const mapped = fromKafkaError(error);
  if (!(mapped instanceof TopicNotFoundError)) return mapped;
  const missing = new TopicNotFoundError(`topic ${name} not found`, { cause: error });
  confirmedMissing.add(missing);
  return missing;
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
function operations(admin: Admin, connection: KafkaConnection, deadline: number): AdminOperations {
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
        if (!(error instanceof TopicNotFoundError)) throw error;
        // Gone indeed, or a stale admin (then the unconfirmed 404 leads run() to reconnect).
        try {
          await topicPartitions(topic);
        } catch (missing) {
          if (missing instanceof TopicNotFoundError && confirmedMissing.has(missing)) return [];
        }
        throw error;
      }
    },

    offsetsAtTimestamp: (topic, millis) =>
      mapped(async () =>
        (await admin.fetchTopicOffsetsByTimestamp(topic, millis)).map(({ partition, offset }) => ({
          partition,
          offset,
        })),
      ),

    topicConfigs: async (topic) => {
      try {
        const { resources } = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
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
        throw withTopic(error, topic);
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

/**
 * The administration side of one {@link KafkaConnection}: created once per container, it shares the
 * connection's admin client with the record writer.
 */
export class KafkaAdmin {
  constructor(private readonly connection: KafkaConnection) {}

  /** KAFKA_REQUEST_TIMEOUT_MS: the bound of one Kafka request, in milliseconds. */
  get requestTimeoutMs(): number {
    return this.connection.config.requestTimeoutMs;
  }

  /**
   * Runs `operation` with one deadline, `timeoutMs` from now, for all its calls (then a
   * BrokerTimeoutError); throws only ServiceErrors. After an unconfirmed "topic not found" (a stale
   * admin), replaces the admin and runs `operation` once more within the same deadline.
   */
  async run<T>(timeoutMs: number, operation: (admin: AdminOperations) => Promise<T>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    const attempt = async () => {
      try {
        const admin = await withDeadline(this.connection.admin(), deadline);
        return await withDeadline(operation(operations(admin, this.connection, deadline)), deadline);
      } catch (error) {
        throw fromKafkaError(error);
      }
    };
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof TopicNotFoundError) || confirmedMissing.has(error)) throw error;
      logger.warn('admin metadata names a deleted topic; reconnecting', { error: error.message });
      // Bounded like the rest: disconnecting an admin that is mid-request must not hold the caller.
      await withDeadline(this.connection.resetAdmin(), deadline).catch(() => undefined);
      return attempt();
    }
  }
}
