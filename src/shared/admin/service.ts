/**
 * The administration API: cluster, topics, topic configs and consumer groups, over the connection's
 * kafkajs Admin. Checks what can be checked before asking Kafka (names, internal topics, the deletion
 * switch, partition counts, offset ranges) so callers get precise 4xx answers; whatever Kafka itself
 * refuses is mapped by fromKafkaError.
 */
import type { Admin, GroupDescription, PartitionMetadata } from 'kafkajs';
import {
  type ErrorDetail,
  GroupNotEmptyError,
  GroupNotFoundError,
  InternalTopicError,
  InvalidOffsetError,
  InvalidPartitionCountError,
  PartitionNotFoundError,
  ServiceError,
  TopicDeletionDisabledError,
  TopicExistsError,
  TopicNotFoundError,
} from '../errors.js';
import { fieldName, parseWith } from '../http/request.js';
import { epochMillis } from '../http/schema.js';
import type { KafkaConnection } from '../kafka/client.js';
import { withDeadline } from '../kafka/deadline.js';
import { fromKafkaError } from '../kafka/errors.js';
import { AssignerProtocol, ConfigResourceTypes } from '../kafka/kafkajs.js';
import { logger } from '../logger.js';
import type { AdminConfig } from './config.js';
import { currentOverrides, type DescribedConfig, mergeOverrides, toConfigEntry } from './configs.js';
import { lagSummary, type PartitionPosition, partitionLag } from './lag.js';
import {
  adminRequestSchemas,
  type ClusterResponse,
  type ConfigEntry,
  type GroupDetail,
  GroupId,
  type GroupMember,
  type GroupSummary,
  PatchConfigsRequest,
  type ResetOffsetsResponse,
  type TopicConfigsResponse,
  type TopicDetail,
  TopicName,
  type TopicSummary,
  type ValidatedTopic,
} from './schema.js';

/** Kafka's internal topics (__consumer_offsets, __transaction_state, ...) all start with "__". */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

export type CreateTopicOutcome = { status: 201; body: TopicDetail } | { status: 200; body: ValidatedTopic };

function detail(path: (string | number)[], message: string): ErrorDetail {
  return { field: fieldName(path), path, message };
}

/** Groups that may have their offsets changed: nobody is consuming. */
const IDLE_STATES = new Set(['Empty', 'Dead']);

