/**
 * The admin API's own rules, checked before or between Kafka calls so callers get precise answers: internal
 * topics, partition counts that only grow, groups that must be idle, offsets inside the log. Pure functions.
 */
import {
  type ErrorDetail,
  GroupNotEmptyError,
  GroupNotFoundError,
  InternalTopicError,
  InvalidOffsetError,
  InvalidPartitionCountError,
  PartitionNotFoundError,
} from '../errors.js';
import { fieldName } from '../http/request.js';
import type { GroupDescription, PartitionOffset, PartitionOffsets } from '../kafka/admin.js';

function detail(path: (string | number)[], message: string): ErrorDetail {
  return { field: fieldName(path), path, message };
}

/** Kafka's internal topics (__consumer_offsets, __transaction_state, ...) all start with "__". */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

/** Throws InternalTopicError (naming the `topic` parameter) for a Kafka-internal topic. */
export function assertWritableTopic(name: string): void {
  if (isInternalTopic(name)) {
    throw new InternalTopicError(`${name} is a Kafka-internal topic; it cannot be changed through this API`, {
      details: [detail(['topic'], 'starts with "__"')],
    });
  }
}

/** Throws InternalTopicError (naming the `name` field) for a new topic in the internal namespace. */
export function assertCreatableTopic(name: string): void {
  if (isInternalTopic(name)) {
    throw new InternalTopicError('names starting with "__" are reserved for Kafka-internal topics', {
      details: [detail(['name'], 'starts with "__"')],
    });
  }
}

/** Throws InvalidPartitionCountError unless `count` grows the topic's `current` partition count. */
export function assertPartitionsGrow(topic: string, current: number, count: number): void {
  if (count <= current) {
    throw new InvalidPartitionCountError(
      `topic ${topic} has ${current} partitions; the count can only grow`,
      {
        details: [detail(['count'], `must be larger than ${current}`)],
      },
    );
  }
}

/** Groups that may have their offsets changed: nobody is consuming. */
const IDLE_STATES = new Set(['Empty', 'Dead']);

/** Throws GroupNotEmptyError when the group (absent: unknown, so idle) has active members. */
export function assertIdleGroup(groupId: string, description: GroupDescription | undefined): void {
  if (description && !IDLE_STATES.has(description.state)) {
    throw new GroupNotEmptyError(
      `consumer group ${groupId} has ${description.members.length} active member(s) (state ${description.state}); stop them first`,
    );
  }
}

/** The group's description; GroupNotFoundError when Kafka describes it as "Dead" (its word for unknown). */
export function existingGroup(groupId: string, description: GroupDescription | undefined): GroupDescription {
  if (!description || description.state === 'Dead') {
    throw new GroupNotFoundError(`consumer group ${groupId} not found`);
  }
  return description;
}

/**
 * Explicit reset targets, checked against the topic's partitions and their offset ranges (the log end
 * included: it means "nothing left to read"). Throws PartitionNotFoundError or InvalidOffsetError naming
 * every wrong entry of `to.offsets`.
 */
export function checkOffsets(
  topic: string,
  offsets: readonly PartitionOffset[],
  ranges: readonly PartitionOffsets[],
): PartitionOffset[] {
  const byPartition = new Map(ranges.map((range) => [range.partition, range]));
  const missing: ErrorDetail[] = [];
  const outside: ErrorDetail[] = [];
  offsets.forEach(({ partition, offset }, index) => {
    const range = byPartition.get(partition);
    if (!range) {
      missing.push(
        detail(['to', 'offsets', index, 'partition'], `topic ${topic} has partitions 0-${ranges.length - 1}`),
      );
    } else if (BigInt(offset) < BigInt(range.low) || BigInt(offset) > BigInt(range.high)) {
      outside.push(
        detail(
          ['to', 'offsets', index, 'offset'],
          `partition ${partition} holds offsets ${range.low}-${range.high}`,
        ),
      );
    }
  });
  if (missing.length > 0) {
    throw new PartitionNotFoundError(`partition out of range for topic ${topic}`, { details: missing });
  }
  if (outside.length > 0) {
    throw new InvalidOffsetError(`offset outside the log of topic ${topic}`, { details: outside });
  }
  return offsets.map(({ partition, offset }) => ({ partition, offset }));
}
