/**
 * One event source mapping, polled as Lambda polls it: the driver between the broker and the delivery
 * policy (delivery.ts). It checks the mapping's topics (creating them when asked), positions a new group
 * for AT_TIMESTAMP, joins the group with a consumer from src/shared/kafka, feeds every fetched batch to the
 * policy and carries out its commits, pauses and resumes. Batching and invoking run in the policy's own
 * loop, so a long or retried invocation never stalls the consumer's heartbeats.
 */
import { BrokerTimeoutError, BrokerUnavailableError } from '../../shared/errors.js';
import type { AdminOperations, KafkaAdmin } from '../../shared/kafka/admin.js';
import { type GroupConsumer, groupConsumer } from '../../shared/kafka/group-consumer.js';
import { Delivery, type EmulatorLog, type Invoke } from './delivery.js';
import { type DestinationSink, kafkaDestinationTopic } from './destinations.js';
import { OfflineKafkaError } from './errors.js';
import type { EventSource } from './sources.js';

/** Bound of the start-up checks (topics, group position), creation of missing topics included. */
const PREPARE_TIMEOUT_MS = 60_000;

export interface PollerOptions {
  source: EventSource;
  /** Administration of the mapping's cluster: its topics are checked (and created) and its group positioned with it. */
  admin: Pick<KafkaAdmin, 'run'>;
  /** The consumer's client id. */
  clientId: string;
  invoke: Invoke;
  /** Needed when the mapping has an on-failure destination. */
  sink?: DestinationSink;
  log: EmulatorLog;
  /** Backoff between retries of a failed batch, in milliseconds. */
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /** Create the source and destination topics (one partition) when they are missing. */
  createTopics?: boolean;
}

/**
 * Polls one mapping.
 *
 * @example
 * const poller = new EventSourcePoller({ source, admin: new KafkaAdmin(connection), clientId: 'svc-offline-kafka',
 *   invoke, sink, log, retryInitialDelayMs: 1000, retryMaxDelayMs: 30_000 });
 * await poller.start(); // throws OfflineKafkaError BROKER_UNREACHABLE or TOPIC_MISSING
 * await poller.stop();
 */
export class EventSourcePoller {
  readonly source: EventSource;
  private readonly options: PollerOptions;
  private readonly delivery: Delivery;
  private consumer: GroupConsumer | undefined;

  constructor(options: PollerOptions) {
    this.options = options;
    this.source = options.source;
    this.delivery = new Delivery(options, {
      invoke: options.invoke,
      sink: options.sink,
      log: options.log,
      commit: async (offsets) => this.consumer?.commit(offsets),
      pause: (partition) => this.consumer?.pause([partition]),
      resume: (partitions) => this.consumer?.resume(partitions),
    });
  }

  /**
   * Checks the topics, positions a new group, joins it and starts polling. Throws OfflineKafkaError
   * (BROKER_UNREACHABLE, TOPIC_MISSING) naming the mapping and what to do.
   */
  async start(): Promise<void> {
    const { source } = this;
    await this.prepare();
    this.consumer = groupConsumer({
      brokers: source.brokers,
      clientId: this.options.clientId,
      groupId: source.groupId,
      topic: source.topic,
      fromBeginning: source.startingPosition !== 'LATEST',
      onBatch: (batch) => this.delivery.accept(batch),
      onJoin: (first) => {
        if (first) return;
        for (const [partition, offset] of this.delivery.requeue()) this.consumer?.seek(partition, offset);
      },
      warn: (message) => this.options.log.warn(`${source.brokers.join(',')}: ${message}`),
    });
    this.delivery.start();
    await this.consumer.start();
  }

  /** Stops polling; a batch in flight finishes (its offsets are committed if it succeeds), retries stop. */
  async stop(): Promise<void> {
    await this.delivery.stop();
    await this.consumer?.stop();
  }

  private async prepare(): Promise<void> {
    const { source } = this;
    const destination = source.destination && kafkaDestinationTopic(source.destination);
    const needed = [source.topic, ...(destination ? [destination] : [])];
    const missing = await this.administer(async (admin) => {
      const existing = new Set((await admin.listTopics()).map((topic) => topic.name));
      return needed.filter((topic) => !existing.has(topic));
    });
    if (missing.length > 0 && !this.options.createTopics) {
      throw new OfflineKafkaError(
        'TOPIC_MISSING',
        `${source.label}: topic(s) ${missing.join(', ')} missing on ${source.brokers.join(',')}. Create them, or set custom.offlineKafka.createTopics: true.`,
      );
    }
    await this.administer(async (admin) => {
      for (const name of missing) {
        // The broker's default replication factor (-1).
        await admin.createTopic({
          name,
          partitions: 1,
          replicationFactor: -1,
          configs: {},
          validateOnly: false,
        });
      }
      if (missing.length > 0) this.options.log.info(`created topic(s) ${missing.join(', ')}`);
      if (source.startingPosition === 'AT_TIMESTAMP') await this.positionAtTimestamp(admin);
    });
  }

  /** Runs administration calls; a broker that does not answer is an OfflineKafkaError saying what to do. */
  private async administer<T>(operation: (admin: AdminOperations) => Promise<T>): Promise<T> {
    const { source } = this;
    try {
      return await this.options.admin.run(PREPARE_TIMEOUT_MS, operation);
    } catch (error) {
      if (!(error instanceof BrokerUnavailableError || error instanceof BrokerTimeoutError)) throw error;
      throw new OfflineKafkaError(
        'BROKER_UNREACHABLE',
        `${source.label}: Kafka at ${source.brokers.join(',')} does not answer (${String(error)}). Start it (npm start does) or set KAFKA_BROKERS / custom.offlineKafka.brokers.`,
        { cause: error },
      );
    }
  }

  /**
   * AT_TIMESTAMP: partitions the group has no committed offset for start at the first record at or after
   * the timestamp (its log end when there is none). Committed offsets win, as on AWS
   * (kafka-consumer-group-id).
   */
  private async positionAtTimestamp(admin: AdminOperations): Promise<void> {
    const { groupId, topic, startingPositionTimestampMs = 0 } = this.source;
    const [partitions, committed] = await Promise.all([
      admin.topicPartitions(topic),
      admin.committedOffsets(groupId),
    ]);
    const done = new Set(
      committed.filter((one) => one.topic === topic && one.offset !== null).map((one) => one.partition),
    );
    const fresh = partitions.filter((partition) => !done.has(partition.partitionId));
    if (fresh.length === 0) return;
    const [byTime, latest] = await Promise.all([
      admin.offsetsAtTimestamp(topic, startingPositionTimestampMs),
      admin.topicOffsets(topic),
    ]);
    await admin.commitIdleGroupOffsets(
      groupId,
      topic,
      fresh.map(({ partitionId: partition }) => {
        const found = byTime.find((one) => one.partition === partition)?.offset;
        const end = latest.find((one) => one.partition === partition)?.high ?? '0';
        return { partition, offset: found === undefined || found === '-1' ? end : found };
      }),
    );
  }
}
