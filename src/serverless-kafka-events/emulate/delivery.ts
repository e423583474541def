/**
 * The delivery policy of one event source mapping, as Lambda applies it
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-process.html and kafka-retry-configurations;
 * docs/local-emulation.md lists every rule). Broker-free: the driver (poller.ts) feeds it the fetched
 * batches and carries out what it decides through {@link DeliveryPorts} (invoke, commit, pause, resume,
 * destination), so every rule runs in unit tests under fake timers.
 *
 * - Batching: a batch closes at `batchSize` records, when the window (`windowMs`, counted from the first
 *   record) expires, or before the record that would push the event past 6 MB; a record that alone is over
 *   6 MB is never delivered (`PayloadSizeExceeded`). One batch in flight at a time; queue order keeps each
 *   partition's order. Filtered-out records are never delivered and are committed with their batch.
 * - Commits: per partition, through the last record of a batch that succeeded or was given up.
 * - Failures: retries with exponential backoff (`retryInitialDelayMs` doubling to `retryMaxDelayMs`),
 *   bounded by `maximumRetryAttempts` and `maximumRecordAgeSeconds` (checked before each retry); bisection
 *   (halves retried separately; splitting is not a retry); partial batch responses (records before each
 *   partition's first reported failure committed, the rest retried); a batch given up goes to the
 *   on-failure destination (and waits until it is there), or is logged as dropped.
 * - Back-pressure: a partition is paused while the queue holds over 4 × batchSize + 1000 records or 12 MB,
 *   and resumed once at most a batch is left.
 */
