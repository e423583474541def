/**
 * Fetch: record batches from each requested offset, as stored. Answers at once when at least minBytes
 * are there or a partition has an error; otherwise waits for appends to the requested partitions up to
 * maxWaitMs (long polling). Fetch sessions (KIP-227) are not kept: every answer carries session id 0, so
 * clients send full requests, which Kafka allows.
 */
import type { Broker } from '../broker.js';
import type { PartitionLog } from '../log/partition.js';
import { ErrorCode } from '../protocol/errors.js';
import { Fetch } from '../protocol/messages/fetch.js';
import type { Infer } from '../protocol/schema.js';
import { handler } from './handler.js';

type FetchRequest = Infer<typeof Fetch.request>;

interface Gathered {
  bytes: number;
  errors: boolean;
  responses: {
    topic: string;
    partitions: {
      partitionIndex: number;
      errorCode: number;
      highWatermark: number;
      lastStableOffset: number;
      logStartOffset: number;
      abortedTransactions: [] | null;
      preferredReadReplica: number;
      records: Buffer[];
    }[];
  }[];
}

function gather(broker: Broker, request: FetchRequest, logs: PartitionLog[], readData: boolean): Gathered {
  let budget = request.maxBytes;
  let bytes = 0;
  let errors = false;
  const readCommitted = request.isolationLevel === 1;
  const responses = request.topics.map(({ topic: name, partitions }) => {
    const topic = broker.topics.get(name);
    return {
      topic: name,
      partitions: partitions.map(({ partition: index, fetchOffset, partitionMaxBytes }) => {
        const log = topic?.partitions[index];
        const answer = {
          partitionIndex: index,
          errorCode: ErrorCode.NONE as number,
          highWatermark: -1,
          lastStableOffset: -1,
          logStartOffset: -1,
          abortedTransactions: readCommitted ? ([] as []) : null,
          preferredReadReplica: -1,
          records: [] as Buffer[],
        };
        if (!log) {
          answer.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          errors = true;
          return answer;
        }
        logs.push(log);
        answer.highWatermark = log.highWatermark;
        answer.lastStableOffset = log.highWatermark;
        answer.logStartOffset = log.logStartOffset;
        if (fetchOffset < log.logStartOffset || fetchOffset > log.highWatermark) {
          answer.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
          errors = true;
          return answer;
        }
        const limit = Math.min(partitionMaxBytes, budget);
        if (!readData) {
          bytes += log.bytesFrom(fetchOffset, Math.max(limit, 1));
          return answer;
        }
        // The first batch found is returned whole even past the limits, so a large batch still gets through.
        if (limit > 0 || bytes === 0) {
          answer.records = log.read(fetchOffset, Math.max(limit, 1), bytes === 0);
          const size = answer.records.reduce((sum, b) => sum + b.length, 0);
          bytes += size;
          budget -= size;
        }
        return answer;
      }),
    };
  });
  return { bytes, errors, responses };
}

export const fetch = handler(Fetch, async (request, { broker, version }) => {
  if (version >= 7 && (request.sessionId !== 0 || request.sessionEpoch > 0)) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
      sessionId: 0,
      responses: [],
    };
  }
  const deadline = Date.now() + Math.max(0, request.maxWaitMs);
  for (;;) {
    const logs: PartitionLog[] = [];
    const probe = gather(broker, request, logs, false);
    const remaining = deadline - Date.now();
    if (probe.errors || probe.bytes >= request.minBytes || remaining <= 0 || logs.length === 0) {
      const { responses } = gather(broker, request, [], true);
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses };
    }
    await broker.waitForData(logs, remaining);
    if (broker.closing) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        sessionId: 0,
        responses: gather(broker, request, [], true).responses,
      };
    }
  }
});
