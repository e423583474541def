/**
 * The classic group coordinator (Kafka's ClassicGroup state machine, KIP-62/KIP-345/KIP-394):
 *
 *   Empty -> PreparingRebalance -> CompletingRebalance -> Stable -> PreparingRebalance ...
 *
 * A join from an unknown member (v4+) is answered MEMBER_ID_REQUIRED with a member id to rejoin with.
 * A rebalance completes when every known member has rejoined (and no member is still pending its
 * rejoin) or when the rebalance timeout runs out, removing members that did not rejoin; the leader then
 * receives every member's metadata and hands out assignments in SyncGroup. Members that stop
 * heartbeating for their session timeout are removed and the group rebalances.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/errors.js';
import type { OffsetStore } from './offsets.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  assignment: Buffer;
  awaitingJoin: ((result: JoinResult) => void) | undefined;
  awaitingSync: ((result: SyncResult) => void) | undefined;
  sessionTimer: NodeJS.Timeout | undefined;
}

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet rejoined; each expires after its session timeout. */
  readonly pending = new Map<string, NodeJS.Timeout>();
  rebalanceTimer: NodeJS.Timeout | undefined;
  /** The first rebalance of an empty group waits group.initial.rebalance.delay.ms for more members. */
  initialDelay = false;
  syncTimer: NodeJS.Timeout | undefined;

  constructor(readonly groupId: string) {}
}

export interface CoordinatorOptions {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members. */
  initialRebalanceDelayMs: number;
  log: (message: string) => void;
}

const EMPTY = Buffer.alloc(0);

const joinError = (errorCode: number, memberId = ''): JoinResult => ({
  errorCode,
  generationId: -1,
  protocolType: null,
  protocolName: null,
  leader: '',
  memberId,
  members: [],
});