import type { ConsumedBatch, ConsumedMessage, NextOffset } from '../../shared/kafka/group-consumer.js';
import type { DestinationSink, FailureCondition } from './destinations.js';
import {
  buildEvent,
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
import { readBatchResponse } from './response.js';
import type { EventSource } from './sources.js';

/** Invokes the function with one event and resolves with its response; rejects when the function fails. */
export type Invoke = (event: KafkaEvent) => Promise<unknown>;

/** Where the emulator's lines go (serverless offline's console, prefixed `offline-kafka:`). */
export interface EmulatorLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What the policy has the driver do. */
export interface DeliveryPorts {
  invoke: Invoke;
  /** Commits, per partition, the next offset to read; a failure is logged and the records come again. */
  commit(offsets: NextOffset[]): Promise<void>;
  /** Stops fetching a partition (the queue is full) until {@link resume}. */
  pause(partition: number): void;
  resume(partitions: number[]): void;
  /** Needed when the mapping has an on-failure destination. */
  sink?: DestinationSink | undefined;
  log: EmulatorLog;
}

/** The mapping's settings the policy follows, and the backoff between retries (milliseconds). */
export interface DeliverySettings {
  source: EventSource;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
}

interface Entry {
  topic: string;
  partition: number;
  offset: number;
  /**
   * The record as consumed, turned into the event's record only when its batch is invoked: the base64
   * strings then live for one invocation instead of from fetch to commit, which halved the garbage
   * collector's time on the offline bench's workload. Absent when the mapping's filters dropped the
   * record: it only moves the committed offset on.
   */
  message: ConsumedMessage | undefined;
  /** What the record adds to the event, at most (recordSize). */
  size: number;
  /** Epoch ms. */
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

/**
 * The queue and the batch loop of one mapping. `accept` takes fetched records, `start` runs the loop
 * until `stop`; nothing here talks to a broker.
 *
 * @example
 * const delivery = new Delivery({ source, retryInitialDelayMs: 1000, retryMaxDelayMs: 30_000 },
 *   { invoke, commit, pause, resume, log });
 * delivery.start();
 * delivery.accept(batch); // from the consumer, for every fetched batch
 * await delivery.stop();
 */
export class Delivery {
  private readonly source: EventSource;
  private readonly filter: RecordFilter | undefined;
  /** What is left of 6 MB once the event's envelope is counted. */
  private readonly limit: number;
  private readonly queue: Entry[] = [];
  private queuedRecords = 0;
  private queuedBytes = 0;
  private readonly paused = new Set<number>();
  private running = false;
  private readonly stopping = new AbortController();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly settings: DeliverySettings,
    private readonly ports: DeliveryPorts,
  ) {
    this.source = settings.source;
    this.filter = this.source.filterPatterns ? compileFilters(this.source.filterPatterns) : undefined;
    this.limit = PAYLOAD_LIMIT_BYTES - envelopeSize(this.source.envelope);
  }

  /** Starts the batch loop. */
  start(): void {
    this.running = true;
    this.loop = this.batches();
  }

  /** Stops: a batch in flight finishes (its offsets are committed if it succeeds), retries stop. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping.abort();
    this.wake?.();
    await this.loop;
  }

  /** Queues a fetched batch; pauses its partition when the queue is full. Ignored once stopped. */
  accept(batch: ConsumedBatch): void {
    if (!this.running) return;
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
    if (this.queuedRecords > 4 * this.source.batchSize + 1000 || this.queuedBytes > 2 * this.limit) {
      this.ports.pause(batch.partition);
      this.paused.add(batch.partition);
    }
    this.wake?.();
  }

  /**
   * After a rebalance the consumer may fetch from the committed offsets or on: empties the queue and
   * returns, per partition, the first offset it held, for the driver to fetch again from there.
   */
  requeue(): Map<number, number> {
    const firstQueued = new Map<number, number>();
    for (const entry of this.queue) {
      if (!firstQueued.has(entry.partition)) firstQueued.set(entry.partition, entry.offset);
    }
    this.queue.length = 0;
    this.queuedRecords = 0;
    this.queuedBytes = 0;
    this.resumeIfDrained(true);
    return firstQueued;
  }

  private resumeIfDrained(force = false): void {
    if (this.paused.size === 0) return;
    if (!force && (this.queuedRecords > this.source.batchSize || this.queuedBytes > this.limit)) return;
    this.ports.resume([...this.paused]);
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
        this.ports.log.warn(
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
        this.settings.retryMaxDelayMs,
        this.settings.retryInitialDelayMs * 2 ** Math.min(attempts - 1, 30),
      );
      const bound =
        source.maximumRetryAttempts >= 0 ? `/${source.maximumRetryAttempts}` : ' (retries until it succeeds)';
      this.ports.log.warn(
        `${source.functionKey}: retry ${attempts}${bound} of ${describeRanges(deliverable(pending))} in ${delay} ms`,
      );
      await this.pause(delay);
    }
  }

  /** Waits `ms` (on the global timers, which tests fake), or throws Stopped when the delivery stops meanwhile. */
  private pause(ms: number): Promise<void> {
    const { signal } = this.stopping;
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(new Stopped());
        return;
      }
      const stopped = () => {
        clearTimeout(timer);
        reject(new Stopped());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', stopped);
        resolve();
      }, ms);
      signal.addEventListener('abort', stopped, { once: true });
    });
  }

  private async invokeOnce(records: readonly Deliverable[], attempt: number): Promise<Outcome> {
    const { source } = this;
    const delivered = eventRecords(records);
    const event = buildEvent(source.envelope, delivered);
    const started = performance.now();
    let outcome: Outcome;
    let detail: string;
    try {
      const response = await this.ports.invoke(event);
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
    if (outcome.kind === 'success') this.ports.log.info(line);
    else this.ports.log.warn(line);
    return outcome;
  }

  /** A batch Lambda stops retrying: to the destination if there is one, logged as dropped otherwise. */
  private async giveUp(
    entries: Entry[],
    condition: FailureCondition,
    invokes: number,
    functionError: string | undefined,
  ): Promise<void> {
    const { source } = this;
    const { sink, log } = this.ports;
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
          await this.pause(this.settings.retryInitialDelayMs);
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
    const next = new Map<string, NextOffset>();
    forEachRun(entries, (key, _start, end) => {
      const { topic, partition, offset } = entries[end - 1] as Entry;
      next.set(key, { topic, partition, offset: offset + 1 });
    });
    if (next.size === 0) return;
    try {
      await this.ports.commit([...next.values()]);
    } catch (error) {
      // The records will be delivered again: at-least-once, as on AWS.
      this.ports.log.warn(
        `${this.source.functionKey}: commit failed, records will be redelivered: ${String(error)}`,
      );
    }
  }
}
