/**
 * The classic group state machine: MEMBER_ID_REQUIRED, a rebalance when a second member joins and when
 * one leaves, session timeouts, and the offset-commit rules for members and for outside committers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type GroupCoordinator as Coordinator,
  GroupCoordinator,
} from '../../../../src/broker/groups/coordinator.js';
import { OffsetStore } from '../../../../src/broker/groups/offsets.js';

const protocols = [{ name: 'range', metadata: Buffer.from('m') }];

function join(
  coordinator: Coordinator,
  memberId: string,
  clientId = 'c',
  groupInstanceId: string | null = null,
) {
  return coordinator.join({
    groupId: 'g',
    memberId,
    groupInstanceId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 20_000,
    protocolType: 'consumer',
    protocols,
    clientId,
    clientHost: '/127.0.0.1',
    requireKnownMemberId: true,
  });
}

async function joinNew(coordinator: Coordinator, clientId = 'c') {
  const first = await join(coordinator, '', clientId);
  expect(first.errorCode).toBe(79);
  return join(coordinator, first.memberId, clientId);
}

const sync = (
  coordinator: Coordinator,
  memberId: string,
  generationId: number,
  assignments: { memberId: string; assignment: Buffer }[] = [],
) =>
  coordinator.sync({
    groupId: 'g',
    memberId,
    generationId,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments,
  });

let coordinator: Coordinator;
beforeEach(() => {
  vi.useFakeTimers();
  coordinator = new GroupCoordinator(new OffsetStore(undefined, () => undefined), {
    minSessionTimeoutMs: 6000,
    maxSessionTimeoutMs: 1_800_000,
    initialRebalanceDelayMs: 0,
    log: () => undefined,
  });
});
afterEach(() => {
  coordinator.close();
  vi.useRealTimers();
});

describe('GroupCoordinator', () => {
  it('refuses session timeouts outside the broker limits', async () => {
    const result = await coordinator.join({
      groupId: 'g',
      memberId: '',
      groupInstanceId: null,
      sessionTimeoutMs: 1000,
      rebalanceTimeoutMs: 1000,
      protocolType: 'consumer',
      protocols,
      clientId: 'c',
      clientHost: '',
      requireKnownMemberId: true,
    });
    expect(result.errorCode).toBe(26);
  });

  it('one member: MEMBER_ID_REQUIRED, then leader of generation 1, then Stable after SyncGroup', async () => {
    const joined = await joinNew(coordinator);
    expect(joined).toMatchObject({
      errorCode: 0,
      generationId: 1,
      protocolName: 'range',
      leader: joined.memberId,
    });
    expect(joined.members).toHaveLength(1);
    const synced = await sync(coordinator, joined.memberId, 1, [
      { memberId: joined.memberId, assignment: Buffer.from('a') },
    ]);
    expect(synced).toMatchObject({ errorCode: 0, assignment: Buffer.from('a') });
    expect(coordinator.describe('g').groupState).toBe('Stable');
  });

  it('a second member triggers a rebalance the first learns of by heartbeat; a leave triggers another', async () => {
    const a = await joinNew(coordinator, 'a');
    await sync(coordinator, a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.from('all') }]);
    const bFirst = await join(coordinator, '', 'b');
    const bJoin = join(coordinator, bFirst.memberId, 'b');
    expect(coordinator.heartbeat('g', a.memberId, 1)).toBe(27);
    const aJoin = join(coordinator, a.memberId, 'a');
    const [aResult, bResult] = await Promise.all([aJoin, bJoin]);
    expect(aResult.generationId).toBe(2);
    expect(aResult.members).toHaveLength(2);
    expect(bResult.members).toHaveLength(0);
    const bSync = sync(coordinator, bResult.memberId, 2);
    await sync(coordinator, a.memberId, 2, [
      { memberId: a.memberId, assignment: Buffer.from('0') },
      { memberId: bResult.memberId, assignment: Buffer.from('1') },
    ]);
    expect((await bSync).assignment).toEqual(Buffer.from('1'));
    expect(coordinator.leave('g', bResult.memberId)).toBe(0);
    expect(coordinator.heartbeat('g', a.memberId, 2)).toBe(27);
    const rejoined = await join(coordinator, a.memberId, 'a');
    expect(rejoined.generationId).toBe(3);
  });

  it('LeaveGroup with no member id removes the member of that group instance id (a static member)', async () => {
    const a = await join(coordinator, '', 'a', 'static-1');
    await sync(coordinator, a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.alloc(0) }]);
    expect(coordinator.leave('g', '', 'nobody')).toBe(25);
    expect(coordinator.leave('g', '', 'static-1')).toBe(0);
    expect(coordinator.describe('g').groupState).toBe('Empty');
  });

  it('removes a member whose session times out and rebalances the rest', async () => {
    const a = await joinNew(coordinator, 'a');
    await sync(coordinator, a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.alloc(0) }]);
    vi.advanceTimersByTime(10_001);
    expect(coordinator.describe('g').groupState).toBe('Empty');
    expect(coordinator.heartbeat('g', a.memberId, 1)).toBe(25);
  });

  it('commits: members of the current generation, or outsiders (-1) only while the group is empty', async () => {
    expect(coordinator.validateCommit('new', '', -1)).toBe(0);
    expect(coordinator.validateCommit('other', '', 3)).toBe(22);
    const a = await joinNew(coordinator);
    await sync(coordinator, a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.alloc(0) }]);
    expect(coordinator.validateCommit('g', a.memberId, 1)).toBe(0);
    expect(coordinator.validateCommit('g', a.memberId, 0)).toBe(22);
    expect(coordinator.validateCommit('g', 'stranger', 1)).toBe(25);
    expect(coordinator.validateCommit('g', '', -1)).toBe(25);
    expect(coordinator.delete('g')).toBe(68);
    coordinator.leave('g', a.memberId);
    expect(coordinator.validateCommit('g', '', -1)).toBe(0);
    expect(coordinator.delete('g')).toBe(0);
    expect(coordinator.describe('g').groupState).toBe('Dead');
  });
});
