/**
 * One event source mapping, polled as Lambda polls it
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-process.html and kafka-retry-configurations):
 * one consumer group, batches of up to `batchSize` records gathered for at most the batching window
 * (counted from the first record) and never past 6 MB, one batch in flight at a time, offsets committed
 * per partition after the batch succeeded, failed batches retried (bounded, bisected, partially
 * acknowledged or sent to a destination when the mapping says so).
 *
 * kafkajs only feeds the queue: `eachBatch` appends records and moves kafkajs' fetch position on, and the
 * queue pauses partitions when it is full. Batching and invoking run in their own loop, so a long or
 * retried invocation never stalls kafkajs' heartbeats.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { DestinationSink, FailureCondition } from './destinations.js';
import { kafkaDestinationTopic } from './destinations.js';
import { OfflineKafkaError } from './errors.js';
import {
  buildEvent,
  type ConsumedMessage,
  envelopeSize,
  forEachRun,
  type KafkaEvent,
  type KafkaEventRecord,
  messageSize,
  PAYLOAD_LIMIT_BYTES,
  toEventRecord,
  topicPartition,
} from './event.js';
import { compileFilters, type RecordFilter } from './filter.js';
import type { EmulatorLog, KafkaClient } from './kafka.js';
import { readBatchResponse } from './response.js';
import type { EventSource } from './sources.js';

/** Invokes the function with one event and resolves with its response; rejects when the function fails. */
export type Invoke = (event: KafkaEvent) => Promise<unknown>;

export interface PollerOptions {
  source: EventSource;
  kafka: KafkaClient;
  invoke: Invoke;
  /** Needed when the mapping has an on-failure destination. */
  sink?: DestinationSink;
  log: EmulatorLog;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /** Create the source and destination topics (one partition) when they are missing. */
  createTopics?: boolean;
}

interface Entry {
  topic: string;
  partition: number;
  offset: number;
  /**
   * The record as kafkajs decoded it, turned into the event's record only when its batch is invoked: the
   * base64 strings then live for one invocation instead of from fetch to commit, which halved the garbage
   * collector's time on the offline bench's workload. Absent when the mapping's filters dropped the
   * record: it only moves the committed offset on.
   */
  message: ConsumedMessage | undefined;
  /** What the record adds to the event, at most (recordSize). */
  size: number;
  arrivedAt: number;
}

type Deliverable = Entry & { message: ConsumedMessage };

interface Outcome {
  kind: 'success' | 'partial' | 'failed';
  firstFailed?: Map<string, number>;
  functionError?: string;
}

class Stopped extends Error {}

const deliverable = (entries: readonly Entry[]) =>
  entries.filter((entry): entry is Deliverable => entry.message !== undefined);
const eventRecords = (entries: readonly Deliverable[]): KafkaEventRecord[] =>
  entries.map((entry) => toEventRecord(entry.topic, entry.partition, entry.message));

/** `events-0[10..19] events-1[4]`: what a batch holds, for log lines. */
export function describeRanges(
  records: readonly { topic: string; partition: number; offset: number }[],
): string {
  const ranges = new Map<string, { first: number; last: number }>();
  forEachRun(records, (key, start, end) => {
    const last = (records[end - 1] as (typeof records)[number]).offset;
    const range = ranges.get(key);
    if (range) range.last = last;
    else ranges.set(key, { first: (records[start] as (typeof records)[number]).offset, last });
  });
  return [...ranges]
    .map(([key, { first, last }]) => (first === last ? `${key}[${first}]` : `${key}[${first}..${last}]`))
    .join(' ');
}

export class EventSourcePoller {
  readonly source: EventSource;
  private readonly options: PollerOptions;
  private readonly filter: RecordFilter | undefined;
  /** What is left of 6 MB once the event's envelope is counted. */
  private readonly limit: number;
  private readonly queue: Entry[] = [];
  private queuedRecords = 0;
  private queuedBytes = 0;
  private readonly paused = new Set<number>();
  private consumer: Consumer | undefined;
  private running = false;
  private readonly stopping = new AbortController();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private joins = 0;

  constructor(options: PollerOptions) {
    this.options = options;
    this.source = options.source;
    this.filter = options.source.filterPatterns ? compileFilters(options.source.filterPatterns) : undefined;
    this.limit = PAYLOAD_LIMIT_BYTES - envelopeSize(options.source.envelope);
  }