export class AdminService {
  private readonly requests;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly config: Readonly<AdminConfig>,
  ) {
    this.requests = adminRequestSchemas(config.maxPartitions);
  }

  get maxBodyBytes(): number {
    return this.config.maxBodyBytes;
  }

  /** Validates a `{topic}` path parameter against Kafka's rules. */
  topicName(topic: unknown): string {
    return parseWith(TopicName, topic, ['topic']);
  }

  /** Validates a `{group}` path parameter. */
  groupId(group: unknown): string {
    return parseWith(GroupId, group, ['group']);
  }

  /**
   * One deadline for all the Kafka calls of a request; every failure leaves as a ServiceError. A "topic
   * not found" that no request of ours confirmed means the admin's metadata names a topic someone deleted
   * (see KafkaConnection.resetAdmin): replace the admin and try once more.
   */
  private async withAdmin<T>(operation: (admin: Admin) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.config.timeoutMs;
    const attempt = async () => {
      try {
        const admin = await withDeadline(this.connection.admin(), deadline);
        return await withDeadline(operation(admin), deadline);
      } catch (error) {
        throw fromKafkaError(error);
      }
    };
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof TopicNotFoundError) || confirmedMissing.has(error)) throw error;
      logger.warn('admin metadata names a deleted topic; reconnecting', { error: error.message });
      // The old admin is disconnected in the background: that must not hold the caller.
      this.connection.resetAdmin();
      return attempt();
    }
  }

  private writableTopic(topic: unknown): string {
    const name = this.topicName(topic);
    if (isInternalTopic(name)) {
      throw new InternalTopicError(
        `${name} is a Kafka-internal topic; it cannot be changed through this API`,
        {
          details: [detail(['topic'], 'starts with "__"')],
        },
      );
    }
    return name;
  }

  // ---- Cluster

  async cluster(): Promise<ClusterResponse> {
    return this.withAdmin(async (admin) => {
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
    });
  }

  // ---- Topics

  async listTopics(includeInternal: boolean): Promise<TopicSummary[]> {
    return this.withAdmin(async (admin) => {
      const { topics } = await admin.fetchTopicMetadata();
      return topics
        .filter((topic) => includeInternal || !isInternalTopic(topic.name))
        .map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.length,
          replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
          internal: isInternalTopic(topic.name),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  async createTopic(body: unknown): Promise<CreateTopicOutcome> {
    const request = parseWith(this.requests.CreateTopicRequest, body);
    if (isInternalTopic(request.name)) {
      throw new InternalTopicError('names starting with "__" are reserved for Kafka-internal topics', {
        details: [detail(['name'], 'starts with "__"')],
      });
    }
    const created = await this.withAdmin(async (admin) => {
      const defaults =
        request.partitions === undefined || request.replicationFactor === undefined
          ? await brokerTopicDefaults(admin)
          : undefined;
      const partitions = request.partitions ?? defaults?.partitions ?? 1;
      const replicationFactor = request.replicationFactor ?? defaults?.replicationFactor ?? 1;
      const done = await admin.createTopics({
        validateOnly: request.validateOnly,
        waitForLeaders: !request.validateOnly,
        topics: [
          {
            topic: request.name,
            numPartitions: partitions,
            replicationFactor,
            configEntries: Object.entries(request.configs).map(([name, value]) => ({ name, value })),
          },
        ],
      });
      // kafkajs answers false (instead of throwing) when the only error is TOPIC_ALREADY_EXISTS.
      if (!done) throw new TopicExistsError(`topic ${request.name} already exists`);
      return { partitions, replicationFactor };
    });
    if (request.validateOnly) {
      return {
        status: 200,
        body: { name: request.name, ...created, configs: request.configs, validateOnly: true },
      };
    }
    return { status: 201, body: await this.describeNewTopic(request.name) };
  }

  /**
   * The topic this request just created, described without asking its partition leaders: a new topic's
   * logs are empty (offsets 0), and after a large creation the broker may take many seconds to bring every
   * partition's log up, answering ListOffsets with NOT_LEADER_OR_FOLLOWER meanwhile. The topic exists, so
   * a 503 here would invite a retry that gets 409.
   */
  private async describeNewTopic(name: string): Promise<TopicDetail> {
    return this.withAdmin(async (admin) =>
      topicDetail(name, await topicPartitions(admin, name), [], await topicConfigs(admin, name)),
    );
  }

  async describeTopic(topic: unknown): Promise<TopicDetail> {
    const name = this.topicName(topic);
    return this.withAdmin(async (admin) => {
      const partitions = await topicPartitions(admin, name);
      const offsets = await admin.fetchTopicOffsets(name);
      return topicDetail(name, partitions, offsets, await topicConfigs(admin, name));
    });
  }

  async deleteTopic(topic: unknown): Promise<void> {
    const name = this.writableTopic(topic);
    if (!this.config.allowTopicDeletion) {
      throw new TopicDeletionDisabledError('topic deletion is switched off for this stage');
    }
    await this.withAdmin(async (admin) => {
      // A quick 404: kafkajs retries deletions of unknown topics before giving up.
      await topicPartitions(admin, name);
      await admin.deleteTopics({ topics: [name] });
    });
  }

  async addPartitions(topic: unknown, body: unknown): Promise<TopicSummary> {
    const name = this.writableTopic(topic);
    const { count } = parseWith(this.requests.AddPartitionsRequest, body);
    return this.withAdmin(async (admin) => {
      const partitions = await topicPartitions(admin, name);
      if (count <= partitions.length) {
        throw new InvalidPartitionCountError(
          `topic ${name} has ${partitions.length} partitions; the count can only grow`,
          { details: [detail(['count'], `must be larger than ${partitions.length}`)] },
        );
      }
      await admin.createPartitions({ topicPartitions: [{ topic: name, count }] });
      return {
        name,
        partitions: count,
        replicationFactor: partitions[0]?.replicas.length ?? 0,
        internal: false,
      };
    });
  }

  // ---- Topic configs

  async topicConfigs(topic: unknown): Promise<TopicConfigsResponse> {
    const name = this.topicName(topic);
    return this.withAdmin(async (admin) => ({ topic: name, configs: await topicConfigs(admin, name) }));
  }

  /**
   * Incremental semantics on top of kafkajs' AlterConfigs, which replaces the topic's whole set of dynamic
   * configs (kafkajs has no IncrementalAlterConfigs, KIP-339): read the current overrides, merge, write
   * them all back. Not atomic: two concurrent PATCHes of one topic can lose one's changes.
   */
  async patchTopicConfigs(topic: unknown, body: unknown): Promise<TopicConfigsResponse> {
    const name = this.writableTopic(topic);
    const patch = parseWith(PatchConfigsRequest, body);
    return this.withAdmin(async (admin) => {
      const merged = mergeOverrides(currentOverrides(await topicConfigs(admin, name)), patch);
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name,
            configEntries: Object.entries(merged).map(([configName, value]) => ({ name: configName, value })),
          },
        ],
      });
      return { topic: name, configs: await topicConfigs(admin, name) };
    });
  }

  // ---- Consumer groups

  async listGroups(): Promise<GroupSummary[]> {
    return this.withAdmin(async (admin) => {
      const { groups } = await admin.listGroups();
      if (groups.length === 0) return [];
      const { groups: described } = await admin.describeGroups(groups.map((group) => group.groupId));
      const byId = new Map(described.map((group) => [group.groupId, group]));
      return groups
        .map(({ groupId, protocolType }) => {
          const description = byId.get(groupId);
          return {
            id: groupId,
            state: description?.state ?? 'Unknown',
            protocolType: description?.protocolType || protocolType,
            members: description?.members.length ?? 0,
          };
        })
        .sort((a, b) => a.id.localeCompare(b.id));
    });
  }

  async describeGroup(group: unknown): Promise<GroupDetail> {
    const groupId = this.groupId(group);
    return this.withAdmin(async (admin) => {
      const description = await describeExistingGroup(admin, groupId);
      const members = description.members.map(decodeMember(description.protocolType));
      const owner = new Map<string, string>();
      for (const member of members) {
        for (const { topic, partitions } of member.assignments) {
          for (const partition of partitions) owner.set(`${topic}:${partition}`, member.memberId);
        }
      }

      const committed = new Map<string, string | null>();
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        for (const { partition, offset } of partitions) {
          committed.set(`${topic}:${partition}`, BigInt(offset) >= 0n ? offset : null);
        }
      }
      const keys = [...new Set([...committed.keys(), ...owner.keys()])];
      const topics = [...new Set(keys.map((key) => key.slice(0, key.lastIndexOf(':'))))];
      const logEnds = new Map<string, string>();
      for (const topic of topics) {
        for (const { partition, high } of await logEndOffsets(admin, topic)) {
          logEnds.set(`${topic}:${partition}`, high);
        }
      }

      const positions: PartitionPosition[] = keys.map((key) => {
        const separator = key.lastIndexOf(':');
        return {
          topic: key.slice(0, separator),
          partition: Number(key.slice(separator + 1)),
          committed: committed.get(key) ?? null,
          logEnd: logEnds.get(key) ?? null,
          memberId: owner.get(key) ?? null,
        };
      });
      const partitions = positions
        .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
        .map(partitionLag);
      return {
        id: groupId,
        state: description.state,
        protocolType: description.protocolType,
        protocol: description.protocol,
        members,
        partitions,
        lag: lagSummary(partitions),
      };
    });
  }

  async resetOffsets(group: unknown, body: unknown): Promise<ResetOffsetsResponse> {
    const groupId = this.groupId(group);
    const request = parseWith(this.requests.ResetOffsetsRequest, body);
    const { topic, to } = request;
    return this.withAdmin(async (admin) => {
      const [description] = (await admin.describeGroups([groupId])).groups;
      if (description && !IDLE_STATES.has(description.state)) throw notEmpty(groupId, description);

      await topicPartitions(admin, topic);
      const ranges = await admin.fetchTopicOffsets(topic);
      let targets: { partition: number; offset: string }[];
      if (to === 'earliest' || to === 'latest') {
        targets = ranges.map(({ partition, low, high }) => ({
          partition,
          offset: to === 'earliest' ? low : high,
        }));
      } else if ('timestamp' in to) {
        targets = (await admin.fetchTopicOffsetsByTimestamp(topic, epochMillis(to.timestamp))).map(
          ({ partition, offset }) => ({
            partition,
            offset,
          }),
        );
      } else {
        targets = checkOffsets(topic, to.offsets, ranges);
      }
      targets.sort((a, b) => a.partition - b.partition);
      // One OffsetCommit that the coordinator refuses if a member joined since the check above.
      await this.connection.commitIdleGroupOffsets(groupId, topic, targets);
      return { group: groupId, topic, partitions: targets };
    });
  }

  async deleteGroup(group: unknown): Promise<void> {
    const groupId = this.groupId(group);
    await this.withAdmin(async (admin) => {
      try {
        await admin.deleteGroups([groupId]);
      } catch (error) {
        const mapped = fromKafkaError(error);
        if (mapped instanceof GroupNotEmptyError) {
          throw new GroupNotEmptyError(`consumer group ${groupId} has active members`, { cause: error });
        }
        if (mapped instanceof GroupNotFoundError) {
          throw new GroupNotFoundError(`consumer group ${groupId} not found`, { cause: error });
        }
        throw mapped;
      }
    });
  }
}

