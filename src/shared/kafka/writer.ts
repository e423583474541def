/**
 * Writes records to one topic and reports, for every record, where it landed or why it did not. Every write
 * of the service goes through here (the produce API, consumer outputs and dead letters, the offline
 * emulator's Kafka destinations), so one rule holds for all of them:
 *
 * **Written means acknowledged.** With acks `all` or `leader` a record is reported written only when the
 * broker answered its partition's produce call, in this request, with a base offset. A partition that got
 * no answer is a failure (NOT_ACKNOWLEDGED, retriable), never a success. With acks `none` the broker
 * answers nothing and the offset is null.
 *
 * **Metadata follows the cluster.** Topic metadata (partitions, max.message.bytes, cleanup.policy) is
 * cached for at most `metadataMaxAgeMs` (KafkaConfig), as is the producer's own partition map. An explicit
 * partition the cache lacks is looked up again before it is refused; a send refused because the client's
 * metadata or idempotent producer state is out of date (unknown topic or partition, leader moved, a
 * partition the client did not know, sequence out of step) is retried once, within the deadline, with fresh
 * metadata: explicit partitions are checked again, keys hashed over the new partition count.
 *
 * Partitioning follows the Java client, so a key lands where any Kafka client would put it:
 * explicit partition, else murmur2 of the key (kafkajs' DefaultPartitioner is the Java one),
 * else one partition for the request's keyless records ("sticky", KIP-480), rotating between requests.
 * Each partition's records go in their own produce call so a failure on one partition never hides the
 * success of another; records of one partition are split in order into chunks under the topic's
 * max.message.bytes, and a chunk failed for a transient reason stops that partition so nothing is written
 * out of order. Records the topic can never take fail alone and are never sent (see {@link recordRefusal});
 * a chunk the broker refuses as invalid is sent again record by record, so the refusal falls on the
 * records it concerns and the others are written.
 */

import type { PartitionMetadata as KafkajsPartitionMetadata } from 'kafkajs';
import {
  InvalidRecordError,
  NotAcknowledgedError,
  PartitionNotFoundError,
  RecordTooLargeError,
  type ServiceError,
  TopicNotFoundError,
} from '../errors.js';
import type { KafkaAdmin, PartitionMetadata } from './admin.js';
import type { Acks, KafkaConnection } from './client.js';
import { withDeadline } from './deadline.js';
import { fromKafkaError, isRecordRefusal, type StaleState, staleClientState } from './errors.js';
import { Partitioners } from './kafkajs.js';
import { recoverStaleState } from './stale.js';

export interface OutgoingRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer[]>;
  /** Explicit partition; otherwise chosen as described above. */
  partition: number | undefined;
  /** Bytes hashed (murmur2) instead of the key to choose the partition, when the key is finer than the grouping. */
  partitionKey?: Buffer | undefined;
  /** Epoch milliseconds (CreateTime). */
  timestamp: number;
}

/** A record's outcome: `offset` is the broker's (a string), null only with acks=none. */
export type WriteResult =
  | { ok: true; partition: number; offset: string | null; timestamp: number }
  | { ok: false; partition: number; error: ServiceError };

export interface WriteOptions {
  acks: Acks;
  compression: 'none' | 'gzip';
  /** Epoch milliseconds after which unsent records fail with a timeout. */
  deadline: number;
}

/** What the writer knows of a topic: its partitions (by id) and the limits every record is checked against. */
export interface TopicInfo {
  name: string;
  partitionCount: number;
  /** Sorted by partition id. */
  partitions: PartitionMetadata[];
  /** The largest record batch the topic accepts (its max.message.bytes). */
  maxMessageBytes: number;
  /** cleanup.policy includes `compact`: every record needs a key. */
  compacted: boolean;
}

/** What the produce service and the consumer runtime need from Kafka; the seam unit tests replace. */
export interface RecordWriter {
  /**
   * The topic's metadata, at most `metadataMaxAgeMs` old; looked up again first when it lacks `partition`.
   * Throws TopicNotFoundError (404) when the topic does not exist.
   */
  topicInfo(topic: string, partition?: number): Promise<TopicInfo>;
  /** Writes the records; one result per record, in order. Throws only when nothing was sent. */
  write(topic: string, records: OutgoingRecord[], options: WriteOptions): Promise<WriteResult[]>;
}

/** The part of {@link KafkaConnection} the writer produces with. */
export type WriterConnection = Pick<KafkaConnection, 'config' | 'produce' | 'resetProducers'>;

/** The part of {@link KafkaAdmin} the writer reads topic metadata with. */
export type WriterAdmin = Pick<KafkaAdmin, 'run'>;

