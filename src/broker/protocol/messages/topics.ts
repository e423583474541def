/** Topic administration: CreateTopics (19), DeleteTopics (20), CreatePartitions (37), DeleteRecords (21). */
import { api, t } from '../schema.js';

export const CreateTopics = api({
  key: 19,
  name: 'CreateTopics',
  min: 0,
  max: 7,
  firstFlexible: 5,
  request: t.struct({
    topics: t.array(
      t.struct({
        name: t.string(),
        numPartitions: t.int32(),
        replicationFactor: t.int16(),
        assignments: t.array(t.struct({ partitionIndex: t.int32(), brokerIds: t.array('int32') })),
        configs: t.array(t.struct({ name: t.string(), value: t.nullableString() })),
      }),
    ),
    timeoutMs: t.int32('0+', 60000),
    validateOnly: t.bool('1+'),
  }),
  response: t.struct({
    throttleTimeMs: t.int32('2+'),
    topics: t.array(
      t.struct({
        name: t.string(),
        topicId: t.uuid('7+'),
        errorCode: t.int16(),
        errorMessage: t.nullableString('1+'),
        numPartitions: t.int32('5+', -1),
        replicationFactor: t.int16('5+', -1),
        configs: t.nullableArray(
          t.struct({
            name: t.string('5+'),
            value: t.nullableString('5+'),
            readOnly: t.bool('5+'),
            configSource: t.int8('5+', -1),
            isSensitive: t.bool('5+'),
          }),
          '5+',
        ),
      }),
    ),
  }),
});

export const DeleteTopics = api({
  key: 20,
  name: 'DeleteTopics',
  min: 0,
  max: 6,
  firstFlexible: 4,
  request: t.struct({
    topics: t.array(t.struct({ name: t.nullableString('6+'), topicId: t.uuid('6+') }), '6+'),
    topicNames: t.array('string', '0-5'),
    timeoutMs: t.int32(),
  }),
  response: t.struct({
    throttleTimeMs: t.int32('1+'),
    responses: t.array(
      t.struct({
        name: t.nullableString('0+', '6+', ''),
        topicId: t.uuid('6+'),
        errorCode: t.int16(),
        errorMessage: t.nullableString('5+'),
      }),
    ),
  }),
});

export const CreatePartitions = api({
  key: 37,
  name: 'CreatePartitions',
  min: 0,
  max: 3,
  firstFlexible: 2,
  request: t.struct({
    topics: t.array(
      t.struct({
        name: t.string(),
        count: t.int32(),
        assignments: t.nullableArray(t.struct({ brokerIds: t.array('int32') })),
      }),
    ),
    timeoutMs: t.int32(),
    validateOnly: t.bool(),
  }),
  response: t.struct({
    throttleTimeMs: t.int32(),
    results: t.array(t.struct({ name: t.string(), errorCode: t.int16(), errorMessage: t.nullableString() })),
  }),
});

export const DeleteRecords = api({
  key: 21,
  name: 'DeleteRecords',
  min: 0,
  max: 2,
  firstFlexible: 2,
  request: t.struct({
    topics: t.array(
      t.struct({
        name: t.string(),
        partitions: t.array(t.struct({ partitionIndex: t.int32(), offset: t.int64() })),
      }),
    ),
    timeoutMs: t.int32(),
  }),
  response: t.struct({
    throttleTimeMs: t.int32(),
    topics: t.array(
      t.struct({
        name: t.string(),
        partitions: t.array(
          t.struct({ partitionIndex: t.int32(), lowWatermark: t.int64(), errorCode: t.int16() }),
        ),
      }),
    ),
  }),
});
