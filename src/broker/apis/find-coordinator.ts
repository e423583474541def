/** FindCoordinator: this broker coordinates every group; transactions are not supported. */
import { ErrorCode } from '../protocol/errors.js';
import { FindCoordinator } from '../protocol/messages/find-coordinator.js';
import { handler } from './handler.js';

const GROUP = 0;

export const findCoordinator = handler(FindCoordinator, (request, { broker, version }) => {
  if (request.keyType === GROUP) broker.ensureOffsetsTopic();
  const { nodeId, advertisedHost, advertisedPort } = broker.settings;
  const answer = (key: string) =>
    request.keyType === GROUP
      ? {
          key,
          nodeId,
          host: advertisedHost,
          port: advertisedPort,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
        }
      : {
          key,
          nodeId: -1,
          host: '',
          port: -1,
          errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
          errorMessage: 'This broker does not support transactions.',
        };
  if (version >= 4) return { throttleTimeMs: 0, coordinators: request.coordinatorKeys.map(answer) };
  const one = answer(request.key);
  return {
    throttleTimeMs: 0,
    errorCode: one.errorCode,
    errorMessage: one.errorMessage,
    nodeId: one.nodeId,
    host: one.host,
    port: one.port,
  };
});