// ---- Helpers over the kafkajs Admin

async function topicPartitions(admin: Admin, name: string) {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
    const topic = topics.find((candidate) => candidate.name === name);
    if (!topic) throw new TopicNotFoundError(`topic ${name}`);
    return topic.partitions;
  } catch (error) {
    throw withTopic(error, name);
  }
}

/** A topic's detail; partitions missing from `offsets` have empty logs (offsets 0). */
function topicDetail(
  name: string,
  partitions: PartitionMetadata[],
  offsets: { partition: number; low: string; high: string }[],
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
        offlineReplicas: partition.offlineReplicas ?? [],
        earliestOffset: byPartition.get(partition.partitionId)?.low ?? '0',
        latestOffset: byPartition.get(partition.partitionId)?.high ?? '0',
      }))
      .sort((a, b) => a.partition - b.partition),
    configs,
  };
}

/** 404s that a request about that very topic confirmed (not a stale admin's). */
const confirmedMissing = new WeakSet<ServiceError>();

/** Names the topic in a confirmed 404 (Kafka's UNKNOWN_TOPIC_OR_PARTITION does not). */
function withTopic(error: unknown, name: string): unknown {
  const mapped = fromKafkaError(error);
  if (!(mapped instanceof TopicNotFoundError)) return mapped;
  const missing = new TopicNotFoundError(`topic ${name} not found`, { cause: error });
  confirmedMissing.add(missing);
  return missing;
}

