/**
 * A single-partition compacted topic used as a durable key-value log, the way Confluent's schema registry
 * keeps `_schemas` (and Kafka Connect its config topic): read whole at start-up, then written through with
 * `acks=all`. Plain types in and out, so callers never touch kafkajs.
 */
import type { Cluster } from 'kafkajs';
import type { KafkaConnection } from './client.js';
import { ConfigResourceTypes } from './kafkajs.js';

export interface LogRecord {
  key: Buffer | null;
  /** null is a tombstone. */
  value: Buffer | null;
  offset: string;
}

const PARTITION = 0;
/** Per fetch; the broker still returns a first batch larger than this whole (KIP-74). */
const FETCH_MAX_BYTES = 8 * 1024 * 1024;
/** Fetches in a row that bring nothing before the end offset is taken as lost. */
const EMPTY_FETCH_LIMIT = 50;

/**
 * Creates `topic` (one partition, `cleanup.policy=compact`, replication factor min(3, brokers)) unless it
 * exists; an existing one must have one partition and be compacted, else this throws, as Confluent's
 * registry refuses to start on a `_schemas` it could lose records from.
 */
export async function ensureCompactedTopic(connection: KafkaConnection, topic: string): Promise<void> {
  const admin = await connection.admin();
  const existing = await admin.listTopics();
  if (!existing.includes(topic)) {
    const { brokers } = await admin.describeCluster();
    const created = await admin
      .createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: 1,
            replicationFactor: Math.min(3, brokers.length),
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
      })
      .catch((error: unknown) => {
        // Another process created it in between: checked below like any existing topic.
        if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
        return false;
      });
    if (created) return;
  }
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = topics[0]?.partitions.length ?? 0;
  if (partitions !== 1)
    throw new Error(
      `topic ${topic} has ${partitions} partitions; it must have exactly one to keep its order`,
    );
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
  });
  const policy = configs.resources[0]?.configEntries.find((entry) => entry.configName === 'cleanup.policy');
  if (!policy?.configValue.split(',').includes('compact'))
    throw new Error(
      `topic ${topic} must have cleanup.policy=compact, not ${policy?.configValue ?? 'unknown'}`,
    );
}

interface FetchedRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  isControlRecord?: boolean;
  batchContext?: { firstOffset: string; lastOffsetDelta: number };
}

/**
 * Every record of partition 0 of `topic` from its start to the end offset it had when called, in offset
 * order. Compaction leaves gaps between offsets; the next fetch starts after the last batch fetched, so a
 * batch emptied by compaction is skipped rather than fetched again.
 */
export async function readToEnd(connection: KafkaConnection, topic: string): Promise<LogRecord[]> {
  const cluster = await connection.newCluster();
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    const offsetOf = async (fromBeginning: boolean) => {
      const [answer] = await cluster.fetchTopicsOffset([
        { topic, partitions: [{ partition: PARTITION }], fromBeginning },
      ]);
      return BigInt(answer?.partitions[0]?.offset ?? '0');
    };
    const end = await offsetOf(false);
    let next = await offsetOf(true);
    const records: LogRecord[] = [];
    for (let empty = 0; next < end; ) {
      const fetched = await fetchOnce(cluster, topic, next);
      let progressed = false;
      for (const record of fetched) {
        const batchEnd = record.batchContext
          ? BigInt(record.batchContext.firstOffset) + BigInt(record.batchContext.lastOffsetDelta) + 1n
          : BigInt(record.offset) + 1n;
        if (batchEnd > next) {
          progressed = true;
        }
        if (BigInt(record.offset) >= next && BigInt(record.offset) < end && !record.isControlRecord)
          records.push({ key: record.key, value: record.value, offset: record.offset });
        if (batchEnd > next) next = batchEnd;
      }
      if (progressed) empty = 0;
      else if (++empty >= EMPTY_FETCH_LIMIT)
        throw new Error(`topic ${topic} returned nothing at offset ${next} before its end offset ${end}`);
    }
    return records.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}

async function fetchOnce(cluster: Cluster, topic: string, offset: bigint): Promise<FetchedRecord[]> {
  const leaders = cluster.findLeaderForPartitions(topic, [PARTITION]);
  const leader = Object.keys(leaders)[0];
  if (leader === undefined) {
    await cluster.refreshMetadata();
    return [];
  }
  const broker = await cluster.findBroker({ nodeId: leader });
  const response = (await broker.fetch({
    maxWaitTime: 100,
    minBytes: 1,
    maxBytes: FETCH_MAX_BYTES,
    topics: [
      {
        topic,
        partitions: [{ partition: PARTITION, fetchOffset: offset.toString(), maxBytes: FETCH_MAX_BYTES }],
      },
    ],
  })) as { responses: { partitions: { messages: FetchedRecord[] }[] }[] };
  return response.responses[0]?.partitions[0]?.messages ?? [];
}

/**
 * Appends keyed records, in order, to partition 0 of `topic` with `acks=all` through the connection's
 * idempotent producer, and returns their offsets once the broker acknowledged them. Throws kafkajs'
 * error, or an error of its own when the broker returned no offset; then none of them may be taken as written.
 */
export async function appendRecords(
  connection: KafkaConnection,
  topic: string,
  records: { key: Buffer; value: Buffer | null }[],
): Promise<string[]> {
  const timestamp = Date.now();
  const answer = await connection.produce({
    topic,
    partition: PARTITION,
    acks: 'all',
    compression: 'none',
    messages: records.map(({ key, value }) => ({ key, value, headers: {}, timestamp })),
  });
  if (answer === undefined) throw new Error(`the broker returned no offset for ${topic}`);
  return records.map((_, index) => (BigInt(answer.baseOffset) + BigInt(index)).toString());
}