  /** Checks the topics, positions a new group, joins it and starts polling. */
  async start(): Promise<void> {
    const { source, kafka } = this.options;
    await this.prepareTopics();
    const consumer = kafka.consumer({
      groupId: source.groupId,
      // A process killed with -9 leaves a member behind; the next start waits for it to time out.
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => {
        this.joins += 1;
        if (this.joins > 1) this.rejoined();
        resolve();
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topic: source.topic, fromBeginning: source.startingPosition !== 'LATEST' });
    this.running = true;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.accept(payload),
    });
    this.loop = this.batches();
    await joined;
  }

  /** Stops polling; a batch in flight finishes (its offsets are committed if it succeeds), retries stop. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping.abort();
    this.wake?.();
    await this.loop;
    await this.consumer?.disconnect();
  }

  private async prepareTopics(): Promise<void> {
    const { source, kafka, createTopics, log } = this.options;
    const admin = kafka.admin();
    try {
      await admin.connect();
    } catch (error) {
      throw new OfflineKafkaError(
        'BROKER_UNREACHABLE',
        `${source.label}: Kafka at ${source.brokers.join(',')} does not answer (${String(error)}). Start it (npm start does) or set KAFKA_BROKERS / custom.offlineKafka.brokers.`,
        { cause: error },
      );
    }
    try {
      const destination = source.destination && kafkaDestinationTopic(source.destination);
      const needed = [source.topic, ...(destination ? [destination] : [])];
      const existing = new Set(await admin.listTopics());
      const missing = needed.filter((topic) => !existing.has(topic));
      if (missing.length > 0 && !createTopics) {
        throw new OfflineKafkaError(
          'TOPIC_MISSING',
          `${source.label}: topic(s) ${missing.join(', ')} missing on ${source.brokers.join(',')}. Create them, or set custom.offlineKafka.createTopics: true.`,
        );
      }
      if (missing.length > 0) {
        await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic })) });
        log.info(`created topic(s) ${missing.join(', ')}`);
      }
      if (source.startingPosition === 'AT_TIMESTAMP') await this.positionAtTimestamp(admin);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * AT_TIMESTAMP: partitions the group has no committed offset for start at the first record at or after
   * the timestamp. Committed offsets win, as on AWS (kafka-consumer-group-id).
   */
  private async positionAtTimestamp(admin: ReturnType<KafkaClient['admin']>): Promise<void> {
    const { groupId, topic, startingPositionTimestampMs } = this.source;
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const fresh = (committed?.partitions ?? []).filter((partition) => partition.offset === '-1');
    if (fresh.length === 0) return;
    const [byTime, latest] = await Promise.all([
      admin.fetchTopicOffsetsByTimestamp(topic, startingPositionTimestampMs),
      admin.fetchTopicOffsets(topic),
    ]);
    await admin.setOffsets({
      groupId,
      topic,
      partitions: fresh.map(({ partition }) => {
        const found = byTime.find((one) => one.partition === partition)?.offset;
        const end = latest.find((one) => one.partition === partition)?.high ?? '0';
        return { partition, offset: found === undefined || found === '-1' ? end : found };
      }),
    });
  }

  private accept({ batch, resolveOffset, isStale }: EachBatchPayload): Promise<void> {
    if (!this.running || isStale()) return Promise.resolve();
    const now = Date.now();
    for (const message of batch.messages) {
      const delivered = this.filter === undefined || this.filter(message.value);
      const size = delivered ? messageSize(batch.topic, message) : 0;
      this.queue.push({
        topic: batch.topic,
        partition: batch.partition,
        offset: Number(message.offset),
        message: delivered ? message : undefined,
        size,
        arrivedAt: now,
      });
      if (delivered) {
        this.queuedRecords += 1;
        this.queuedBytes += size;
      }
    }
    // kafkajs fetches on from the resolved offset; what is committed is decided by the batch loop.
    resolveOffset(batch.lastOffset());
    if (this.queuedRecords > 4 * this.source.batchSize + 1000 || this.queuedBytes > 2 * this.limit) {
      this.consumer?.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
      this.paused.add(batch.partition);
    }
    this.wake?.();
    return Promise.resolve();
  }

  /** After a rebalance kafkajs may fetch from the committed offsets or on: re-read what is queued. */
  private rejoined(): void {
    const firstQueued = new Map<number, number>();
    for (const entry of this.queue) {
      if (!firstQueued.has(entry.partition)) firstQueued.set(entry.partition, entry.offset);
    }
    this.queue.length = 0;
    this.queuedRecords = 0;
    this.queuedBytes = 0;
    for (const [partition, offset] of firstQueued) {
      this.consumer?.seek({ topic: this.source.topic, partition, offset: String(offset) });
    }
    this.resumeIfDrained(true);
  }

  private resumeIfDrained(force = false): void {
    if (this.paused.size === 0) return;
    if (!force && (this.queuedRecords > this.source.batchSize || this.queuedBytes > this.limit)) return;
    this.consumer?.resume([{ topic: this.source.topic, partitions: [...this.paused] }]);
    this.paused.clear();
  }

  /** Resolves when records arrive, on stop, or after `ms`. */
  private async nap(ms?: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, Math.max(0, ms));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async batches(): Promise<void> {
    while (this.running) {
      if (this.queue.length === 0) {
        await this.nap();
        continue;
      }
      const first = this.queue.find((entry) => entry.message !== undefined);
      // The window starts with the first record; a record over the limit goes at once, it waits for nothing.
      if (first !== undefined && first.size <= this.limit) {
        const deadline = first.arrivedAt + this.source.windowMs;
        while (
          this.running &&
          this.queuedRecords < this.source.batchSize &&
          this.queuedBytes <= this.limit &&
          Date.now() < deadline
        ) {
          await this.nap(deadline - Date.now());
        }
        if (!this.running) break;
      }
      const batch = this.take();
      this.resumeIfDrained();
      try {
        await this.process(batch);
      } catch (error) {
        if (error instanceof Stopped) break;
        throw error;
      }
    }
  }

  /**
   * The next batch: queue order (so each partition's order), up to batchSize records and 6 MB. It leaves
   * the queue at once, so delivered records are not kept reachable by the queue (the garbage collector
   * would copy them again on every young-generation pass).
   */
  private take(): Entry[] {
    let count = 0;
    let records = 0;
    let bytes = 0;
    for (const entry of this.queue) {
      if (entry.message) {
        // A record too big for any payload travels alone, and is never delivered (see process()).
        const oversize = entry.size > this.limit;
        if (records > 0 && (oversize || records === this.source.batchSize || bytes + entry.size > this.limit))
          break;
        records += 1;
        bytes += entry.size;
        if (oversize) {
          count += 1;
          break;
        }
      }
      count += 1;
    }
    this.queuedRecords -= records;
    this.queuedBytes -= bytes;
    return this.queue.splice(0, count);
  }

  private async process(entries: Entry[]): Promise<void> {
    const records = deliverable(entries);
    const [only] = records;
    if (only === undefined) {
      // Every record was filtered out: nothing to invoke, the offsets move on.
      await this.commit(entries);
      return;
    }
    if (records.length === 1 && only.size > this.limit) {
      await this.giveUp(entries, 'PayloadSizeExceeded', 0, undefined);
      return;
    }
    await this.deliver(entries, 0, 0);
  }

  /**
   * Invokes until the batch succeeds or is given up. `retries` and `invokes` carry over into the halves of
   * a bisected batch: splitting does not count as a retry (kafka-retry-configurations).
   */
  private async deliver(entries: Entry[], retries: number, invokes: number): Promise<number> {
    const { source } = this;
    let pending = entries;
    let attempts = retries;
    let invoked = invokes;
    let lastError: string | undefined;
    for (;;) {
      if (!this.running) throw new Stopped();
      const records = deliverable(pending);
      if (source.maximumRecordAgeSeconds >= 0 && invoked > 0) {
        const oldest = Math.min(...records.map((entry) => Number(entry.message.timestamp)));
        if (Date.now() - oldest > source.maximumRecordAgeSeconds * 1000) {
          await this.giveUp(pending, 'RecordAgeExceeded', invoked, lastError);
          return invoked;
        }
      }
      const outcome = await this.invokeOnce(records, attempts);
      invoked += 1;
      if (outcome.kind === 'success') {
        await this.commit(pending);
        return invoked;
      }
      lastError = outcome.functionError;
      if (outcome.kind === 'partial' && outcome.firstFailed) {
        const firstFailed = outcome.firstFailed;
        const failed = (entry: Entry) =>
          entry.offset >=
          (firstFailed.get(topicPartition(entry.topic, entry.partition)) ?? Number.POSITIVE_INFINITY);
        await this.commit(pending.filter((entry) => !failed(entry)));
        pending = pending.filter(failed);
      } else if (source.bisectOnError && records.length > 1) {
        const middle = pending.indexOf(records[Math.floor(records.length / 2)] as Entry);
        this.options.log.warn(
          `${source.functionKey}: bisecting ${describeRanges(records)} into ${middle} + ${pending.length - middle} entries`,
        );
        invoked = await this.deliver(pending.slice(0, middle), attempts, invoked);
        return this.deliver(pending.slice(middle), attempts, invoked);
      }
      attempts += 1;
      if (source.maximumRetryAttempts >= 0 && attempts > source.maximumRetryAttempts) {
        await this.giveUp(pending, 'RetriesExhausted', invoked, lastError);
        return invoked;
      }
      const delay = Math.min(
        this.options.retryMaxDelayMs,
        this.options.retryInitialDelayMs * 2 ** Math.min(attempts - 1, 30),
      );
      const bound =
        source.maximumRetryAttempts >= 0 ? `/${source.maximumRetryAttempts}` : ' (retries until it succeeds)';
      this.options.log.warn(
        `${source.functionKey}: retry ${attempts}${bound} of ${describeRanges(deliverable(pending))} in ${delay} ms`,
      );
      try {
        await sleep(delay, undefined, { signal: this.stopping.signal });
      } catch {
        throw new Stopped();
      }
    }
  }

  private async invokeOnce(records: readonly Deliverable[], attempt: number): Promise<Outcome> {
    const { source, log } = this.options;
    const delivered = eventRecords(records);
    const event = buildEvent(source.envelope, delivered);
    const started = performance.now();
    let outcome: Outcome;
    let detail: string;
    try {
      const response = await this.options.invoke(event);
      const verdict = source.reportBatchItemFailures
        ? readBatchResponse(response, delivered)
        : { kind: 'success' as const };
      if (verdict.kind === 'success') {
        outcome = { kind: 'success' };
        detail = 'ok';
      } else if (verdict.kind === 'partial') {
        outcome = { kind: 'partial', firstFailed: verdict.firstFailed };
        detail = `partial failure from ${[...verdict.firstFailed].map(([tp, offset]) => `${tp}@${offset}`).join(' ')}`;
      } else {
        outcome = { kind: 'failed' };
        detail = `failed: ${verdict.reason}`;
      }
    } catch (error) {
      outcome = { kind: 'failed', functionError: 'Unhandled' };
      detail = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    const duration = (performance.now() - started).toFixed(1);
    const line = `λ ${source.functionKey} ${describeRanges(records)} ${records.length} record(s) ${duration} ms${attempt > 0 ? ` (retry ${attempt})` : ''}: ${detail}`;
    if (outcome.kind === 'success') log.info(line);
    else log.warn(line);
    return outcome;
  }

  /** A batch Lambda stops retrying: to the destination if there is one, logged as dropped otherwise. */
  private async giveUp(
    entries: Entry[],
    condition: FailureCondition,
    invokes: number,
    functionError: string | undefined,
  ): Promise<void> {
    const { source, sink, log } = this.options;
    const records = deliverable(entries);
    const where = describeRanges(records);
    if (source.destination && sink) {
      const event = buildEvent(source.envelope, eventRecords(records));
      for (;;) {
        try {
          await sink(source.destination, {
            condition,
            functionArn: source.functionArn,
            invokeCount: invokes,
            functionError,
            event,
          });
          break;
        } catch (error) {
          // The batch only moves on once its destination has it.
          log.error(
            `${source.functionKey}: could not write ${where} to ${source.destination}: ${String(error)}`,
          );
          if (!this.running) throw new Stopped();
          await sleep(this.options.retryInitialDelayMs);
        }
      }
      log.warn(`${source.functionKey}: ${where} sent to ${source.destination} (${condition})`);
    } else {
      log.error(
        `${source.functionKey}: DROPPED ${records.length} record(s) ${where} (${condition}, no on-failure destination)`,
      );
    }
    await this.commit(entries);
  }

  /** Commits, per partition, the offset after the last entry given. */
  private async commit(entries: readonly Entry[]): Promise<void> {
    const next = new Map<string, { topic: string; partition: number; offset: string }>();
    forEachRun(entries, (key, _start, end) => {
      const { topic, partition, offset } = entries[end - 1] as Entry;
      next.set(key, { topic, partition, offset: String(offset + 1) });
    });
    if (next.size === 0) return;
    try {
      await this.consumer?.commitOffsets([...next.values()]);
    } catch (error) {
      // The records will be delivered again: at-least-once, as on AWS.
      this.options.log.warn(
        `${this.source.functionKey}: commit failed, records will be redelivered: ${String(error)}`,
      );
    }
  }
}
