/** Produce (key 0): record batches (v2, KIP-98) appended to partitions. */
import { api, t } from '../schema.js';

export const Produce = api({
  key: 0,
  name: 'Produce',
  // v0-2 carry the legacy message sets (magic 0 and 1) that Kafka 4 no longer accepts.
  min: 3,
  max: 9,
  firstFlexible: 9,
  request: t.struct({
    transactionalId: t.nullableString('3+'),
    acks: t.int16(),
    timeoutMs: t.int32(),
    topicData: t.array(
      t.struct({
        name: t.string(),
        partitionData: t.array(t.struct({ index: t.int32(), records: t.records() })),
      }),
    ),
  }),
  response: t.struct({
    responses: t.array(
      t.struct({
        name: t.string(),
        partitionResponses: t.array(
          t.struct({
            index: t.int32(),
            errorCode: t.int16(),
            baseOffset: t.int64(),
            logAppendTimeMs: t.int64('2+', -1),
            logStartOffset: t.int64('5+', -1),
            recordErrors: t.array(
              t.struct({ batchIndex: t.int32('8+'), batchIndexErrorMessage: t.nullableString('8+') }),
              '8+',
            ),
            errorMessage: t.nullableString('8+'),
          }),
        ),
      }),
    ),
    throttleTimeMs: t.int32('1+'),
  }),
});
