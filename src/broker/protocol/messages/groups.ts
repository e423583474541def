/**
 * The classic consumer group protocol: JoinGroup (11), SyncGroup (14), Heartbeat (12), LeaveGroup (13),
 * and the group administration APIs DescribeGroups (15), ListGroups (16), DeleteGroups (42).
 */
import { api, t } from '../schema.js';

export const JoinGroup = api({
  key: 11,
  name: 'JoinGroup',
  min: 0,
  max: 9,
  firstFlexible: 6,
  request: t.struct({
    groupId: t.string(),
    sessionTimeoutMs: t.int32(),
    rebalanceTimeoutMs: t.int32('1+', -1),
    memberId: t.string(),
    groupInstanceId: t.nullableString('5+'),
    protocolType: t.string(),
    protocols: t.array(t.struct({ name: t.string(), metadata: t.bytes() })),
    reason: t.nullableString('8+'),
  }),
  response: t.struct({
    throttleTimeMs: t.int32('2+'),
    errorCode: t.int16(),
    generationId: t.int32('0+', -1),
    protocolType: t.nullableString('7+'),
    protocolName: t.nullableString('0+', '7+', ''),
    leader: t.string(),
    skipAssignment: t.bool('9+'),
    memberId: t.string(),
    members: t.array(
      t.struct({ memberId: t.string(), groupInstanceId: t.nullableString('5+'), metadata: t.bytes() }),
    ),
  }),
});

export const SyncGroup = api({
  key: 14,
  name: 'SyncGroup',
  min: 0,
  max: 5,
  firstFlexible: 4,
  request: t.struct({
    groupId: t.string(),
    generationId: t.int32(),
    memberId: t.string(),
    groupInstanceId: t.nullableString('3+'),
    protocolType: t.nullableString('5+'),
    protocolName: t.nullableString('5+'),
    assignments: t.array(t.struct({ memberId: t.string(), assignment: t.bytes() })),
  }),
  response: t.struct({
    throttleTimeMs: t.int32('1+'),
    errorCode: t.int16(),
    protocolType: t.nullableString('5+'),
    protocolName: t.nullableString('5+'),
    assignment: t.bytes(),
  }),
});

export const Heartbeat = api({
  key: 12,
  name: 'Heartbeat',
  min: 0,
  max: 4,
  firstFlexible: 4,
  request: t.struct({
    groupId: t.string(),
    generationId: t.int32(),
    memberId: t.string(),
    groupInstanceId: t.nullableString('3+'),
  }),
  response: t.struct({ throttleTimeMs: t.int32('1+'), errorCode: t.int16() }),
});

export const LeaveGroup = api({
  key: 13,
  name: 'LeaveGroup',
  min: 0,
  max: 5,
  firstFlexible: 4,
  request: t.struct({
    groupId: t.string(),
    memberId: t.string('0-2'),
    members: t.array(
      t.struct({
        memberId: t.string('3+'),
        groupInstanceId: t.nullableString('3+'),
        reason: t.nullableString('5+'),
      }),
      '3+',
    ),
  }),
  response: t.struct({
    throttleTimeMs: t.int32('1+'),
    errorCode: t.int16(),
    members: t.array(
      t.struct({
        memberId: t.string('3+'),
        groupInstanceId: t.nullableString('3+'),
        errorCode: t.int16('3+'),
      }),
      '3+',
    ),
  }),
});

export const DescribeGroups = api({
  key: 15,
  name: 'DescribeGroups',
  min: 0,
  max: 5,
  firstFlexible: 5,
  request: t.struct({ groups: t.array('string'), includeAuthorizedOperations: t.bool('3+') }),
  response: t.struct({
    throttleTimeMs: t.int32('1+'),
    groups: t.array(
      t.struct({
        errorCode: t.int16(),
        groupId: t.string(),
        groupState: t.string(),
        protocolType: t.string(),
        protocolData: t.string(),
        members: t.array(
          t.struct({
            memberId: t.string(),
            groupInstanceId: t.nullableString('4+'),
            clientId: t.string(),
            clientHost: t.string(),
            memberMetadata: t.bytes(),
            memberAssignment: t.bytes(),
          }),
        ),
        authorizedOperations: t.int32('3+', -2147483648),
      }),
    ),
  }),
});

export const ListGroups = api({
  key: 16,
  name: 'ListGroups',
  min: 0,
  max: 5,
  firstFlexible: 3,
  request: t.struct({ statesFilter: t.array('string', '4+'), typesFilter: t.array('string', '5+') }),
  response: t.struct({
    throttleTimeMs: t.int32('1+'),
    errorCode: t.int16(),
    groups: t.array(
      t.struct({
        groupId: t.string(),
        protocolType: t.string(),
        groupState: t.string('4+'),
        groupType: t.string('5+'),
      }),
    ),
  }),
});

export const DeleteGroups = api({
  key: 42,
  name: 'DeleteGroups',
  min: 0,
  max: 2,
  firstFlexible: 2,
  request: t.struct({ groupsNames: t.array('string') }),
  response: t.struct({
    throttleTimeMs: t.int32(),
    results: t.array(t.struct({ groupId: t.string(), errorCode: t.int16() })),
  }),
});
