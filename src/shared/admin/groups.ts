/**
 * The consumer-group reads of the admin API, over the Kafka boundary's {@link AdminOperations}: summaries,
 * a group's members, committed offsets and lag, and the offsets a reset would commit.
 */
import { epochMillis } from '../http/schema.js';
import type { AdminOperations, PartitionOffset } from '../kafka/admin.js';
import { lagSummary, type PartitionPosition, partitionLag } from './lag.js';
import { checkOffsets, existingGroup } from './rules.js';
import type { GroupDetail, GroupSummary, ResetOffsetsRequest } from './schema.js';

/** Every group with its state, protocol type and member count, by id. */
export async function listGroups(admin: AdminOperations): Promise<GroupSummary[]> {
  const groups = await admin.listGroups();
  if (groups.length === 0) return [];
  const described = await admin.describeGroups(groups.map((group) => group.groupId));
  const byId = new Map(described.map((group) => [group.groupId, group]));
  return groups
    .map(({ groupId, protocolType }) => {
      const description = byId.get(groupId);
      return {
        id: groupId,
        state: description?.state ?? 'Unknown',
        protocolType: description?.protocolType || protocolType,
        members: description?.members.length ?? 0,
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/**
 * Members and assignments, and per partition the committed offset, the log end and the lag; partitions a
 * member owns without a commit are included. GroupNotFoundError for an unknown group.
 */
export async function describeGroup(admin: AdminOperations, groupId: string): Promise<GroupDetail> {
  const [found] = await admin.describeGroups([groupId]);
  const description = existingGroup(groupId, found);
  const owner = new Map<string, string>();
  for (const member of description.members) {
    for (const { topic, partitions } of member.assignments) {
      for (const partition of partitions) owner.set(partitionKey(topic, partition), member.memberId);
    }
  }

  const committed = new Map<string, string | null>();
  for (const { topic, partition, offset } of await admin.committedOffsets(groupId)) {
    committed.set(partitionKey(topic, partition), offset);
  }
  const keys = [...new Set([...committed.keys(), ...owner.keys()])];
  const topics = [...new Set(keys.map((key) => key.slice(0, key.lastIndexOf(':'))))];
  const logEnds = new Map<string, string>();
  for (const topic of topics) {
    for (const { partition, high } of await admin.logEndOffsets(topic)) {
      logEnds.set(partitionKey(topic, partition), high);
    }
  }

  const positions: PartitionPosition[] = keys.map((key) => {
    const separator = key.lastIndexOf(':');
    return {
      topic: key.slice(0, separator),
      partition: Number(key.slice(separator + 1)),
      committed: committed.get(key) ?? null,
      logEnd: logEnds.get(key) ?? null,
      memberId: owner.get(key) ?? null,
    };
  });
  const partitions = positions
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    .map(partitionLag);
  return {
    id: groupId,
    state: description.state,
    protocolType: description.protocolType,
    protocol: description.protocol,
    members: description.members,
    partitions,
    lag: lagSummary(partitions),
  };
}

/**
 * The offsets a reset commits, by partition: the log start or end, the first offset at a timestamp, or
 * explicit offsets checked against the log (rules.ts). TopicNotFoundError for an unknown topic.
 */
export async function resetTargets(
  admin: AdminOperations,
  { topic, to }: ResetOffsetsRequest,
): Promise<PartitionOffset[]> {
  await admin.topicPartitions(topic);
  const ranges = await admin.topicOffsets(topic);
  let targets: PartitionOffset[];
  if (to === 'earliest' || to === 'latest') {
    targets = ranges.map(({ partition, low, high }) => ({
      partition,
      offset: to === 'earliest' ? low : high,
    }));
  } else if ('timestamp' in to) {
    targets = await admin.offsetsAtTimestamp(topic, epochMillis(to.timestamp));
  } else {
    targets = checkOffsets(topic, to.offsets, ranges);
  }
  return targets.sort((a, b) => a.partition - b.partition);
}
