/**
 * The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) and group administration
 * (DescribeGroups, ListGroups, DeleteGroups), all answered by the coordinator in ../groups.
 */
import { ErrorCode } from '../protocol/errors.js';
import {
  DeleteGroups,
  DescribeGroups,
  Heartbeat,
  JoinGroup,
  LeaveGroup,
  ListGroups,
  SyncGroup,
} from '../protocol/messages/groups.js';
import { handler } from './handler.js';

export const joinGroup = handler(JoinGroup, async (request, { broker, version, clientId, clientHost }) => {
  const result = await broker.groups.join({
    groupId: request.groupId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId,
    sessionTimeoutMs: request.sessionTimeoutMs,
    // v0 has no rebalance timeout: the session timeout serves for both.
    rebalanceTimeoutMs: version === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
    protocolType: request.protocolType,
    protocols: request.protocols,
    clientId,
    clientHost,
    requireKnownMemberId: version >= 4,
  });
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    // Not nullable before v7.
    protocolName: version >= 7 ? result.protocolName : (result.protocolName ?? ''),
    leader: result.leader,
    skipAssignment: false,
    memberId: result.memberId,
    members: result.members,
  };
});

export const syncGroup = handler(SyncGroup, async (request, { broker }) => {
  const result = await broker.groups.sync(request);
  return { throttleTimeMs: 0, ...result };
});

export const heartbeat = handler(Heartbeat, (request, { broker }) => ({
  throttleTimeMs: 0,
  errorCode: broker.groups.heartbeat(request.groupId, request.memberId, request.generationId),
}));

export const leaveGroup = handler(LeaveGroup, (request, { broker, version }) => {
  if (version < 3) {
    return {
      throttleTimeMs: 0,
      errorCode: broker.groups.leave(request.groupId, request.memberId),
      members: [],
    };
  }
  const members = request.members.map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    errorCode: broker.groups.leave(request.groupId, m.memberId, m.groupInstanceId),
  }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, members };
});

export const describeGroups = handler(DescribeGroups, (request, { broker }) => ({
  throttleTimeMs: 0,
  groups: request.groups.map((groupId) => ({
    ...broker.groups.describe(groupId),
    authorizedOperations: -2147483648,
  })),
}));

export const listGroups = handler(ListGroups, (request, { broker }) => {
  const states = request.statesFilter.map((s) => s.toLowerCase());
  const types = request.typesFilter.map((s) => s.toLowerCase());
  const groups = broker.groups
    .list()
    .filter((g) => states.length === 0 || states.includes(g.state.toLowerCase()))
    .filter(() => types.length === 0 || types.includes('classic'))
    .map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType,
      groupState: g.state,
      groupType: 'classic',
    }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
});

export const deleteGroups = handler(DeleteGroups, (request, { broker }) => ({
  throttleTimeMs: 0,
  results: request.groupsNames.map((groupId) => ({ groupId, errorCode: broker.groups.delete(groupId) })),
}));
