/** InitProducerId: a fresh producer id (epoch 0) for each idempotent producer; no transactions. */
import { ErrorCode } from '../protocol/errors.js';
import { InitProducerId } from '../protocol/messages/init-producer-id.js';
import { handler } from './handler.js';

export const initProducerId = handler(InitProducerId, (request, { broker }) => {
  if (request.transactionalId !== null) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      producerId: -1,
      producerEpoch: -1,
    };
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    producerId: broker.newProducerId(),
    producerEpoch: 0,
  };
});
