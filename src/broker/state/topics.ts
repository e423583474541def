/**
 * The topics of the cluster: names, ids, partition logs and config overrides; persisted under
 * `<dataDir>/topics/<name>/` (topic.json plus one folder per partition) when the broker has a data
 * directory.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { TopicConfig, validateTopicConfig } from '../configs.js';
import { PartitionLog } from '../log/partition.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';

export class Topic {
  config: TopicConfig;

  constructor(
    readonly name: string,
    readonly id: string,
    readonly partitions: PartitionLog[],
    overrides: Record<string, string>,
    /** Kafka's own topics (`__consumer_offsets`): listed, never written, read or deleted by clients. */
    readonly internal = false,
  ) {
    this.config = new TopicConfig(overrides);
  }
}

const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_NAME_LENGTH = 249;

/** Kafka's topic name rules (Topic.validate); throws INVALID_TOPIC_EXCEPTION. */
function validateTopicName(name: string): void {
  const why =
    name.length === 0
      ? "Topic name is illegal, it can't be empty"
      : name === '.' || name === '..'
        ? 'Topic name cannot be "." or ".."'
        : name.length > MAX_NAME_LENGTH
          ? `Topic name is illegal, it can't be longer than ${MAX_NAME_LENGTH} characters, topic name: ${name}`
          : !LEGAL_NAME.test(name)
            ? `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
            : undefined;
  if (why) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, why);
}

/** Writes a file so that a crash leaves either the old or the new content (write, fsync, rename). */
export function writeFileAtomic(path: string, content: string): void {
  const staging = `${path}.tmp`;
  writeFileSync(staging, content);
  const fd = openSync(staging, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(staging, path);
}

export interface TopicRegistryOptions {
  dataDir?: string;
  log: (message: string) => void;
}

export class TopicRegistry {
  private readonly topics = new Map<string, Topic>();
  private readonly root: string | undefined;

  constructor(private readonly options: TopicRegistryOptions) {
    this.root = options.dataDir ? join(options.dataDir, 'topics') : undefined;
    if (this.root) {
      mkdirSync(this.root, { recursive: true });
      this.load(this.root);
    }
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  byId(id: string): Topic | undefined {
    for (const topic of this.topics.values()) if (topic.id === id) return topic;
    return undefined;
  }

  all(): Topic[] {
    return [...this.topics.values()];
  }

  private partitionDir(name: string, index: number): string | undefined {
    return this.root ? join(this.root, name, String(index)) : undefined;
  }

  private newPartition(topic: () => Topic, name: string, index: number): PartitionLog {
    const dir = this.partitionDir(name, index);
    return new PartitionLog({
      ...(dir ? { dir } : {}),
      config: () => topic().config,
      log: (message) => this.options.log(`[${name}-${index}] ${message}`),
    });
  }

  /** Validates a creation without doing it; returns the normalized overrides. */
  validateCreate(
    name: string,
    partitions: number,
    configs: { name: string; value: string | null }[],
  ): Record<string, string> {
    validateTopicName(name);
    if (this.topics.has(name))
      throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    const normalized = name.replaceAll('.', '_');
    for (const existing of this.topics.keys()) {
      if (existing.replaceAll('.', '_') === normalized) {
        throw new KafkaError(
          ErrorCode.INVALID_TOPIC_EXCEPTION,
          `Topic '${name}' collides with existing topic: ${existing}`,
        );
      }
    }
    if (partitions < 1)
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    const overrides: Record<string, string> = {};
    for (const config of configs) overrides[config.name] = validateTopicConfig(config.name, config.value);
    return overrides;
  }

  create(name: string, partitions: number, overrides: Record<string, string>): Topic {
    const id = randomBytes(16).toString('hex');
    const logs: PartitionLog[] = [];
    const topic = new Topic(name, id, logs, overrides);
    this.save(topic, partitions);
    for (let i = 0; i < partitions; i++) logs.push(this.newPartition(() => topic, name, i));
    this.topics.set(name, topic);
    this.options.log(`created topic ${name} with ${partitions} partition(s)`);
    return topic;
  }

  /**
   * Registers an internal topic, held in memory only: this broker keeps group offsets in its own journal,
   * so the topic exists for clients that list it, with no records.
   */
  createInternal(name: string, partitions: number, overrides: Record<string, string>): Topic {
    const logs: PartitionLog[] = [];
    const topic = new Topic(name, randomBytes(16).toString('hex'), logs, overrides, true);
    for (let i = 0; i < partitions; i++) logs.push(new PartitionLog({ config: () => topic.config }));
    this.topics.set(name, topic);
    return topic;
  }

  delete(name: string): Topic {
    const topic = this.topics.get(name);
    if (!topic) {
      throw new KafkaError(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        'This server does not host this topic-partition.',
      );
    }
    if (topic.internal)
      throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot delete internal topic ${name}`);
    this.topics.delete(name);
    for (const partition of topic.partitions) partition.destroy();
    if (this.root) rmSync(join(this.root, name), { recursive: true, force: true });
    this.options.log(`deleted topic ${name}`);
    return topic;
  }

  addPartitions(topic: Topic, count: number): void {
    this.save(topic, count);
    for (let i = topic.partitions.length; i < count; i++)
      topic.partitions.push(this.newPartition(() => topic, topic.name, i));
    this.options.log(`topic ${topic.name} now has ${count} partitions`);
  }

  setConfig(topic: Topic, overrides: Record<string, string>): void {
    topic.config = new TopicConfig(overrides);
    this.save(topic, topic.partitions.length);
  }

  close(): void {
    for (const topic of this.topics.values()) for (const partition of topic.partitions) partition.close();
  }

  flush(): void {
    for (const topic of this.topics.values()) for (const partition of topic.partitions) partition.flush();
  }

  private save(topic: Topic, partitions: number): void {
    if (!this.root || topic.internal) return;
    const dir = join(this.root, topic.name);
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(
      join(dir, 'topic.json'),
      `${JSON.stringify({ name: topic.name, id: topic.id, partitions, configs: topic.config.overrides }, null, 2)}\n`,
    );
  }

  private load(root: string): void {
    for (const name of readdirSync(root)) {
      const file = join(root, name, 'topic.json');
      if (!existsSync(file)) {
        // A creation cut short before its metadata was written: nothing was acknowledged.
        rmSync(join(root, name), { recursive: true, force: true });
        continue;
      }
      const saved = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        id: string;
        partitions: number;
        configs: Record<string, string>;
      };
      const logs: PartitionLog[] = [];
      const topic = new Topic(saved.name, saved.id, logs, saved.configs);
      for (let i = 0; i < saved.partitions; i++) logs.push(this.newPartition(() => topic, saved.name, i));
      this.topics.set(saved.name, topic);
    }
    if (this.topics.size > 0) this.options.log(`loaded ${this.topics.size} topic(s) from ${root}`);
  }
}