const syncError = (errorCode: number): SyncResult => ({
  errorCode,
  protocolType: null,
  protocolName: null,
  assignment: EMPTY,
});

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: an unknown member first gets MEMBER_ID_REQUIRED. */
  requireKnownMemberId: boolean;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly offsets: OffsetStore,
    private readonly options: CoordinatorOptions,
  ) {}

  get(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  /** Groups with members or committed offsets, with their state and protocol type. */
  list(): { groupId: string; state: GroupState; protocolType: string }[] {
    const ids = new Set([...this.groups.keys(), ...this.offsets.groupIds()]);
    return [...ids].map((groupId) => {
      const group = this.groups.get(groupId);
      return { groupId, state: group?.state ?? 'Empty', protocolType: group?.protocolType ?? '' };
    });
  }

  join(request: JoinRequest): Promise<JoinResult> {
    const { groupId, memberId } = request;
    if (groupId === '') return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, memberId));
    if (
      request.sessionTimeoutMs < this.options.minSessionTimeoutMs ||
      request.sessionTimeoutMs > this.options.maxSessionTimeoutMs
    ) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, memberId));
    }
    const existing = this.groups.get(groupId);
    const group = existing ?? new Group(groupId);
    if (!this.supportsProtocols(group, request.protocolType, request.protocols)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
    }
    if (!existing) this.groups.set(groupId, group);

    if (memberId === '') {
      const newMemberId = `${request.clientId}-${randomUUID()}`;
      if (request.requireKnownMemberId && request.groupInstanceId === null) {
        group.pending.set(
          newMemberId,
          setTimeout(() => this.expirePending(group, newMemberId), request.sessionTimeoutMs),
        );
        return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, newMemberId));
      }
      return this.addMemberAndRebalance(group, newMemberId, request);
    }

    const pendingTimer = group.pending.get(memberId);
    if (pendingTimer) {
      clearTimeout(pendingTimer);
      group.pending.delete(memberId);
      return this.addMemberAndRebalance(group, memberId, request);
    }
    const member = group.members.get(memberId);
    if (!member) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));

    const changed = !sameProtocols(member.protocols, request.protocols);
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, request);
      case 'CompletingRebalance':
        if (!changed) return Promise.resolve(this.joinResponse(group, member));
        return this.updateMemberAndRebalance(group, member, request);
      case 'Stable':
        if (changed || group.leaderId === memberId)
          return this.updateMemberAndRebalance(group, member, request);
        return Promise.resolve(this.joinResponse(group, member));
      default:
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
    }
  }

  private supportsProtocols(group: Group, protocolType: string, protocols: Protocol[]): boolean {
    if (protocolType === '' || protocols.length === 0) return false;
    if (group.members.size === 0) return true;
    if (group.protocolType !== protocolType) return false;
    return protocols.some((p) =>
      [...group.members.values()].every((m) => m.protocols.some((q) => q.name === p.name)),
    );
  }

  private addMemberAndRebalance(group: Group, memberId: string, request: JoinRequest): Promise<JoinResult> {
    const member: Member = {
      memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: request.clientId,
      clientHost: request.clientHost,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols,
      assignment: EMPTY,
      awaitingJoin: undefined,
      awaitingSync: undefined,
      sessionTimer: undefined,
    };
    if (group.members.size === 0) group.protocolType = request.protocolType;
    group.members.set(memberId, member);
    group.leaderId ??= memberId;
    const result = new Promise<JoinResult>((resolve) => {
      member.awaitingJoin = resolve;
    });
    this.options.log(`group ${group.groupId}: member ${memberId} joins`);
    this.prepareRebalance(group, `member ${memberId} joined`);
    this.maybeCompleteJoin(group);
    return result;
  }

  private updateMemberAndRebalance(group: Group, member: Member, request: JoinRequest): Promise<JoinResult> {
    member.protocols = request.protocols;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    member.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    const result = new Promise<JoinResult>((resolve) => {
      member.awaitingJoin = resolve;
    });
    clearTimeout(member.sessionTimer);
    this.prepareRebalance(group, `member ${member.memberId} rejoined`);
    this.maybeCompleteJoin(group);
    return result;
  }

  private prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'PreparingRebalance') return;
    if (group.state === 'CompletingRebalance') {
      for (const member of group.members.values()) {
        member.assignment = EMPTY;
        member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        member.awaitingSync = undefined;
      }
    }
    clearTimeout(group.syncTimer);
    const wasEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    this.options.log(`group ${group.groupId}: preparing rebalance (${reason})`);
    const timeout = Math.max(0, ...[...group.members.values()].map((m) => m.rebalanceTimeoutMs));
    clearTimeout(group.rebalanceTimer);
    if (wasEmpty && this.options.initialRebalanceDelayMs > 0) {
      group.initialDelay = true;
      group.rebalanceTimer = setTimeout(
        () => {
          group.initialDelay = false;
          this.completeJoin(group);
        },
        Math.min(this.options.initialRebalanceDelayMs, timeout),
      );
    } else {
      group.rebalanceTimer = setTimeout(() => this.completeJoin(group), timeout);
    }
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    if (group.initialDelay) return;
    const allJoined = [...group.members.values()].every((m) => m.awaitingJoin !== undefined);
    if (allJoined && group.pending.size === 0) this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = undefined;
    group.initialDelay = false;
    for (const member of [...group.members.values()]) {
      if (!member.awaitingJoin) this.removeMember(group, member, 'did not rejoin in time');
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.leaderId = null;
      this.options.log(`group ${group.groupId}: generation ${group.generationId} is empty`);
      return;
    }
    if (!group.leaderId || !group.members.has(group.leaderId))
      group.leaderId = group.members.keys().next().value ?? null;
    group.protocolName = selectProtocol(group);
    group.state = 'CompletingRebalance';
    this.options.log(
      `group ${group.groupId}: generation ${group.generationId} with ${group.members.size} member(s), protocol ${group.protocolName}, leader ${group.leaderId}`,
    );
    for (const member of group.members.values()) {
      const respond = member.awaitingJoin;
      member.awaitingJoin = undefined;
      respond?.(this.joinResponse(group, member));
      this.heartbeatReceived(group, member);
    }
    const syncTimeout = Math.max(0, ...[...group.members.values()].map((m) => m.rebalanceTimeoutMs));
    group.syncTimer = setTimeout(() => this.expireSync(group), syncTimeout);
  }

  private joinResponse(group: Group, member: Member): JoinResult {
    const isLeader = group.leaderId === member.memberId;
    const protocolName = group.protocolName ?? '';
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY,
          }))
        : [],
    };
  }

  /** The leader did not hand out assignments within the rebalance timeout: drop who did not sync, rebalance. */
  private expireSync(group: Group): void {
    if (group.state !== 'CompletingRebalance') return;
    for (const member of [...group.members.values()]) {
      if (!member.awaitingSync) this.removeMember(group, member, 'did not sync in time');
    }
    this.prepareRebalance(group, 'members did not sync');
    this.maybeCompleteJoin(group);
  }

  sync(request: {
    groupId: string;
    generationId: number;
    memberId: string;
    protocolType: string | null;
    protocolName: string | null;
    assignments: { memberId: string; assignment: Buffer }[];
  }): Promise<SyncResult> {
    const group = this.groups.get(request.groupId);
    const member = group?.members.get(request.memberId);
    if (!group || !member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (request.generationId !== group.generationId)
      return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (
      (request.protocolType !== null && request.protocolType !== group.protocolType) ||
      (request.protocolName !== null && request.protocolName !== group.protocolName)
    ) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    this.heartbeatReceived(group, member);
    switch (group.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance': {
        const result = new Promise<SyncResult>((resolve) => {
          member.awaitingSync = resolve;
        });
        if (group.leaderId === member.memberId) {
          const byMember = new Map(request.assignments.map((a) => [a.memberId, a.assignment]));
          for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? EMPTY;
          group.state = 'Stable';
          clearTimeout(group.syncTimer);
          this.options.log(`group ${group.groupId}: generation ${group.generationId} is stable`);
          for (const m of group.members.values()) {
            const respond = m.awaitingSync;
            m.awaitingSync = undefined;
            respond?.(this.syncResponse(group, m));
          }
        }
        return result;
      }
      case 'Stable':
        return Promise.resolve(this.syncResponse(group, member));
      default:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private syncResponse(group: Group, member: Member): SyncResult {
    return {
      errorCode: ErrorCode.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: member.assignment,
    };
  }

  heartbeat(groupId: string, memberId: string, generationId: number): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === 'Empty' || group.state === 'Dead') return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.heartbeatReceived(group, member);
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /**
   * LeaveGroup for one member; returns its error code. A member id of '' with a group instance id
   * (LeaveGroup v3+, what Kafka's `removeMembersFromConsumerGroup` sends for a static member, which
   * never leaves by itself) names the member holding that instance id, as in Kafka.
   */
  leave(groupId: string, memberId: string, groupInstanceId: string | null = null): number {
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (memberId === '' && groupInstanceId !== null) {
      const member = [...group.members.values()].find((m) => m.groupInstanceId === groupInstanceId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.removeMemberAndRebalance(group, member, 'was removed by its group instance id');
      return ErrorCode.NONE;
    }
    const pendingTimer = group.pending.get(memberId);
    if (pendingTimer) {
      clearTimeout(pendingTimer);
      group.pending.delete(memberId);
      this.maybeCompleteJoin(group);
      return ErrorCode.NONE;
    }
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMemberAndRebalance(group, member, 'left the group');
    return ErrorCode.NONE;
  }

  private heartbeatReceived(group: Group, member: Member): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => {
      if (member.awaitingJoin || member.awaitingSync) return;
      if (group.members.get(member.memberId) !== member) return;
      this.removeMemberAndRebalance(
        group,
        member,
        `session timeout of ${member.sessionTimeoutMs} ms expired`,
      );
    }, member.sessionTimeoutMs);
  }

  private expirePending(group: Group, memberId: string): void {
    if (!group.pending.delete(memberId)) return;
    this.options.log(`group ${group.groupId}: pending member ${memberId} did not rejoin`);
    this.maybeCompleteJoin(group);
  }

  private removeMember(group: Group, member: Member, reason: string): void {
    clearTimeout(member.sessionTimer);
    group.members.delete(member.memberId);
    member.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.awaitingSync?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    member.awaitingJoin = undefined;
    member.awaitingSync = undefined;
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
    this.options.log(`group ${group.groupId}: member ${member.memberId} removed (${reason})`);
  }

  private removeMemberAndRebalance(group: Group, member: Member, reason: string): void {
    this.removeMember(group, member, reason);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') {
      if (group.members.size === 0) {
        clearTimeout(group.syncTimer);
        group.generationId++;
        group.state = 'Empty';
        group.protocolName = null;
        group.leaderId = null;
        this.options.log(`group ${group.groupId}: generation ${group.generationId} is empty`);
        return;
      }
      this.prepareRebalance(group, reason);
    }
    this.maybeCompleteJoin(group);
  }

  /**
   * Checks an OffsetCommit against the group (Kafka's ClassicGroup.validateOffsetCommit): commits with
   * generation -1 and no member id are accepted only from outside an active group; members must be
   * known and of the current generation. Creates a group for commits from outside any group.
   */
  validateCommit(groupId: string, memberId: string, generationId: number): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group) {
      if (generationId < 0) {
        this.offsets.ensure(groupId);
        return ErrorCode.NONE;
      }
      return ErrorCode.ILLEGAL_GENERATION;
    }
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.state === 'Empty') return ErrorCode.NONE;
    if (generationId >= 0 || memberId !== '') {
      const member = group.members.get(memberId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      if (group.state !== 'CompletingRebalance') this.heartbeatReceived(group, member);
    } else if (group.state !== 'Empty') {
      return ErrorCode.UNKNOWN_MEMBER_ID;
    }
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  /** DescribeGroups for one group (Dead with no error when unknown, as Kafka answers). */
  describe(groupId: string) {
    const group = this.groups.get(groupId);
    if (!group) {
      if (this.offsets.has(groupId)) {
        return {
          errorCode: 0,
          groupId,
          groupState: 'Empty',
          protocolType: '',
          protocolData: '',
          members: [],
        };
      }
      return { errorCode: 0, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
    }
    const stable = group.state === 'Stable';
    const protocolName = group.protocolName ?? '';
    return {
      errorCode: 0,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? protocolName : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable
          ? (m.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY)
          : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  /** DeleteGroups for one group: only groups without members go (with their offsets). */
  delete(groupId: string): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group && !this.offsets.has(groupId)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group && group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP;
    this.groups.delete(groupId);
    this.offsets.deleteGroup(groupId);
    this.options.log(`group ${groupId} deleted`);
    return ErrorCode.NONE;
  }

  /** Stops every timer (broker shutdown); waiting joins and syncs are answered COORDINATOR_NOT_AVAILABLE. */
  close(): void {
    for (const group of this.groups.values()) {
      clearTimeout(group.rebalanceTimer);
      clearTimeout(group.syncTimer);
      for (const timer of group.pending.values()) clearTimeout(timer);
      for (const member of group.members.values()) {
        clearTimeout(member.sessionTimer);
        member.awaitingJoin?.(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, member.memberId));
        member.awaitingSync?.(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
      }
    }
  }
}

function sameProtocols(a: Protocol[], b: Protocol[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => p.name === b[i]?.name && p.metadata.equals(b[i]?.metadata ?? EMPTY))
  );
}

/** Each member votes for its most preferred protocol that every member supports; most votes wins. */
function selectProtocol(group: Group): string {
  const members = [...group.members.values()];
  const candidates = (members[0]?.protocols ?? [])
    .map((p) => p.name)
    .filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)));
  const votes = new Map<string, number>();
  for (const member of members) {
    const choice = member.protocols.find((p) => candidates.includes(p.name))?.name;
    if (choice) votes.set(choice, (votes.get(choice) ?? 0) + 1);
  }
  let best = candidates[0] ?? '';
  for (const name of candidates) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
  return best;
}
