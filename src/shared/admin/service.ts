/**
 * The administration API's operations: cluster, topics, topic configs and consumer groups. Input is
 * typed and already validated (the handler parses it with schema.ts); results are the API's response
 * shapes, and every failure is a ServiceError: the rules of rules.ts first, then whatever Kafka refuses
 * (mapped by the Kafka boundary, src/shared/kafka/admin.ts).
 */
import { TopicDeletionDisabledError } from '../errors.js';
import type { AdminOperations, KafkaAdmin } from '../kafka/admin.js';
import type { AdminConfig } from './config.js';
import { currentOverrides, mergeOverrides } from './configs.js';
import { describeGroup, listGroups, resetTargets } from './groups.js';
import { assertCreatableTopic, assertIdleGroup, assertPartitionsGrow, assertWritableTopic } from './rules.js';
import type {
  AddPartitionsRequest,
  ClusterResponse,
  CreateTopicRequest,
  GroupDetail,
  GroupSummary,
  PatchConfigsRequest,
  ResetOffsetsRequest,
  ResetOffsetsResponse,
  TopicConfigsResponse,
  TopicDetail,
  TopicSummary,
  ValidatedTopic,
} from './schema.js';
import {
  brokerTopicDefaults,
  describeCluster,
  describeNewTopic,
  describeTopic,
  listTopics,
  topicConfigEntries,
} from './topics.js';

/** What creating a topic did: created it, or (`validateOnly`) only had the broker check the request. */
export type CreateTopicResult =
  | { created: true; topic: TopicDetail }
  | { created: false; topic: ValidatedTopic };

/**
 * One per container (src/shared/container.ts). Each call runs under one deadline of ADMIN_TIMEOUT_MS for
 * all its Kafka requests.
 */
export class AdminService {
  constructor(
    private readonly kafka: Pick<KafkaAdmin, 'run'>,
    private readonly config: Readonly<AdminConfig>,
  ) {}

  /** ADMIN_MAX_BODY_BYTES: the largest request body the routes read, in bytes. */
  get maxBodyBytes(): number {
    return this.config.maxBodyBytes;
  }

  /** ADMIN_MAX_PARTITIONS: the most partitions a topic may be created with or grown to. */
  get maxPartitions(): number {
    return this.config.maxPartitions;
  }

  private run<T>(operation: (admin: AdminOperations) => Promise<T>): Promise<T> {
    return this.kafka.run(this.config.timeoutMs, operation);
  }

  /** Cluster id, controller and brokers. */
  cluster(): Promise<ClusterResponse> {
    return this.run(describeCluster);
  }

  /** Topics by name; Kafka-internal ones (`__` prefix) only with `includeInternal`. */
  listTopics(includeInternal: boolean): Promise<TopicSummary[]> {
    return this.run((admin) => listTopics(admin, includeInternal));
  }

  /**
   * Creates a topic, with the broker's defaults for an absent partition count or replication factor.
   * InternalTopicError for a `__` name, TopicExistsError, or what Kafka refuses (InvalidTopicConfigError, ...).
   */
  async createTopic(request: CreateTopicRequest): Promise<CreateTopicResult> {
    assertCreatableTopic(request.name);
    const created = await this.run(async (admin) => {
      const defaults =
        request.partitions === undefined || request.replicationFactor === undefined
          ? await brokerTopicDefaults(admin)
          : undefined;
      const partitions = request.partitions ?? defaults?.partitions ?? 1;
      const replicationFactor = request.replicationFactor ?? defaults?.replicationFactor ?? 1;
      await admin.createTopic({
        name: request.name,
        partitions,
        replicationFactor,
        configs: request.configs,
        validateOnly: request.validateOnly,
      });
      return { partitions, replicationFactor };
    });
    if (request.validateOnly) {
      return {
        created: false,
        topic: { name: request.name, ...created, configs: request.configs, validateOnly: true },
      };
    }
    return { created: true, topic: await this.run((admin) => describeNewTopic(admin, request.name)) };
  }

  /** Partitions, offsets and configs of a topic; TopicNotFoundError when it does not exist. */
  describeTopic(name: string): Promise<TopicDetail> {
    return this.run((admin) => describeTopic(admin, name));
  }

  /**
   * Deletes a topic. InternalTopicError for a `__` topic, TopicDeletionDisabledError unless
   * ADMIN_ALLOW_TOPIC_DELETION, TopicNotFoundError when it does not exist.
   */
  async deleteTopic(name: string): Promise<void> {
    assertWritableTopic(name);
    if (!this.config.allowTopicDeletion) {
      throw new TopicDeletionDisabledError('topic deletion is switched off for this stage');
    }
    await this.run(async (admin) => {
      // A quick 404: kafkajs retries deletions of unknown topics before giving up.
      await admin.topicPartitions(name);
      await admin.deleteTopic(name);
    });
  }

  /** Grows a topic to `count` partitions; InvalidPartitionCountError unless that is more than today. */
  async addPartitions(name: string, { count }: AddPartitionsRequest): Promise<TopicSummary> {
    assertWritableTopic(name);
    return this.run(async (admin) => {
      const partitions = await admin.topicPartitions(name);
      assertPartitionsGrow(name, partitions.length, count);
      await admin.createPartitions(name, count);
      return {
        name,
        partitions: count,
        replicationFactor: partitions[0]?.replicas.length ?? 0,
        internal: false,
      };
    });
  }

  /** Every config of a topic and where its value comes from. */
  topicConfigs(name: string): Promise<TopicConfigsResponse> {
    return this.run(async (admin) => ({ topic: name, configs: await topicConfigEntries(admin, name) }));
  }

  /**
   * Incremental semantics on top of AlterConfigs, which replaces the topic's whole set of dynamic configs:
   * read the current overrides, merge, write them all back. Not atomic: two concurrent PATCHes of one topic
   * can lose one's changes. ConfigNotReadableError when a sensitive override could not be written back.
   */
  async patchTopicConfigs(name: string, patch: PatchConfigsRequest): Promise<TopicConfigsResponse> {
    assertWritableTopic(name);
    return this.run(async (admin) => {
      const merged = mergeOverrides(currentOverrides(await topicConfigEntries(admin, name)), patch);
      await admin.replaceTopicConfigs(name, merged);
      return { topic: name, configs: await topicConfigEntries(admin, name) };
    });
  }

  /** Consumer groups with state, protocol type and member count. */
  listGroups(): Promise<GroupSummary[]> {
    return this.run(listGroups);
  }

  /** Members, committed offsets and lag of a group; GroupNotFoundError when it does not exist. */
  describeGroup(groupId: string): Promise<GroupDetail> {
    return this.run((admin) => describeGroup(admin, groupId));
  }

  /**
   * Sets a group's committed offsets on a topic. GroupNotEmptyError while the group has active members
   * (checked first, and again by the coordinator, which refuses the commit if a member joined since).
   */
  async resetOffsets(groupId: string, request: ResetOffsetsRequest): Promise<ResetOffsetsResponse> {
    return this.run(async (admin) => {
      const [description] = await admin.describeGroups([groupId]);
      assertIdleGroup(groupId, description);
      const targets = await resetTargets(admin, request);
      await admin.commitIdleGroupOffsets(groupId, request.topic, targets);
      return { group: groupId, topic: request.topic, partitions: targets };
    });
  }

  /** Deletes a group with no active members; GroupNotEmptyError or GroupNotFoundError otherwise. */
  async deleteGroup(groupId: string): Promise<void> {
    await this.run((admin) => admin.deleteGroup(groupId));
  }
}
