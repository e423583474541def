/**
 * Kafka's administration calls in plain types of ours: the admin API (src/shared/admin) and the health
 * check use these and never see the client library (kafkajs-admin.ts implements them over kafkajs).
 *
 * Every failure leaves as a {@link ServiceError} (see errors.ts). A "topic not found" that no request about
 * that very topic confirmed means the admin's metadata names a topic someone else deleted (see
 * {@link KafkaConnection}): {@link KafkaAdmin.run} then replaces the admin and runs the operation once more
 * (stale.ts, the one recovery from stale client state).
 */
import type { ServiceError } from '../errors.js';
import { logger } from '../logger.js';
import type { KafkaConnection } from './client.js';
import { withDeadline } from './deadline.js';
import { fromKafkaError } from './errors.js';
import type { PartitionOffset } from './group-offsets.js';
import { kafkajsAdminOperations } from './kafkajs-admin.js';
import { isStaleAdminAnswer, recoverStaleState } from './stale.js';

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
  /** The topic's configs (only `configNames` when given), synonyms left out. */
  topicConfigs(topic: string, configNames?: string[]): Promise<ConfigDescription[]>;
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
    return recoverStaleState({
      deadline,
      attempt: async () => {
        try {
          const admin = await withDeadline(this.connection.admin(), deadline);
          return await withDeadline(
            operation(kafkajsAdminOperations(admin, this.connection, deadline)),
            deadline,
          );
        } catch (error) {
          throw fromKafkaError(error);
        }
      },
      isStale: (outcome) => !outcome.ok && isStaleAdminAnswer(outcome.error),
      refresh: (outcome) => {
        const error = outcome.ok ? undefined : (outcome.error as ServiceError);
        logger.warn('admin metadata names a deleted topic; reconnecting', { error: error?.message });
        // The old admin is disconnected in the background: that must not hold the caller.
        this.connection.resetAdmin();
      },
    });
  }
}
