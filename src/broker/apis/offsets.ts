/** OffsetCommit and OffsetFetch: a group's committed positions, checked against its membership. */
import { ErrorCode } from '../protocol/errors.js';
import { OffsetCommit, OffsetFetch } from '../protocol/messages/offsets.js';
import { handler } from './handler.js';

/** offset.metadata.max.bytes */
const MAX_METADATA_BYTES = 4096;

export const offsetCommit = handler(OffsetCommit, (request, { broker }) => {
  const groupError = broker.groups.validateCommit(
    request.groupId,
    request.memberId,
    request.generationIdOrMemberEpoch,
  );
  const now = Date.now();
  const commits: Parameters<typeof broker.offsets.commit>[1] = [];
  const topics = request.topics.map(({ name, partitions }) => {
    const topic = broker.topics.get(name);
    return {
      name,
      partitions: partitions.map((p) => {
        let errorCode: number = groupError;
        if (errorCode === ErrorCode.NONE) {
          if (!topic?.partitions[p.partitionIndex]) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          else if (
            p.committedMetadata !== null &&
            Buffer.byteLength(p.committedMetadata) > MAX_METADATA_BYTES
          ) {
            errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
          } else {
            commits.push({
              topic: name,
              partition: p.partitionIndex,
              committed: {
                offset: p.committedOffset,
                leaderEpoch: p.committedLeaderEpoch,
                metadata: p.committedMetadata,
                commitTimestamp: now,
              },
            });
          }
        }
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    };
  });
  if (commits.length > 0) broker.offsets.commit(request.groupId, commits);
  return { throttleTimeMs: 0, topics };
});

export const offsetFetch = handler(OffsetFetch, (request, { broker }) => {
  const answer = (topic: string, partitionIndex: number) => {
    const committed = broker.offsets.get(request.groupId, topic, partitionIndex);
    return {
      partitionIndex,
      committedOffset: committed?.offset ?? -1,
      committedLeaderEpoch: committed?.leaderEpoch ?? -1,
      metadata: committed ? (committed.metadata ?? '') : '',
      errorCode: ErrorCode.NONE,
    };
  };
  const topics =
    request.topics === null
      ? [...broker.offsets.all(request.groupId)].map(([name, partitions]) => ({
          name,
          partitions: [...partitions.keys()].sort((a, b) => a - b).map((p) => answer(name, p)),
        }))
      : request.topics.map(({ name, partitionIndexes }) => ({
          name,
          partitions: partitionIndexes.map((p) => answer(name, p)),
        }));
  return { throttleTimeMs: 0, topics, errorCode: ErrorCode.NONE };
});
