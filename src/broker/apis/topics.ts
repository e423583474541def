/** CreateTopics, DeleteTopics, CreatePartitions and DeleteRecords, with Kafka's checks and messages. */
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { CreatePartitions, CreateTopics, DeleteRecords, DeleteTopics } from '../protocol/messages/topics.js';
import { describeTopicConfigs } from './configs.js';
import { handler, type RequestContext } from './handler.js';

const NO_TOPIC_ID = '00000000000000000000000000000000';

function duplicates(names: string[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of names) (seen.has(name) ? repeated : seen).add(name);
  return repeated;
}

function replicationError(factor: number): KafkaError {
  return new KafkaError(
    ErrorCode.INVALID_REPLICATION_FACTOR,
    `Unable to replicate the partition ${factor} time(s): The target replication factor of ${factor} cannot be reached because only 1 broker(s) are registered.`,
  );
}

export const createTopics = handler(CreateTopics, (request, { broker, clientId }: RequestContext) => {
  const repeated = duplicates(request.topics.map((t) => t.name));
  const topics = request.topics.map((creatable) => {
    const { name, assignments } = creatable;
    const failed = (error: KafkaError) => ({
      name,
      topicId: NO_TOPIC_ID,
      errorCode: error.code,
      errorMessage: error.message,
      numPartitions: -1,
      replicationFactor: -1,
      configs: null,
    });
    try {
      if (repeated.has(name)) {
        throw new KafkaError(
          ErrorCode.INVALID_REQUEST,
          `Create topics request from client \`${clientId}\` contains multiple entries for the following topics: ${name}`,
        );
      }
      let partitions = creatable.numPartitions;
      if (assignments.length > 0) {
        if (creatable.numPartitions !== -1 || creatable.replicationFactor !== -1) {
          throw new KafkaError(
            ErrorCode.INVALID_REQUEST,
            'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
          );
        }
        const indexes = assignments.map((a) => a.partitionIndex).sort((a, b) => a - b);
        if (indexes.some((p, i) => p !== i)) {
          throw new KafkaError(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            'Partitions should be a consecutive 0-based integer sequence',
          );
        }
        for (const a of assignments) {
          if (a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.settings.nodeId) {
            throw new KafkaError(
              ErrorCode.INVALID_REPLICA_ASSIGNMENT,
              `The manual partition assignment includes broker(s) other than the only broker ${broker.settings.nodeId}, or more than one replica.`,
            );
          }
        }
        partitions = assignments.length;
      } else {
        if (partitions === -1) partitions = broker.settings.numPartitions;
        if (creatable.replicationFactor !== -1 && creatable.replicationFactor !== 1) {
          if (creatable.replicationFactor <= 0) {
            throw new KafkaError(
              ErrorCode.INVALID_REPLICATION_FACTOR,
              'Replication factor must be larger than 0, or -1 to use the default value.',
            );
          }
          throw replicationError(creatable.replicationFactor);
        }
      }
      const overrides = broker.topics.validateCreate(name, partitions, creatable.configs);
      const topic = request.validateOnly ? undefined : broker.topics.create(name, partitions, overrides);
      const configs = describeTopicConfigs(overrides, null, false, false).map((c) => ({
        name: c.name,
        value: c.value,
        readOnly: c.readOnly,
        configSource: c.configSource,
        isSensitive: c.isSensitive,
      }));
      return {
        name,
        topicId: topic?.id ?? NO_TOPIC_ID,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        numPartitions: partitions,
        replicationFactor: 1,
        configs,
      };
    } catch (error) {
      if (error instanceof KafkaError) return failed(error);
      throw error;
    }
  });
  return { throttleTimeMs: 0, topics };
});

export const deleteTopics = handler(DeleteTopics, (request, { broker, version }) => {
  const wanted =
    version >= 6
      ? request.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
      : request.topicNames.map((name) => ({ name, topicId: NO_TOPIC_ID }));
  return {
    throttleTimeMs: 0,
    responses: wanted.map(({ name, topicId }) => {
      const topic = name !== null ? broker.topics.get(name) : broker.topics.byId(topicId);
      if (!topic) {
        return {
          name,
          topicId,
          errorCode: name !== null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID,
          errorMessage:
            name !== null
              ? 'This server does not host this topic-partition.'
              : 'This server does not host this topic ID.',
        };
      }
      broker.deleteTopic(topic.name);
      return { name: topic.name, topicId: topic.id, errorCode: ErrorCode.NONE, errorMessage: null };
    }),
  };
});

export const createPartitions = handler(CreatePartitions, (request, { broker }) => {
  const repeated = duplicates(request.topics.map((t) => t.name));
  return {
    throttleTimeMs: 0,
    results: request.topics.map(({ name, count, assignments }) => {
      const fail = (errorCode: number, errorMessage: string) => ({ name, errorCode, errorMessage });
      if (repeated.has(name)) return fail(ErrorCode.INVALID_REQUEST, 'Duplicate topic in request.');
      const topic = broker.topics.get(name);
      if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
      const current = topic.partitions.length;
      if (count === current)
        return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
      if (count < current) {
        return fail(
          ErrorCode.INVALID_PARTITIONS,
          `Topic currently has ${current} partitions, which is higher than the requested ${count}.`,
        );
      }
      if (assignments !== null) {
        if (assignments.length !== count - current) {
          return fail(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `Attempted to add ${count - current} additional partition(s), but only ${assignments.length} assignment(s) were specified.`,
          );
        }
        if (assignments.some((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.settings.nodeId)) {
          return fail(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `The manual partition assignment includes broker(s) other than ${broker.settings.nodeId}.`,
          );
        }
      }
      if (!request.validateOnly) broker.topics.addPartitions(topic, count);
      return { name, errorCode: ErrorCode.NONE, errorMessage: null };
    }),
  };
});

export const deleteRecords = handler(DeleteRecords, (request, { broker }) => ({
  throttleTimeMs: 0,
  topics: request.topics.map(({ name, partitions }) => ({
    name,
    partitions: partitions.map(({ partitionIndex, offset }) => {
      const log = broker.topics.get(name)?.partitions[partitionIndex];
      if (!log) return { partitionIndex, lowWatermark: -1, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      const target = offset === -1 ? log.highWatermark : offset;
      if (target < 0 || target > log.highWatermark) {
        return { partitionIndex, lowWatermark: -1, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
      }
      return { partitionIndex, lowWatermark: log.deleteRecordsBefore(target), errorCode: ErrorCode.NONE };
    }),
  })),
}));
