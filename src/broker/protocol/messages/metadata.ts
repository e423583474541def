/** Metadata (key 3): brokers, cluster id, controller, topics and their partitions. */
import { api, t } from '../schema.js';

export const Metadata = api({
  key: 3,
  name: 'Metadata',
  min: 0,
  max: 12,
  firstFlexible: 9,
  request: t.struct({
    // Null (v1+) asks for every topic; in v0 an empty array does.
    topics: t.nullableArray(
      t.struct({ topicId: t.uuid('10+'), name: t.nullableString('0+', '10+', '') }),
      '0+',
      '1+',
    ),
    allowAutoTopicCreation: t.bool('4+', true),
    includeClusterAuthorizedOperations: t.bool('8-10'),
    includeTopicAuthorizedOperations: t.bool('8+'),
  }),
  response: t.struct({
    throttleTimeMs: t.int32('3+'),
    brokers: t.array(
      t.struct({ nodeId: t.int32(), host: t.string(), port: t.int32(), rack: t.nullableString('1+') }),
    ),
    clusterId: t.nullableString('2+'),
    controllerId: t.int32('1+', -1),
    topics: t.array(
      t.struct({
        errorCode: t.int16(),
        name: t.nullableString('0+', '12+', ''),
        topicId: t.uuid('10+'),
        isInternal: t.bool('1+'),
        partitions: t.array(
          t.struct({
            errorCode: t.int16(),
            partitionIndex: t.int32(),
            leaderId: t.int32(),
            leaderEpoch: t.int32('7+', -1),
            replicaNodes: t.array('int32'),
            isrNodes: t.array('int32'),
            offlineReplicas: t.array('int32', '5+'),
          }),
        ),
        topicAuthorizedOperations: t.int32('8+', -2147483648),
      }),
    ),
    clusterAuthorizedOperations: t.int32('8-10', -2147483648),
  }),
});
