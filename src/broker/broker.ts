/**
 * The embedded broker's state and services: topics and their logs, the group coordinator and committed
 * offsets, producer ids, Fetch long-poll waiters, and the periodic retention and compaction tasks. The
 * network side is in server.ts; each API's behaviour is in ./apis.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GroupCoordinator } from './groups/coordinator.js';
import { OffsetStore } from './groups/offsets.js';
import type { PartitionLog } from './log/partition.js';
import type { Logger } from './logger.js';
import { type Topic, TopicRegistry, writeFileAtomic } from './state/topics.js';

export interface BrokerSettings {
  nodeId: number;
  /** Host and port written into Metadata and FindCoordinator answers. */
  advertisedHost: string;
  advertisedPort: number;
  dataDir: string | undefined;
  /** auto.create.topics.enable (Kafka's default is true; this broker's is false). */
  autoCreateTopics: boolean;
  /** num.partitions: partitions of auto-created topics and of CreateTopics with -1. */
  numPartitions: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupInitialRebalanceDelayMs: number;
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs: number;
  /** log.cleaner.backoff.ms */
  cleanerBackoffMs: number;
}

const OFFSETS_TOPIC = '__consumer_offsets';

/** Producer ids are handed out from blocks; the next block's start is saved before any id of it is used. */
const PRODUCER_ID_BLOCK = 1000;

export class Broker {
  readonly clusterId: string;
  readonly topics: TopicRegistry;
  readonly offsets: OffsetStore;
  readonly groups: GroupCoordinator;
  /** Set once close() starts: long polls answer at once. */
  closing = false;
  private nextProducerId = 0;
  private producerIdLimit = 0;
  private readonly waiters = new Map<PartitionLog, Set<() => void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly metaFile: string | undefined;
  private readonly cleanMarker: string | undefined;

  constructor(
    readonly settings: BrokerSettings,
    readonly logger: Logger,
  ) {
    const log = (message: string) => logger.info(message);
    let clusterId = randomBytes(16).toString('base64url').slice(0, 22);
    if (settings.dataDir) {
      mkdirSync(settings.dataDir, { recursive: true });
      this.metaFile = join(settings.dataDir, 'meta.json');
      this.cleanMarker = join(settings.dataDir, '.clean-shutdown');
      if (existsSync(this.metaFile)) {
        const meta = JSON.parse(readFileSync(this.metaFile, 'utf8')) as {
          clusterId: string;
          nextProducerId: number;
        };
        clusterId = meta.clusterId;
        this.nextProducerId = meta.nextProducerId;
        this.producerIdLimit = meta.nextProducerId;
      }
      if (!existsSync(this.cleanMarker) && existsSync(this.metaFile)) {
        logger.warn(`${settings.dataDir} was not shut down cleanly; recovering the logs`);
      }
      rmSync(this.cleanMarker, { force: true });
    }
    this.clusterId = clusterId;
    this.saveMeta();
    this.topics = new TopicRegistry({ ...(settings.dataDir ? { dataDir: settings.dataDir } : {}), log });
    this.offsets = new OffsetStore(settings.dataDir, log);
    this.groups = new GroupCoordinator(this.offsets, {
      minSessionTimeoutMs: settings.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: settings.groupMaxSessionTimeoutMs,
      initialRebalanceDelayMs: settings.groupInitialRebalanceDelayMs,
      log: (message) => logger.debug(message),
    });
    if (this.offsets.groupIds().length > 0) this.ensureOffsetsTopic();
    this.timers.push(
      setInterval(() => this.eachPartition((p) => p.enforceRetention()), settings.retentionCheckIntervalMs),
      setInterval(() => this.eachPartition((p) => p.compact()), settings.cleanerBackoffMs),
    );
    for (const timer of this.timers) timer.unref();
  }

  private eachPartition(task: (partition: PartitionLog) => void): void {
    for (const topic of this.topics.all()) {
      for (const partition of topic.partitions) {
        try {
          task(partition);
        } catch (error) {
          this.logger.error(`log maintenance of ${topic.name} failed: ${String(error)}`);
        }
      }
    }
  }

  private saveMeta(): void {
    if (!this.metaFile) return;
    writeFileAtomic(
      this.metaFile,
      `${JSON.stringify({ clusterId: this.clusterId, nextProducerId: this.producerIdLimit })}\n`,
    );
  }

  /** A producer id never handed out before, across restarts. */
  newProducerId(): number {
    if (this.nextProducerId >= this.producerIdLimit) {
      this.producerIdLimit = this.nextProducerId + PRODUCER_ID_BLOCK;
      this.saveMeta();
    }
    return this.nextProducerId++;
  }

  /** Resolves on the next append to any of `partitions` or after `timeoutMs`. */
  waitForData(partitions: PartitionLog[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        for (const p of partitions) this.waiters.get(p)?.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      for (const p of partitions) {
        let set = this.waiters.get(p);
        if (!set) {
          set = new Set();
          this.waiters.set(p, set);
        }
        set.add(wake);
      }
    });
  }

  /** Wakes the Fetch requests waiting on `partition` (after an append, or when it is deleted). */
  notify(partition: PartitionLog): void {
    const set = this.waiters.get(partition);
    if (!set) return;
    this.waiters.delete(partition);
    for (const wake of set) wake();
  }

  /**
   * Kafka creates `__consumer_offsets` when a group coordinator is first looked up (50 partitions,
   * compacted); this broker lists it from then on, empty.
   */
  ensureOffsetsTopic(): void {
    if (this.topics.get(OFFSETS_TOPIC)) return;
    this.topics.createInternal(OFFSETS_TOPIC, 50, {
      'cleanup.policy': 'compact',
      'compression.type': 'producer',
      'segment.bytes': '104857600',
    });
  }

  /** Creates a topic with defaults (Metadata's auto-creation). */
  autoCreate(name: string): Topic {
    const overrides = this.topics.validateCreate(name, this.settings.numPartitions, []);
    return this.topics.create(name, this.settings.numPartitions, overrides);
  }

  deleteTopic(name: string): Topic {
    const topic = this.topics.delete(name);
    for (const partition of topic.partitions) this.notify(partition);
    this.offsets.deleteTopic(name);
    return topic;
  }

  /** Stops the timers, answers waiters, flushes and closes every file; marks a clean shutdown. */
  close(): void {
    this.closing = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const set of this.waiters.values()) for (const wake of set) wake();
    this.waiters.clear();
    this.groups.close();
    this.topics.flush();
    this.topics.close();
    this.offsets.close();
    if (this.cleanMarker) writeFileSync(this.cleanMarker, `${new Date().toISOString()}\n`);
  }
}