// Record batch v2 framing: https://kafka.apache.org/documentation/#recordbatch
const BATCH_OVERHEAD_BYTES = 61;
const RECORD_OVERHEAD_BYTES = 21;
const HEADER_OVERHEAD_BYTES = 10;

/** An upper bound of a record's size inside an uncompressed v2 record batch. */
function recordBytes(record: Pick<OutgoingRecord, 'key' | 'value' | 'headers'>): number {
  let size = RECORD_OVERHEAD_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const [name, values] of Object.entries(record.headers)) {
    for (const value of values) size += HEADER_OVERHEAD_BYTES + Buffer.byteLength(name) + value.length;
  }
  return size;
}

/** The size of a batch holding only this record: what max.message.bytes is compared with. */
function singleRecordBatchBytes(record: Pick<OutgoingRecord, 'key' | 'value' | 'headers'>): number {
  return BATCH_OVERHEAD_BYTES + recordBytes(record);
}

/** Why a record can never be written to the topic as it stands; `field` is the record's field at fault. */
export interface RecordRefusal {
  error: ServiceError;
  field: 'partition' | 'key' | undefined;
}

/**
 * The reason the topic will never take `record`, or undefined: a partition it does not have (checked
 * against metadata known to be fresh enough, see {@link RecordWriter.topicInfo}), a record over its
 * max.message.bytes, a record without a key on a compacted topic (the broker refuses those as invalid).
 */
export function recordRefusal(info: TopicInfo, record: OutgoingRecord): RecordRefusal | undefined {
  if (record.partition !== undefined && record.partition >= info.partitionCount) {
    return {
      error: new PartitionNotFoundError(
        `partition ${record.partition} does not exist: topic ${info.name} has partitions 0-${info.partitionCount - 1}`,
      ),
      field: 'partition',
    };
  }
  const size = singleRecordBatchBytes(record);
  if (size > info.maxMessageBytes) {
    return {
      error: new RecordTooLargeError(
        `${size} bytes as a batch; topic ${info.name} accepts ${info.maxMessageBytes} (max.message.bytes)`,
      ),
      field: undefined,
    };
  }
  if (info.compacted && record.key === null) {
    return {
      error: new InvalidRecordError(
        `topic ${info.name} is compacted (cleanup.policy=compact): every record needs a key`,
      ),
      field: 'key',
    };
  }
  return undefined;
}

const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

interface IndexedRecord {
  index: number;
  record: OutgoingRecord;
}

/** Records not written because the client's own state was out of date: sent again after a refresh. */
interface Unsent {
  entries: IndexedRecord[];
  partition: number;
  error: ServiceError;
  stale: StaleState;
}

/** One partition's share of a write, and where its outcomes go. */
interface PartitionWrite {
  topic: string;
  partition: number;
  options: WriteOptions;
  results: WriteResult[];
}

/** How a chunk's send failed, for its records from `entries` on (earlier ones of the chunk were written). */
interface ChunkFailure {
  entries: IndexedRecord[];
  error: ServiceError;
  stale: StaleState | undefined;
}

/**
 * The implementation of {@link RecordWriter} over one connection's producers and admin, with a topic
 * metadata cache bounded in age (KAFKA_METADATA_MAX_AGE_MS).
 *
 * @example
 * const writer = new KafkaRecordWriter(connection, new KafkaAdmin(connection), new KafkaAdmin(connection, new KafkaAdmin(connection)));
 * const results = await writer.write('events', records, { acks: 'all', compression: 'none', deadline });
 */
export class KafkaRecordWriter implements RecordWriter {
  private readonly metadata = new Map<
    string,
    { info: Promise<TopicInfo>; expires: number; settled?: TopicInfo }
  >();
  private readonly keyedPartitioner = Partitioners.DefaultPartitioner();
  private stickyCounter = Math.floor(Math.random() * 1024);

  constructor(
    private readonly connection: WriterConnection,
    private readonly admin: WriterAdmin,
  ) {}

  async topicInfo(topic: string, partition?: number): Promise<TopicInfo> {
    const info = await this.cachedTopicInfo(topic);
    if (partition === undefined || partition < info.partitionCount) return info;
    return this.refreshedTopicInfo(topic, info);
  }

  private cachedTopicInfo(topic: string): Promise<TopicInfo> {
    const cached = this.metadata.get(topic);
    if (cached && cached.expires > Date.now()) return cached.info;
    const info = this.loadTopicInfo(topic);
    const entry: { info: Promise<TopicInfo>; expires: number; settled?: TopicInfo } = {
      info,
      expires: Date.now() + this.connection.config.metadataMaxAgeMs,
    };
    this.metadata.set(topic, entry);
    info.then(
      (settled) => {
        entry.settled = settled;
      },
      () => {
        if (this.metadata.get(topic) === entry) this.metadata.delete(topic);
      },
    );
    return info;
  }

