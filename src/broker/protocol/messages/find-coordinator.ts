/** FindCoordinator (key 10): which broker coordinates a group (key type 0) or transaction (1). */
import { api, t } from '../schema.js';

export const FindCoordinator = api({
  key: 10,
  name: 'FindCoordinator',
  min: 0,
  max: 4,
  firstFlexible: 3,
  request: t.struct({
    key: t.string('0-3'),
    keyType: t.int8('1+'),
    coordinatorKeys: t.array('string', '4+'),
  }),
  response: t.struct({
    throttleTimeMs: t.int32('1+'),
    errorCode: t.int16('0-3'),
    errorMessage: t.nullableString('1-3'),
    nodeId: t.int32('0-3'),
    host: t.string('0-3'),
    port: t.int32('0-3'),
    coordinators: t.array(
      t.struct({
        key: t.string('4+'),
        nodeId: t.int32('4+'),
        host: t.string('4+'),
        port: t.int32('4+'),
        errorCode: t.int16('4+'),
        errorMessage: t.nullableString('4+'),
      }),
      '4+',
    ),
  }),
});