async function topicConfigs(admin: Admin, name: string): Promise<ConfigEntry[]> {
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name }],
    });
    const entries = (resources[0]?.configEntries ?? []) as DescribedConfig[];
    return entries.map(toConfigEntry).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    throw withTopic(error, name);
  }
}

/** The log-end offsets of a topic, or none when it no longer exists (a group may outlive its topics). */
async function logEndOffsets(admin: Admin, topic: string) {
  try {
    return await admin.fetchTopicOffsets(topic);
  } catch (error) {
    if (!(fromKafkaError(error) instanceof TopicNotFoundError)) throw error;
    // Gone indeed, or a stale admin (then the original error leads withAdmin to reconnect).
    try {
      await topicPartitions(admin, topic);
    } catch (missing) {
      if (missing instanceof ServiceError && confirmedMissing.has(missing)) return [];
    }
    throw error;
  }
}

async function brokerConfigs(admin: Admin, brokerIds: number[], configNames: string[]) {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: brokerIds.map((id) => ({ type: ConfigResourceTypes.BROKER, name: String(id), configNames })),
  });
  return new Map(
    resources.map((resource) => [
      Number(resource.resourceName),
      new Map(resource.configEntries.map((entry) => [entry.configName, entry.configValue || null])),
    ]),
  );
}