  /** Metadata looked up again, unless another caller already replaced `stale` (then theirs is used). */
  private refreshedTopicInfo(topic: string, stale: TopicInfo): Promise<TopicInfo> {
    if (this.metadata.get(topic)?.settled === stale) this.metadata.delete(topic);
    return this.cachedTopicInfo(topic);
  }

  /** Partitions and limits, within KAFKA_REQUEST_TIMEOUT_MS (a stale admin is replaced by KafkaAdmin.run). */
  private loadTopicInfo(topic: string): Promise<TopicInfo> {
    return this.admin.run(this.connection.config.requestTimeoutMs, async (admin) => {
      const [partitions, configs] = await Promise.all([
        admin.topicPartitions(topic),
        admin.topicConfigs(topic, ['max.message.bytes', 'cleanup.policy']),
      ]);
      // A topic whose partitions are not listed yet (being created, or deleted meanwhile) takes no writes.
      if (partitions.length === 0) throw new TopicNotFoundError(`topic ${topic} does not exist`);
      const config = (name: string) => configs.find((entry) => entry.configName === name)?.configValue;
      return {
        name: topic,
        partitionCount: partitions.length,
        partitions: [...partitions].sort((a, b) => a.partitionId - b.partitionId),
        maxMessageBytes: Number(config('max.message.bytes') ?? DEFAULT_MAX_MESSAGE_BYTES),
        compacted: (config('cleanup.policy') ?? '').split(',').includes('compact'),
      };
    });
  }

  async write(topic: string, records: OutgoingRecord[], options: WriteOptions): Promise<WriteResult[]> {
    const results: WriteResult[] = new Array(records.length);
    let pending = records.map((record, index) => ({ index, record }));
    let info = await this.topicInfo(topic, highestPartition(pending));
    let unsent: Unsent[] = [];
    let refreshFailed = false;
    const failAll = (error: ServiceError | ((entry: Unsent) => ServiceError)) => {
      for (const entry of unsent) {
        const failure = typeof error === 'function' ? error(entry) : error;
        for (const { index } of entry.entries)
          results[index] = { ok: false, partition: entry.partition, error: failure };
      }
    };
    try {
      await recoverStaleState({
        deadline: options.deadline,
        attempt: async () => {
          unsent = await this.writeRound(info, pending, options, results);
        },
        isStale: () => unsent.length > 0,
        refresh: async () => {
          // UNKNOWN_TOPIC_OR_PARTITION from a producer may also mean its metadata names a deleted topic (see
          // KafkaConnection): fresh producers, like a fresh producer state, cost one connection.
          if (
            unsent.some(({ stale, error }) => stale === 'producer' || error instanceof TopicNotFoundError)
          ) {
            this.connection.resetProducers();
          }
          try {
            info = await withDeadline(this.refreshedTopicInfo(topic, info), options.deadline);
          } catch (error) {
            refreshFailed = true;
            throw error;
          }
          pending = unsent.flatMap(({ entries }) => entries).sort((a, b) => a.index - b.index);
        },
      });
    } catch (cause) {
      if (!refreshFailed) throw cause;
      // The refresh failed: the records it was for fail with its error.
      failAll(fromKafkaError(cause));
      return results;
    }
    failAll((entry) => entry.error);
    return results;
  }

  /** Places and sends `pending`; fills `results` except for the records to send again, which it returns. */
  private async writeRound(
    info: TopicInfo,
    pending: IndexedRecord[],
    options: WriteOptions,
    results: WriteResult[],
  ): Promise<Unsent[]> {
    const unsent: Unsent[] = [];
    await Promise.all(
      [...this.place(info, pending, results)].map(async ([partition, entries]) => {
        const chunks = chunkBySize(entries, info.maxMessageBytes);
        const target = { topic: info.name, partition, options, results };
        for (const [position, chunk] of chunks.entries()) {
          const failure = await this.sendChunk(target, chunk);
          if (!failure) continue;
          // The failed records and every later chunk of this partition: nothing is written out of order.
          const rest = [...failure.entries, ...chunks.slice(position + 1).flat()];
          const { error, stale } = failure;
          if (stale) unsent.push({ entries: rest, partition, error, stale });
          else for (const { index } of rest) results[index] = { ok: false, partition, error };
          return;
        }
      }),
    );
    return unsent;
  }

