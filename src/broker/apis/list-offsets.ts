/** ListOffsets: the log start (-2), the high watermark (-1), the max-timestamp record (-3) or by time. */
import { ErrorCode } from '../protocol/errors.js';
import { ListOffsets } from '../protocol/messages/list-offsets.js';
import { handler } from './handler.js';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;

export const listOffsets = handler(ListOffsets, (request, { broker }) => ({
  throttleTimeMs: 0,
  topics: request.topics.map(({ name, partitions }) => ({
    name,
    partitions: partitions.map(({ partitionIndex, timestamp }) => {
      const log = broker.topics.get(name)?.partitions[partitionIndex];
      const answer = {
        partitionIndex,
        errorCode: ErrorCode.NONE as number,
        timestamp: -1,
        offset: -1,
        leaderEpoch: -1,
      };
      if (!log) return { ...answer, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      if (timestamp === LATEST) return { ...answer, offset: log.highWatermark, leaderEpoch: 0 };
      if (timestamp === EARLIEST) return { ...answer, offset: log.logStartOffset, leaderEpoch: 0 };
      if (timestamp === MAX_TIMESTAMP) {
        const found = log.maxTimestampOffset();
        return found ? { ...answer, ...found, leaderEpoch: 0 } : answer;
      }
      if (timestamp < 0) return { ...answer, errorCode: ErrorCode.INVALID_REQUEST };
      const found = log.offsetForTimestamp(timestamp);
      return found ? { ...answer, ...found, leaderEpoch: 0 } : answer;
    }),
  })),
}));
