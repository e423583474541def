/**
 * A Kafka cluster in memory behind the seams KafkaRecordWriter talks to (WriterConnection, WriterAdmin):
 * topics with partitions, limits and logs, answers as a broker gives them (produce failures as kafkajs
 * throws them, so that their mapping is tested too), and a script of faults for the next produce calls.
 * For unit tests of the write path; integration tests use the real broker.
 */
import { KafkaJSProtocolError } from 'kafkajs';
import { TopicNotFoundError } from '../../src/shared/errors.js';
import type { AdminOperations } from '../../src/shared/kafka/admin.js';
import type { PartitionAnswer, ProduceCall } from '../../src/shared/kafka/client.js';
import { type KafkaConfig, loadKafkaConfig } from '../../src/shared/kafka/config.js';
import type { WriterAdmin, WriterConnection } from '../../src/shared/kafka/writer.js';

/** A protocol error as kafkajs builds it from a broker's error code. */
export function protocolError(type: string, code: number, retriable = false): Error {
  return new KafkaJSProtocolError({
    type,
    code,
    retriable,
    message: `${type} happened`,
  } as unknown as string);
}

export interface FakeTopic {
  partitions: number;
  maxMessageBytes?: number;
  compacted?: boolean;
}

/** What the next produce call does instead of what the cluster would: drop it (no answer), or throw. */
export type Fault = 'no-answer' | Error | Promise<never>;

export class FakeCluster implements WriterConnection, WriterAdmin {
  readonly config: Readonly<KafkaConfig>;
  private readonly topics = new Map<string, FakeTopic & { logs: ProduceCall['messages'][] }>();
  /** Every produce call, in order, faulted or not. */
  readonly calls: ProduceCall[] = [];
  readonly faults: Fault[] = [];
  metadataLookups = 0;
  producerResets = 0;

  constructor(env: NodeJS.ProcessEnv = {}) {
    this.config = loadKafkaConfig({ KAFKA_BROKERS: 'fake:9092', ...env });
  }

  /** Creates, grows or recreates (emptied) a topic. */
  topic(name: string, topic: FakeTopic, keepLogs = false): this {
    const logs = keepLogs ? (this.topics.get(name)?.logs ?? []) : [];
    while (logs.length < topic.partitions) logs.push([]);
    this.topics.set(name, { ...topic, logs: logs.slice(0, topic.partitions) });
    return this;
  }

  /** What partition `partition` of `topic` holds, in offset order. */
  log(topic: string, partition: number): ProduceCall['messages'] {
    return this.topics.get(topic)?.logs[partition] ?? [];
  }

  /** The metadata calls the writer makes; the others are not part of this fake. */
  async run<T>(_timeoutMs: number, operation: (admin: AdminOperations) => Promise<T>): Promise<T> {
    const topic = (name: string) => {
      const found = this.topics.get(name);
      if (!found) throw new TopicNotFoundError(`topic ${name} not found`);
      return found;
    };
    const operations: Pick<AdminOperations, 'topicPartitions' | 'topicConfigs'> = {
      topicPartitions: async (name) => {
        this.metadataLookups++;
        return Array.from({ length: topic(name).partitions }, (_, partitionId) => ({
          partitionId,
          leader: 1,
          replicas: [1],
          isr: [1],
          offlineReplicas: [],
        }));
      },
      topicConfigs: async (name) => {
        const { maxMessageBytes, compacted } = topic(name);
        return [
          ['max.message.bytes', String(maxMessageBytes ?? 1_048_588)],
          ['cleanup.policy', compacted ? 'compact' : 'delete'],
        ].map(([configName = '', configValue = '']) => ({
          configName,
          configValue,
          configSource: 1,
          isDefault: false,
          isSensitive: false,
          readOnly: false,
        }));
      },
    };
    return operation(operations as AdminOperations);
  }

  resetProducers(): void {
    this.producerResets++;
  }

  async produce(call: ProduceCall): Promise<PartitionAnswer | undefined> {
    this.calls.push(call);
    const fault = this.faults.shift();
    if (fault === 'no-answer') return undefined;
    if (fault instanceof Error) throw fault;
    if (fault) return fault;
    const topic = this.topics.get(call.topic);
    const log = topic?.logs[call.partition];
    if (!topic || !log) throw protocolError('UNKNOWN_TOPIC_OR_PARTITION', 3, true);
    const bytes = call.messages.reduce(
      (sum, m) => sum + 82 + (m.key?.length ?? 0) + (m.value?.length ?? 0),
      0,
    );
    if (bytes > (topic.maxMessageBytes ?? 1_048_588)) throw protocolError('MESSAGE_TOO_LARGE', 10);
    if (call.messages.some((m) => m.value?.toString() === 'invalid' || (topic.compacted && m.key === null)))
      throw protocolError('INVALID_RECORD', 87);
    const baseOffset = log.length;
    log.push(...call.messages);
    return call.acks === 'none' ? undefined : { baseOffset: String(baseOffset), logAppendTime: undefined };
  }
}
