/** Committed group offsets: OffsetCommit (key 8) and OffsetFetch (key 9). */
import { api, t } from '../schema.js';

export const OffsetCommit = api({
  key: 8,
  name: 'OffsetCommit',
  // v0-1 (ZooKeeper-era commits) are gone from Kafka 4; v9 belongs to the KIP-848 consumer protocol.
  min: 2,
  max: 8,
  firstFlexible: 8,
  request: t.struct({
    groupId: t.string(),
    generationIdOrMemberEpoch: t.int32('1+', -1),
    memberId: t.string('1+'),
    groupInstanceId: t.nullableString('7+'),
    retentionTimeMs: t.int64('2-4', -1),
    topics: t.array(
      t.struct({
        name: t.string(),
        partitions: t.array(
          t.struct({
            partitionIndex: t.int32(),
            committedOffset: t.int64(),
            committedLeaderEpoch: t.int32('6+', -1),
            committedMetadata: t.nullableString(),
          }),
        ),
      }),
    ),
  }),
  response: t.struct({
    throttleTimeMs: t.int32('3+'),
    topics: t.array(
      t.struct({
        name: t.string(),
        partitions: t.array(t.struct({ partitionIndex: t.int32(), errorCode: t.int16() })),
      }),
    ),
  }),
});

export const OffsetFetch = api({
  key: 9,
  name: 'OffsetFetch',
  // v8+ batch several groups in one request (KIP-709); clients fall back to one group per request.
  min: 1,
  max: 7,
  firstFlexible: 6,
  request: t.struct({
    groupId: t.string(),
    // Null (v2+) asks for every partition the group has committed.
    topics: t.nullableArray(t.struct({ name: t.string(), partitionIndexes: t.array('int32') }), '0+', '2+'),
    requireStable: t.bool('7+'),
  }),
  response: t.struct({
    throttleTimeMs: t.int32('3+'),
    topics: t.array(
      t.struct({
        name: t.string(),
        partitions: t.array(
          t.struct({
            partitionIndex: t.int32(),
            committedOffset: t.int64(),
            committedLeaderEpoch: t.int32('5+', -1),
            metadata: t.nullableString(),
            errorCode: t.int16(),
          }),
        ),
      }),
    ),
    errorCode: t.int16('2+'),
  }),
});