/** Each broker's `broker.rack`; the cluster answer does not carry it through kafkajs. */
async function brokerRacks(admin: Admin, brokerIds: number[]): Promise<Map<number, string | null>> {
  try {
    const configs = await brokerConfigs(admin, brokerIds, ['broker.rack']);
    return new Map(brokerIds.map((id) => [id, configs.get(id)?.get('broker.rack') ?? null]));
  } catch (error) {
    // Racks are informative only; a principal without DescribeConfigs on brokers still sees the cluster.
    logger.warn('broker racks unavailable', { error: fromKafkaError(error).code });
    return new Map();
  }
}

/** The defaults Kafka would apply itself (CreateTopics v4+, which kafkajs does not speak, accepts -1). */
async function brokerTopicDefaults(admin: Admin) {
  const cluster = await admin.describeCluster();
  const brokerId = cluster.controller ?? cluster.brokers[0]?.nodeId;
  if (brokerId === undefined) return undefined;
  const configs = (
    await brokerConfigs(admin, [brokerId], ['num.partitions', 'default.replication.factor'])
  ).get(brokerId);
  const number = (name: string) => {
    const value = Number(configs?.get(name));
    return Number.isInteger(value) && value > 0 ? value : undefined;
  };
  return { partitions: number('num.partitions'), replicationFactor: number('default.replication.factor') };
}

async function describeExistingGroup(admin: Admin, groupId: string): Promise<GroupDescription> {
  const [description] = (await admin.describeGroups([groupId])).groups;
  // Kafka describes an unknown group as "Dead" with no members.
  if (!description || description.state === 'Dead') {
    throw new GroupNotFoundError(`consumer group ${groupId} not found`);
  }
  return description;
}

function notEmpty(groupId: string, description: GroupDescription): ServiceError {
  return new GroupNotEmptyError(
    `consumer group ${groupId} has ${description.members.length} active member(s) (state ${description.state}); stop them first`,
  );
}

/** Members' assignments, decoded from the consumer protocol (other protocol types are opaque bytes). */
function decodeMember(protocolType: string) {
  return (member: GroupDescription['members'][number]): GroupMember => {
    let assignments: GroupMember['assignments'] = [];
    if (protocolType === 'consumer' && member.memberAssignment.length > 0) {
      const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      assignments = Object.entries(decoded?.assignment ?? {})
        .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
        .sort((a, b) => a.topic.localeCompare(b.topic));
    }
    return { memberId: member.memberId, clientId: member.clientId, host: member.clientHost, assignments };
  };
}

function checkOffsets(
  topic: string,
  offsets: { partition: number; offset: string }[],
  ranges: { partition: number; low: string; high: string }[],
) {
  const byPartition = new Map(ranges.map((range) => [range.partition, range]));
  const missing: ErrorDetail[] = [];
  const outside: ErrorDetail[] = [];
  offsets.forEach(({ partition, offset }, index) => {
    const range = byPartition.get(partition);
    if (!range) {
      missing.push(
        detail(['to', 'offsets', index, 'partition'], `topic ${topic} has partitions 0-${ranges.length - 1}`),
      );
    } else if (BigInt(offset) < BigInt(range.low) || BigInt(offset) > BigInt(range.high)) {
      outside.push(
        detail(
          ['to', 'offsets', index, 'offset'],
          `partition ${partition} holds offsets ${range.low}-${range.high}`,
        ),
      );
    }
  });
  if (missing.length > 0) {
    throw new PartitionNotFoundError(`partition out of range for topic ${topic}`, { details: missing });
  }
  if (outside.length > 0) {
    throw new InvalidOffsetError(`offset outside the log of topic ${topic}`, { details: outside });
  }
  return offsets.map(({ partition, offset }) => ({ partition, offset }));
}
