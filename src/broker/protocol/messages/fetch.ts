/** Fetch (key 1): record batches from given offsets, long-polling for minBytes up to maxWaitMs. */
import { api, t } from '../schema.js';

export const Fetch = api({
  key: 1,
  name: 'Fetch',
  // v13+ name topics by id only; v0-3 are gone from Kafka 4.
  min: 4,
  max: 12,
  firstFlexible: 12,
  request: t.struct({
    replicaId: t.int32('0-14', -1),
    maxWaitMs: t.int32(),
    minBytes: t.int32(),
    maxBytes: t.int32('3+', 0x7fffffff),
    isolationLevel: t.int8('4+'),
    sessionId: t.int32('7+'),
    sessionEpoch: t.int32('7+', -1),
    topics: t.array(
      t.struct({
        topic: t.string('0-12'),
        partitions: t.array(
          t.struct({
            partition: t.int32(),
            currentLeaderEpoch: t.int32('9+', -1),
            fetchOffset: t.int64(),
            lastFetchedEpoch: t.int32('12+', -1),
            logStartOffset: t.int64('5+', -1),
            partitionMaxBytes: t.int32(),
          }),
        ),
      }),
    ),
    forgottenTopicsData: t.array(
      t.struct({ topic: t.string('7-12'), partitions: t.array('int32', '7+') }),
      '7+',
    ),
    rackId: t.string('11+'),
  }),
  response: t.struct({
    throttleTimeMs: t.int32('1+'),
    errorCode: t.int16('7+'),
    sessionId: t.int32('7+'),
    responses: t.array(
      t.struct({
        topic: t.string('0-12'),
        partitions: t.array(
          t.struct({
            partitionIndex: t.int32(),
            errorCode: t.int16(),
            highWatermark: t.int64(),
            lastStableOffset: t.int64('4+', -1),
            logStartOffset: t.int64('5+', -1),
            abortedTransactions: t.nullableArray(
              t.struct({ producerId: t.int64('4+'), firstOffset: t.int64('4+') }),
              '4+',
            ),
            preferredReadReplica: t.int32('11+', -1),
            records: t.records(),
          }),
        ),
      }),
    ),
  }),
});
