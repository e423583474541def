/** InitProducerId (key 22): a producer id and epoch for the idempotent producer (KIP-98). */
import { api, t } from '../schema.js';

export const InitProducerId = api({
  key: 22,
  name: 'InitProducerId',
  min: 0,
  max: 4,
  firstFlexible: 2,
  request: t.struct({
    transactionalId: t.nullableString(),
    transactionTimeoutMs: t.int32(),
    producerId: t.int64('3+', -1),
    producerEpoch: t.int16('3+', -1),
  }),
  response: t.struct({
    throttleTimeMs: t.int32(),
    errorCode: t.int16(),
    producerId: t.int64('0+', -1),
    producerEpoch: t.int16(),
  }),
});