  /** Chooses each record's partition; a record the topic can never take gets its failure here. */
  private place(
    info: TopicInfo,
    pending: IndexedRecord[],
    results: WriteResult[],
  ): Map<number, IndexedRecord[]> {
    const sticky = this.stickyCounter++ % info.partitionCount;
    // kafkajs' partitioner reads the partition list (its length: murmur2 of the key modulo the count).
    const partitionMetadata: KafkajsPartitionMetadata[] = info.partitions.map((partition) => ({
      ...partition,
      partitionErrorCode: 0,
    }));
    const byPartition = new Map<number, IndexedRecord[]>();
    for (const entry of pending) {
      const { record } = entry;
      const key = record.partitionKey ?? record.key;
      const partition =
        record.partition ??
        (key === null
          ? sticky
          : this.keyedPartitioner({
              topic: info.name,
              partitionMetadata,
              message: { key, value: null },
            }));
      const refusal = recordRefusal(info, record);
      if (refusal) {
        results[entry.index] = { ok: false, partition, error: refusal.error };
        continue;
      }
      const list = byPartition.get(partition) ?? [];
      list.push(entry);
      byPartition.set(partition, list);
    }
    return byPartition;
  }

  /** Sends one chunk; fills the results of what was written and returns the failure of the rest, if any. */
  private async sendChunk(target: PartitionWrite, chunk: IndexedRecord[]): Promise<ChunkFailure | undefined> {
    const { topic, partition, options, results } = target;
    try {
      const answer = await withDeadline(
        this.connection.produce({
          topic,
          partition,
          messages: chunk.map(({ record }) => record),
          acks: options.acks,
          compression: options.compression,
        }),
        options.deadline,
      );
      if (answer === undefined && options.acks !== 'none') {
        // No answer for the partition: nothing was sent for it (a broker answers every partition it got).
        const error = new NotAcknowledgedError(
          `the broker gave no offset for partition ${partition} of topic ${topic}; it was not written`,
        );
        return { entries: chunk, error, stale: 'metadata' };
      }
      chunk.forEach(({ index, record }, i) => {
        results[index] = {
          ok: true,
          partition,
          offset: answer ? addOffset(answer.baseOffset, i) : null,
          timestamp: answer?.logAppendTime ?? record.timestamp,
        };
      });
      return undefined;
    } catch (cause) {
      const error = fromKafkaError(cause);
      const stale = staleClientState(cause);
      if (stale || chunk.length === 1 || !isRecordRefusal(error)) return { entries: chunk, error, stale };
      return this.sendOneByOne(target, chunk);
    }
  }

  /**
   * The broker refused a whole chunk for what may be one record in it (it refuses batches, not records):
   * each record is sent alone, in order; the refused ones fail, the others are written.
   */
  private async sendOneByOne(
    target: PartitionWrite,
    chunk: IndexedRecord[],
  ): Promise<ChunkFailure | undefined> {
    for (const [position, entry] of chunk.entries()) {
      const failure = await this.sendChunk(target, [entry]);
      if (!failure) continue;
      if (failure.stale || !isRecordRefusal(failure.error))
        return { ...failure, entries: chunk.slice(position) };
      target.results[entry.index] = { ok: false, partition: target.partition, error: failure.error };
    }
    return undefined;
  }
}

/** The highest explicit partition among the records, if any names one. */
function highestPartition(entries: readonly IndexedRecord[]): number | undefined {
  let highest: number | undefined;
  for (const { record } of entries) {
    if (record.partition !== undefined && (highest === undefined || record.partition > highest))
      highest = record.partition;
  }
  return highest;
}

/**
 * A 64-bit offset plus `delta`, as a string: Number arithmetic while it is exact (below 2^53, as any
 * real partition's offsets are), BigInt beyond.
 */
function addOffset(base: string, delta: number): string {
  const sum = Number(base) + delta;
  return Number.isSafeInteger(sum) ? String(sum) : (BigInt(base) + BigInt(delta)).toString();
}

/** Splits one partition's records, in order, into batches that each fit the topic's batch limit. */
function chunkBySize(entries: IndexedRecord[], maxBatchBytes: number): IndexedRecord[][] {
  const chunks: IndexedRecord[][] = [];
  let current: IndexedRecord[] = [];
  let size = BATCH_OVERHEAD_BYTES;
  for (const entry of entries) {
    const bytes = recordBytes(entry.record);
    if (current.length > 0 && size + bytes > maxBatchBytes) {
      chunks.push(current);
      current = [];
      size = BATCH_OVERHEAD_BYTES;
    }
    current.push(entry);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
