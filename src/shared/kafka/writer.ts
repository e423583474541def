/**
 * Writes records to one topic and reports, for every record, where it landed or why it did not.
 *
 * Partitioning follows the Java client, so a key lands where any Kafka client would put it:
 * explicit partition, else murmur2 of the key (kafkajs' DefaultPartitioner is the Java one),
 * else one partition for the request's keyless records ("sticky", KIP-480), rotating between requests.
 * Each partition's records go in their own produce call so a failure on one partition never hides the
 * success of another; records of one partition are split in order into chunks under the topic's
 * max.message.bytes, and a failed chunk stops that partition so nothing is written out of order.
 */
import type { Message, PartitionMetadata } from 'kafkajs';
import { type ServiceError, TopicNotFoundError } from '../errors.js';
import { ACKS, type Acks, type KafkaConnection } from './client.js';
import { withDeadline } from './deadline.js';
import { fromKafkaError } from './errors.js';
import { CompressionTypes, ConfigResourceTypes, Partitioners } from './kafkajs.js';

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

export type WriteResult =
  | { ok: true; partition: number; offset: string | null; timestamp: number }
  | { ok: false; partition: number; error: ServiceError };

export interface WriteOptions {
  acks: Acks;
  compression: 'none' | 'gzip';
  /** Epoch milliseconds after which unsent records fail with a timeout. */
  deadline: number;
}

export interface TopicInfo {
  name: string;
  partitionCount: number;
  partitions: PartitionMetadata[];
  /** The largest record batch the topic accepts (its max.message.bytes). */
  maxMessageBytes: number;
}

/** What the produce service needs from Kafka; the seam unit tests replace. */
export interface RecordWriter {
  topicInfo(topic: string): Promise<TopicInfo>;
  write(topic: string, records: OutgoingRecord[], options: WriteOptions): Promise<WriteResult[]>;
}

// Record batch v2 framing: https://kafka.apache.org/documentation/#recordbatch
const BATCH_OVERHEAD_BYTES = 61;
const RECORD_OVERHEAD_BYTES = 21;
const HEADER_OVERHEAD_BYTES = 10;

/** An upper bound of a record's size inside an uncompressed v2 record batch. */
export function recordBytes(record: Pick<OutgoingRecord, 'key' | 'value' | 'headers'>): number {
  let size = RECORD_OVERHEAD_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const [name, values] of Object.entries(record.headers)) {
    for (const value of values) size += HEADER_OVERHEAD_BYTES + Buffer.byteLength(name) + value.length;
  }
  return size;
}

/** The size of a batch holding only this record: what max.message.bytes is compared with. */
export function singleRecordBatchBytes(record: Pick<OutgoingRecord, 'key' | 'value' | 'headers'>): number {
  return BATCH_OVERHEAD_BYTES + recordBytes(record);
}

const METADATA_TTL_MS = 30_000;
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

interface IndexedRecord {
  index: number;
  record: OutgoingRecord;
}

/** The kafkajs implementation of {@link RecordWriter}, with a short-lived topic metadata cache. */
export class KafkaRecordWriter implements RecordWriter {
  private readonly metadata = new Map<string, { info: Promise<TopicInfo>; expires: number }>();
  private readonly keyedPartitioner = Partitioners.DefaultPartitioner();
  private stickyCounter = Math.floor(Math.random() * 1024);

  constructor(private readonly connection: KafkaConnection) {}

  topicInfo(topic: string): Promise<TopicInfo> {
    const cached = this.metadata.get(topic);
    if (cached && cached.expires > Date.now()) return cached.info;
    const info = this.loadTopicInfo(topic).catch(async (error: unknown) => {
      if (!(error instanceof TopicNotFoundError)) throw error;
      // Maybe only stale: another topic this admin once looked at was deleted (see KafkaConnection).
      await this.connection.resetAdmin();
      return this.loadTopicInfo(topic);
    });
    this.metadata.set(topic, { info, expires: Date.now() + METADATA_TTL_MS });
    info.catch(() => this.metadata.delete(topic));
    return info;
  }

