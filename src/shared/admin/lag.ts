/**
 * Consumer lag: Kafka has no lag call, so lag = log-end offset - committed offset, per partition.
 * 64-bit arithmetic in BigInt; offsets travel as strings.
 */
import type { GroupDetail, GroupPartitionLag } from './schema.js';

export interface PartitionPosition {
  topic: string;
  partition: number;
  /** null when the group never committed on this partition. */
  committed: string | null;
  /** null when the log end is unknown (the topic was deleted). */
  logEnd: string | null;
  memberId: string | null;
}

/** A partition's lag: log end minus committed offset (decimal strings, 64-bit), null when either is unknown. */
export function partitionLag(position: PartitionPosition): GroupPartitionLag {
  const { topic, partition, committed, logEnd, memberId } = position;
  let lag: string | null = null;
  if (committed !== null && logEnd !== null) {
    const difference = BigInt(logEnd) - BigInt(committed);
    // A committed offset past the log end (after truncation) means nothing is left to read.
    lag = (difference > 0n ? difference : 0n).toString();
  }
  return { topic, partition, committedOffset: committed, logEndOffset: logEnd, lag, memberId };
}

/** The total lag of a group's partitions and the partition with the largest (null when none is known). */
export function lagSummary(partitions: readonly GroupPartitionLag[]): GroupDetail['lag'] {
  let total = 0n;
  let max: { topic: string; partition: number; lag: bigint } | null = null;
  for (const { topic, partition, lag } of partitions) {
    if (lag === null) continue;
    const value = BigInt(lag);
    total += value;
    if (max === null || value > max.lag) max = { topic, partition, lag: value };
  }
  return {
    total: total.toString(),
    max: max === null ? null : { topic: max.topic, partition: max.partition, lag: max.lag.toString() },
  };
}
