/**
 * The consumer the local event-source emulator (src/serverless-kafka-events/emulate) needs, in plain types:
 * one member of a consumer group on one topic that hands over every fetched batch, can pause, resume and
 * seek partitions, and commits only what it is told to. It never ships to Lambda (the service's own
 * KafkaConnection has no consumer); it lives here so that kafkajs stays behind src/shared/kafka.
 */
import type { Consumer, EachBatchPayload, KafkaMessage, LogEntry } from 'kafkajs';
import { Kafka, logLevel } from './kafkajs.js';

/** A consumed record's headers: repeated names folded into an array, as the Kafka client decodes them. */
export type ConsumedHeaders = Record<string, Buffer | string | null | undefined | (Buffer | string)[]>;

/** One consumed record. `offset` and `timestamp` (epoch ms) are decimal strings, as Kafka's 64-bit values. */
export interface ConsumedMessage {
  offset: string;
  timestamp: string;
  /** Record batch attribute bit 3 (https://kafka.apache.org/documentation/#recordbatch). */
  timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  key: Buffer | null;
  value: Buffer | null;
  headers: ConsumedHeaders;
}

/** Records of one partition, in offset order, as one fetch returned them. */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
}

/** A partition's next offset to read, for {@link GroupConsumer.commit}. */
export interface NextOffset {
  topic: string;
  partition: number;
  offset: number;
}

export interface GroupConsumerOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  topic: string;
  /** Where a partition without a committed offset starts: its first record, else its end. */
  fromBeginning: boolean;
  /**
   * Each fetched batch. The consumer fetches on past it at once (it is the caller's to queue, deliver and
   * commit); a batch fetched before a rebalance that took its partition away is never handed over.
   */
  onBatch(batch: ConsumedBatch): void;
  /** Each time the group assigned partitions to this member; `first` on the first join. */
  onJoin(first: boolean): void;
  /** The client's own warnings and errors. */
  warn(message: string): void;
}

/** One member of a consumer group, see {@link groupConsumer}. */
export interface GroupConsumer {
  /** Connects, subscribes and joins; resolves once the group assigned partitions the first time. */
  start(): Promise<void>;
  /** Stops fetching these partitions of the topic until {@link resume}. */
  pause(partitions: readonly number[]): void;
  resume(partitions: readonly number[]): void;
  /** Fetches the partition from `offset` on. */
  seek(partition: number, offset: number): void;
  /** Commits, per partition, the next offset to read. Throws what the broker refused (the records come again). */
  commit(offsets: readonly NextOffset[]): Promise<void>;
  /** Leaves the group and disconnects. */
  stop(): Promise<void>;
}

/** kafkajs sets the record batch's context on each record; its typings leave it out. */
type DecodedMessage = KafkaMessage & { batchContext?: { timestampType?: number } };

function plainMessage(message: DecodedMessage): ConsumedMessage {
  return {
    offset: message.offset,
    timestamp: message.timestamp,
    timestampType: message.batchContext?.timestampType === 1 ? 'LOG_APPEND_TIME' : 'CREATE_TIME',
    key: message.key ?? null,
    value: message.value,
    headers: message.headers ?? {},
  };
}

/**
 * A group member over kafkajs, never auto-committing. Its session outlives a process killed with -9 by
 * 10 s (the next start waits for the dead member to time out); it fails fast at start-up (3 s connection
 * timeout, 5 retries) when the broker does not answer.
 *
 * @example
 * const consumer = groupConsumer({ brokers, clientId, groupId, topic, fromBeginning: true,
 *   onBatch: (batch) => queue.push(batch), onJoin: () => undefined, warn: console.warn });
 * await consumer.start();
 * await consumer.commit([{ topic, partition: 0, offset: 42 }]);
 */
export function groupConsumer(options: GroupConsumerOptions): GroupConsumer {
  const { topic } = options;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3000,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5000 },
    logLevel: logLevel.ERROR,
    logCreator:
      () =>
      ({ log: entry }: LogEntry) =>
        options.warn(`kafkajs: ${entry.message}`),
  });
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: false,
  });
  let joins = 0;
  let stopped = false;
  const accept = ({ batch, resolveOffset, isStale }: EachBatchPayload): Promise<void> => {
    if (stopped || isStale()) return Promise.resolve();
    options.onBatch({
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages.map(plainMessage),
    });
    // kafkajs fetches on from the resolved offset; what is committed is the caller's decision.
    resolveOffset(batch.lastOffset());
    return Promise.resolve();
  };
  return {
    async start() {
      const joined = new Promise<void>((resolve) => {
        consumer.on(consumer.events.GROUP_JOIN, () => {
          joins += 1;
          options.onJoin(joins === 1);
          resolve();
        });
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: accept });
      await joined;
    },
    pause: (partitions) => consumer.pause([{ topic, partitions: [...partitions] }]),
    resume: (partitions) => consumer.resume([{ topic, partitions: [...partitions] }]),
    seek: (partition, offset) => consumer.seek({ topic, partition, offset: String(offset) }),
    commit: (offsets) =>
      consumer.commitOffsets(offsets.map((next) => ({ ...next, offset: String(next.offset) }))),
    async stop() {
      stopped = true;
      await consumer.disconnect();
    },
  };
}