  private async loadTopicInfo(topic: string): Promise<TopicInfo> {
    const deadline = Date.now() + this.connection.config.requestTimeoutMs;
    try {
      const admin = await withDeadline(this.connection.admin(), deadline);
      const [{ topics }, configs] = await withDeadline(
        Promise.all([
          admin.fetchTopicMetadata({ topics: [topic] }),
          admin.describeConfigs({
            includeSynonyms: false,
            resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
          }),
        ]),
        deadline,
      );
      const partitions = topics[0]?.partitions ?? [];
      if (partitions.length === 0) throw new TopicNotFoundError(`topic ${topic} does not exist`);
      const maxMessageBytes = Number(
        configs.resources[0]?.configEntries.find((entry) => entry.configName === 'max.message.bytes')
          ?.configValue ?? DEFAULT_MAX_MESSAGE_BYTES,
      );
      return {
        name: topic,
        partitionCount: partitions.length,
        partitions: [...partitions].sort((a, b) => a.partitionId - b.partitionId),
        maxMessageBytes,
      };
    } catch (error) {
      const mapped = fromKafkaError(error);
      if (mapped instanceof TopicNotFoundError) throw new TopicNotFoundError(`topic ${topic} does not exist`);
      throw mapped;
    }
  }

  /** Forgets cached metadata, e.g. after the broker said a partition does not exist. */
  forget(topic: string): void {
    this.metadata.delete(topic);
  }

  async write(topic: string, records: OutgoingRecord[], options: WriteOptions): Promise<WriteResult[]> {
    const info = await this.topicInfo(topic);
    const byPartition = this.assignPartitions(topic, info, records);
    const results: WriteResult[] = new Array(records.length);
    await Promise.all(
      [...byPartition].map(async ([partition, entries]) => {
        const chunks = chunkBySize(entries, info.maxMessageBytes);
        for (const [position, chunk] of chunks.entries()) {
          try {
            const offsets = await withDeadline(
              this.sendChunkOnce(topic, partition, chunk, options),
              options.deadline,
            );
            chunk.forEach(({ index, record }, i) => {
              results[index] = {
                ok: true,
                partition,
                offset: offsets.offsetOf(i),
                timestamp: offsets.timestamp ?? record.timestamp,
              };
            });
          } catch (cause) {
            const error = fromKafkaError(cause);
            if (error instanceof TopicNotFoundError) this.forget(topic);
            // The failed chunk and every later one of this partition: nothing is written out of order.
            for (const { index } of chunks.slice(position).flat())
              results[index] = { ok: false, partition, error };
            return;
          }
        }
      }),
    );
    return results;
  }

  private assignPartitions(
    topic: string,
    info: TopicInfo,
    records: OutgoingRecord[],
  ): Map<number, IndexedRecord[]> {
    const sticky = this.stickyCounter++ % info.partitionCount;
    const byPartition = new Map<number, IndexedRecord[]>();
    records.forEach((record, index) => {
      const key = record.partitionKey ?? record.key;
      const partition =
        record.partition ??
        (key === null
          ? sticky
          : this.keyedPartitioner({
              topic,
              partitionMetadata: info.partitions,
              message: { key, value: null },
            }));
      const list = byPartition.get(partition) ?? [];
      list.push({ index, record });
      byPartition.set(partition, list);
    });
    return byPartition;
  }

  /**
   * Sends a chunk; if the producer says the topic is unknown but a fresh metadata look-up finds it, the
   * producer's metadata is stale (a topic it once wrote to was deleted elsewhere): replace it, send again.
   */
  private async sendChunkOnce(
    topic: string,
    partition: number,
    chunk: IndexedRecord[],
    options: WriteOptions,
  ) {
    try {
      return await this.sendChunk(topic, partition, chunk, options);
    } catch (cause) {
      if (!(fromKafkaError(cause) instanceof TopicNotFoundError)) throw cause;
      this.forget(topic);
      await this.topicInfo(topic);
      await this.connection.resetProducers();
      return this.sendChunk(topic, partition, chunk, options);
    }
  }

  private async sendChunk(topic: string, partition: number, chunk: IndexedRecord[], options: WriteOptions) {
    const producer = await this.connection.producer(options.acks);
    const messages: Message[] = chunk.map(({ record }) => ({
      key: record.key,
      value: record.value,
      headers: record.headers,
      partition,
      timestamp: String(record.timestamp),
    }));
    const metadata = await producer.send({
      topic,
      messages,
      acks: ACKS[options.acks],
      compression: options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      timeout: this.connection.config.requestTimeoutMs,
    });
    const answer = metadata.find((entry) => entry.partition === partition);
    const baseOffset = answer?.baseOffset ?? answer?.offset;
    const logAppendTime = answer?.logAppendTime !== undefined ? Number(answer.logAppendTime) : -1;
    return {
      // acks=none: the broker sends no answer, so no offset is known.
      offsetOf: (i: number) => (baseOffset === undefined ? null : addOffset(baseOffset, i)),
      timestamp: logAppendTime >= 0 ? logAppendTime : undefined,
    };
  }
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
