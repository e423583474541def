/** ListOffsets (key 2): earliest (-2), latest (-1), max-timestamp (-3) or first-at-timestamp offsets. */
import { api, t } from '../schema.js';

export const ListOffsets = api({
  key: 2,
  name: 'ListOffsets',
  min: 1,
  max: 7,
  firstFlexible: 6,
  request: t.struct({
    replicaId: t.int32(),
    isolationLevel: t.int8('2+'),
    topics: t.array(
      t.struct({
        name: t.string(),
        partitions: t.array(
          t.struct({
            partitionIndex: t.int32(),
            currentLeaderEpoch: t.int32('4+', -1),
            timestamp: t.int64(),
          }),
        ),
      }),
    ),
  }),
  response: t.struct({
    throttleTimeMs: t.int32('2+'),
    topics: t.array(
      t.struct({
        name: t.string(),
        partitions: t.array(
          t.struct({
            partitionIndex: t.int32(),
            errorCode: t.int16(),
            timestamp: t.int64('1+', -1),
            offset: t.int64('1+', -1),
            leaderEpoch: t.int32('4+', -1),
          }),
        ),
      }),
    ),
  }),
});
