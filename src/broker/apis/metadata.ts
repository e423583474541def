/** Metadata: this single broker, the cluster id, and the requested (or every) topic with its partitions. */
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { Metadata } from '../protocol/messages/metadata.js';
import type { Topic } from '../state/topics.js';
import { handler } from './handler.js';

const NO_TOPIC_ID = '00000000000000000000000000000000';

export const metadata = handler(Metadata, (request, { broker, version }) => {
  const { nodeId, advertisedHost, advertisedPort, autoCreateTopics } = broker.settings;
  const describe = (topic: Topic) => ({
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.id,
    isInternal: topic.internal,
    partitions: topic.partitions.map((_, index) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: index,
      leaderId: nodeId,
      leaderEpoch: 0,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: -2147483648,
  });
  const failed = (name: string | null, errorCode: number, topicId = NO_TOPIC_ID) => ({
    errorCode,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: -2147483648,
  });

  const everything = request.topics === null || (version === 0 && request.topics.length === 0);
  const topics = everything
    ? broker.topics.all().map(describe)
    : (request.topics ?? []).map(({ name, topicId }) => {
        if (name === null) {
          const byId = broker.topics.byId(topicId);
          return byId ? describe(byId) : failed(null, ErrorCode.UNKNOWN_TOPIC_ID, topicId);
        }
        const topic = broker.topics.get(name);
        if (topic) return describe(topic);
        if (autoCreateTopics && request.allowAutoTopicCreation) {
          try {
            return describe(broker.autoCreate(name));
          } catch (error) {
            if (error instanceof KafkaError) return failed(name, error.code);
            throw error;
          }
        }
        return failed(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      });
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId, host: advertisedHost, port: advertisedPort, rack: null }],
    clusterId: broker.clusterId,
    controllerId: nodeId,
    topics,
    clusterAuthorizedOperations: -2147483648,
  };
});
