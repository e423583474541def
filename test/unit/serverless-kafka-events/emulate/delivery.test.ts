/**
 * The delivery policy of an event source mapping (docs/local-emulation.md, "What it reproduces"), without a
 * broker and under fake timers: one table row per rule. Each row fetches records at given times, answers
 * invocations with a scripted function, and states the invocations (when, which records), the commits,
 * what went to the on-failure destination and the log lines.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Delivery, describeRanges } from '../../../../src/serverless-kafka-events/emulate/delivery.js';
import type { FailedBatch } from '../../../../src/serverless-kafka-events/emulate/destinations.js';
import type { KafkaEvent } from '../../../../src/serverless-kafka-events/emulate/event.js';
import type { EventSource } from '../../../../src/serverless-kafka-events/emulate/sources.js';
import type { ConsumedMessage, NextOffset } from '../../../../src/shared/kafka/group-consumer.js';
import { testSource } from '../../../support/event-source.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const MB = 1024 * 1024;

/** Records fetched at `at` ms: offsets of one partition, with their value bytes (default 10) and timestamp. */
interface Fetch {
  at: number;
  partition?: number;
  offsets: number[];
  bytes?: number;
  value?: (offset: number) => string;
  /** CreateTime, ms relative to T0 (default: the fetch time). */
  timestamp?: number;
}

/** What the function answers on its `call`-th invocation (1-based) with the offsets `records`; throw to fail. */
type Behaviour = (call: number, records: string[]) => unknown;

interface Case {
  rule: string;
  source?: Partial<EventSource>;
  fetches: Fetch[];
  fn?: Behaviour;
  /** The destination fails its first N deliveries. */
  destinationFailures?: number;
  invocations?: [at: number, records: string][];
  /** Each commit: `<partition>@<next offset>` joined by spaces. */
  commits?: string[];
  destination?: (string | number)[][];
  log?: RegExp[];
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const fails = () => {
  throw new Error('boom');
};
/** Throws while the batch holds the record `partition@offset`. */
const poison =
  (record: string): Behaviour =>
  (_, records) => {
    if (records.includes(record)) throw new Error(`poison ${record}`);
  };

const cases: Case[] = [
  {
    rule: 'Batching: a batch closes at batchSize records; the rest waits for the window (from its first record)',
    source: { batchSize: 10, windowMs: 500 },
    fetches: [{ at: 0, offsets: range(0, 24) }],
    invocations: [
      [0, '0@0..9'],
      [0, '0@10..19'],
      [500, '0@20..24'],
    ],
    commits: ['0@10', '0@20', '0@25'],
  },
  {
    rule: 'Batching: records that arrive within the window go into one invocation',
    source: { windowMs: 3000 },
    fetches: [
      { at: 0, offsets: [0, 1] },
      { at: 300, offsets: [2, 3] },
    ],
    invocations: [[3000, '0@0..3']],
    commits: ['0@4'],
  },
  {
    rule: 'Batching: a window of 0 invokes as soon as records arrive',
    source: { windowMs: 0 },
    fetches: [
      { at: 0, offsets: [0] },
      { at: 50, offsets: [1] },
    ],
    invocations: [
      [0, '0@0'],
      [50, '0@1'],
    ],
  },
  {
    rule: 'Batching: the record that would push the payload past 6 MB starts the next batch',
    source: { windowMs: 100 },
    fetches: [{ at: 0, offsets: [0, 1, 2], bytes: 2 * MB }],
    invocations: [
      [0, '0@0..1'],
      [100, '0@2'],
    ],
  },
  {
    rule: 'Batching: a record over 6 MB alone is never delivered; without a destination it is DROPPED',
    source: { windowMs: 0 },
    fetches: [
      { at: 0, offsets: [0], bytes: 5 * MB },
      { at: 10, offsets: [1] },
    ],
    invocations: [[10, '0@1']],
    commits: ['0@1', '0@2'],
    log: [/DROPPED 1 record\(s\) t-0\[0\] \(PayloadSizeExceeded, no on-failure destination\)/],
  },
  {
    rule: 'Batching: a record over 6 MB goes to the destination (PayloadSizeExceeded, never invoked)',
    source: { windowMs: 0, destination: 'kafka://failed' },
    fetches: [{ at: 0, offsets: [0], bytes: 5 * MB }],
    invocations: [],
    destination: [['PayloadSizeExceeded', '0@0', 0]],
    commits: ['0@1'],
  },
  {
    rule: 'Ordering: one batch in flight; the next waits for it, each partition in order',
    source: { batchSize: 2, windowMs: 0 },
    fetches: [{ at: 0, offsets: [0, 1, 2, 3] }],
    fn: () => new Promise((resolve) => setTimeout(resolve, 1000)),
    invocations: [
      [0, '0@0..1'],
      [1000, '0@2..3'],
    ],
  },
  {
    rule: 'Filters: dropped records are never delivered and are committed with their batch',
    source: { windowMs: 0, filterPatterns: [{ value: { keep: [true] } }] },
    fetches: [{ at: 0, offsets: [0, 1, 2], value: (offset) => JSON.stringify({ keep: offset !== 1 }) }],
    invocations: [[0, '0@0 0@2']],
    commits: ['0@3'],
  },
  {
    rule: 'Filters: a batch of only dropped records commits without an invocation',
    source: { windowMs: 0, filterPatterns: [{ value: { keep: [true] } }] },
    fetches: [{ at: 0, offsets: [0, 1], value: () => JSON.stringify({ keep: false }) }],
    invocations: [],
    commits: ['0@2'],
  },
  {
    rule: 'Commits: after a successful invocation, per partition, through the last record of the batch',
    source: { windowMs: 0 },
    fetches: [
      { at: 0, partition: 0, offsets: [4, 5] },
      { at: 0, partition: 1, offsets: [7] },
    ],
    invocations: [[0, '0@4..5 1@7']],
    commits: ['0@6 1@8'],
  },
  {
    rule: 'Errors, default: the whole batch is retried with exponential backoff until it succeeds',
    source: { windowMs: 0 },
    fetches: [{ at: 0, offsets: [0, 1] }],
    fn: (call) => (call <= 3 ? fails() : undefined),
    invocations: [
      [0, '0@0..1'],
      [1000, '0@0..1'],
      [3000, '0@0..1'],
      [7000, '0@0..1'],
    ],
    commits: ['0@2'],
    log: [
      /retry 1 \(retries until it succeeds\) of t-0\[0\.\.1\] in 1000 ms/,
      /retry 2 \(retries until it succeeds\) of t-0\[0\.\.1\] in 2000 ms/,
      /retry 3 \(retries until it succeeds\) of t-0\[0\.\.1\] in 4000 ms/,
      /λ consumer t-0\[0\.\.1\] 2 record\(s\) 0\.0 ms \(retry 3\): ok/,
    ],
  },
  {
    rule: 'Errors, default: the backoff stops growing at retryMaxDelayMs',
    source: { windowMs: 0 },
    fetches: [{ at: 0, offsets: [0] }],
    fn: (call) => (call <= 6 ? fails() : undefined),
    invocations: [
      [0, '0@0'],
      [1000, '0@0'],
      [3000, '0@0'],
      [7000, '0@0'],
      [15_000, '0@0'],
      [25_000, '0@0'],
      [35_000, '0@0'],
    ],
  },
  {
    rule: 'maximumRetryAttempts: the batch is given up after that many retries (no destination: DROPPED)',
    source: { windowMs: 0, maximumRetryAttempts: 2 },
    fetches: [{ at: 0, offsets: [0, 1] }],
    fn: fails,
    invocations: [
      [0, '0@0..1'],
      [1000, '0@0..1'],
      [3000, '0@0..1'],
    ],
    commits: ['0@2'],
    log: [/DROPPED 2 record\(s\) t-0\[0\.\.1\] \(RetriesExhausted, no on-failure destination\)/],
  },
  {
    rule: 'onFailureDestination: an exhausted batch goes there, with the invocations and the function error',
    source: { windowMs: 0, maximumRetryAttempts: 1, destination: 'kafka://failed' },
    fetches: [{ at: 0, offsets: [0, 1] }],
    fn: fails,
    destination: [['RetriesExhausted', '0@0..1', 2, 'Unhandled']],
    commits: ['0@2'],
  },
  {
    rule: 'onFailureDestination: the batch waits, uncommitted, until the destination has it',
    source: { windowMs: 0, maximumRetryAttempts: 0, destination: 'kafka://failed' },
    fetches: [{ at: 0, offsets: [0] }],
    fn: fails,
    destinationFailures: 2,
    destination: [['RetriesExhausted', '0@0', 1, 'Unhandled']],
    commits: ['0@1'],
    log: [/could not write t-0\[0\] to kafka:\/\/failed/],
  },
  {
    rule: 'maximumRecordAgeInSeconds: checked before each retry, not before the first invocation',
    source: { windowMs: 0, maximumRecordAgeSeconds: 60, destination: 'kafka://failed' },
    fetches: [{ at: 0, offsets: [0], timestamp: -59_500 }],
    fn: fails,
    invocations: [[0, '0@0']],
    destination: [['RecordAgeExceeded', '0@0', 1, 'Unhandled']],
    commits: ['0@1'],
  },
  {
    rule: 'bisectBatchOnFunctionError: halves retried separately; splitting is not a retry',
    source: { windowMs: 0, bisectOnError: true, maximumRetryAttempts: 0, destination: 'kafka://failed' },
    fetches: [{ at: 0, offsets: [0, 1, 2, 3] }],
    fn: poison('0@2'),
    invocations: [
      [0, '0@0..3'],
      [0, '0@0..1'],
      [0, '0@2..3'],
      [0, '0@2'],
      [0, '0@3'],
    ],
    destination: [['RetriesExhausted', '0@2', 4, 'Unhandled']],
    commits: ['0@2', '0@3', '0@4'],
  },
  {
    rule: 'ReportBatchItemFailures: records before the first reported one are committed, the rest retried',
    source: { windowMs: 0, reportBatchItemFailures: true },
    fetches: [{ at: 0, offsets: [0, 1, 2, 3] }],
    fn: (call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 2 } }] } : {},
    invocations: [
      [0, '0@0..3'],
      [1000, '0@2..3'],
    ],
    commits: ['0@2', '0@4'],
    log: [/partial failure from t-0@2/],
  },
  {
    rule: 'ReportBatchItemFailures: an identifier not in the batch fails the whole batch',
    source: { windowMs: 0, reportBatchItemFailures: true },
    fetches: [{ at: 0, offsets: [0, 1] }],
    fn: (call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 9 } }] } : null,
    invocations: [
      [0, '0@0..1'],
      [1000, '0@0..1'],
    ],
    commits: ['0@2'],
    log: [/failed: item .* is not in the batch/],
  },
  {
    rule: 'ReportBatchItemFailures: an empty list is success',
    source: { windowMs: 0, reportBatchItemFailures: true },
    fetches: [{ at: 0, offsets: [0] }],
    fn: () => ({ batchItemFailures: [] }),
    invocations: [[0, '0@0']],
    commits: ['0@1'],
  },
  {
    rule: 'Without ReportBatchItemFailures the answer is not read: any answer is success',
    source: { windowMs: 0 },
    fetches: [{ at: 0, offsets: [0] }],
    fn: () => ({ batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 0 } }] }),
    invocations: [[0, '0@0']],
    commits: ['0@1'],
  },
];

/** `0@4..5 1@7`: the records of an event, by partition, consecutive offsets as ranges. */
function eventRecords(event: KafkaEvent): string {
  return Object.values(event.records)
    .flatMap((records) => {
      const runs: string[] = [];
      let first: number | undefined;
      records.forEach((record, i) => {
        first ??= record.offset;
        if (records[i + 1]?.offset === record.offset + 1) return;
        runs.push(`${record.partition}@${first === record.offset ? first : `${first}..${record.offset}`}`);
        first = undefined;
      });
      return runs;
    })
    .join(' ');
}

function message(fetch: Fetch, offset: number): ConsumedMessage {
  const value = fetch.bytes
    ? Buffer.alloc(fetch.bytes, 'x')
    : Buffer.from(fetch.value?.(offset) ?? `v${offset}`);
  return {
    offset: String(offset),
    timestamp: String(T0 + (fetch.timestamp ?? fetch.at)),
    timestampType: 'CREATE_TIME',
    key: null,
    value,
    headers: {},
  };
}

function run(row: Case) {
  const invocations: [number, string][] = [];
  const commits: string[] = [];
  const destination: (string | number)[][] = [];
  const log: string[] = [];
  let calls = 0;
  let destinationFailures = row.destinationFailures ?? 0;
  const push = (line: string) => void log.push(line);
  const delivery = new Delivery(
    { source: testSource('b:9092', 't', row.source), retryInitialDelayMs: 1000, retryMaxDelayMs: 10_000 },
    {
      invoke: async (event) => {
        calls += 1;
        const records = eventRecords(event);
        invocations.push([Date.now() - T0, records]);
        return (row.fn ?? (() => undefined))(calls, records.split(' ').flatMap(expand));
      },
      commit: async (offsets: NextOffset[]) => {
        commits.push(offsets.map(({ partition, offset }) => `${partition}@${offset}`).join(' '));
      },
      pause: () => undefined,
      resume: () => undefined,
      sink: async (_, failed: FailedBatch) => {
        if (destinationFailures > 0) {
          destinationFailures -= 1;
          throw new Error('destination down');
        }
        destination.push([
          failed.condition,
          eventRecords(failed.event),
          failed.invokeCount,
          ...(failed.functionError ? [failed.functionError] : []),
        ]);
      },
      log: { info: push, warn: push, error: push },
    },
  );
  return { delivery, invocations, commits, destination, log };
}

/** `0@2..3` to `0@2`, `0@3`. */
function expand(records: string): string[] {
  const [partition, offsets = ''] = records.split('@');
  const [first = 0, last = first] = offsets.split('..').map(Number);
  return range(Number(first), Number(last)).map((offset) => `${partition}@${offset}`);
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('delivery policy (docs/local-emulation.md)', () => {
  it.each(cases.map((row) => [row.rule, row] as const))('%s', async (_, row) => {
    // Prepare
    const observed = run(row);
    observed.delivery.start();

    // Act: fetches at their times, then a minute for windows, retries and destinations.
    let now = 0;
    for (const fetch of [...row.fetches].sort((a, b) => a.at - b.at)) {
      // Fetches of one moment arrive together, before the loop runs.
      if (fetch.at > now) await vi.advanceTimersByTimeAsync(fetch.at - now);
      now = fetch.at;
      const messages = fetch.offsets.map((offset) => message(fetch, offset));
      observed.delivery.accept({ topic: 't', partition: fetch.partition ?? 0, messages });
    }
    await vi.advanceTimersByTimeAsync(60_000);
    await observed.delivery.stop();

    // Assess
    if (row.invocations) expect(observed.invocations).toEqual(row.invocations);
    if (row.commits) expect(observed.commits).toEqual(row.commits);
    expect(observed.destination).toEqual(row.destination ?? []);
    for (const line of row.log ?? []) expect(observed.log).toContainEqual(expect.stringMatching(line));
  });
});

describe('delivery flow control', () => {
  it('pauses a partition while the queue is full and resumes it once at most a batch is left', async () => {
    // Prepare
    const paused: number[] = [];
    const resumed: number[][] = [];
    let release: () => void = () => undefined;
    let draining = false;
    const delivery = new Delivery(
      {
        source: testSource('b:9092', 't', { batchSize: 10, windowMs: 0 }),
        retryInitialDelayMs: 1,
        retryMaxDelayMs: 1,
      },
      {
        invoke: () => (draining ? Promise.resolve() : new Promise<void>((resolve) => (release = resolve))),
        commit: async () => undefined,
        pause: (partition) => paused.push(partition),
        resume: (partitions) => resumed.push(partitions),
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      },
    );
    delivery.start();
    const fetch: Fetch = { at: 0, offsets: range(0, 1040) };

    // Act: 1,041 records are over 4 × 10 + 1000; the first batch of 10 is in flight.
    delivery.accept({
      topic: 't',
      partition: 2,
      messages: fetch.offsets.map((offset) => message(fetch, offset)),
    });
    await vi.advanceTimersByTimeAsync(0);

    // Assess
    expect(paused).toEqual([2]);
    expect(resumed).toEqual([]);
    for (let batch = 0; batch < 104 && resumed.length === 0; batch++) {
      release();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(resumed).toEqual([[2]]);
    draining = true;
    release();
    await delivery.stop();
  });

  it('empties the queue after a rebalance and says where each partition must be fetched again', async () => {
    // Prepare
    const delivery = new Delivery(
      { source: testSource('b:9092', 't', { windowMs: 60_000 }), retryInitialDelayMs: 1, retryMaxDelayMs: 1 },
      {
        invoke: async () => undefined,
        commit: async () => undefined,
        pause: () => undefined,
        resume: () => undefined,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      },
    );
    delivery.start();
    const fetch: Fetch = { at: 0, offsets: [5, 6] };
    delivery.accept({
      topic: 't',
      partition: 0,
      messages: fetch.offsets.map((offset) => message(fetch, offset)),
    });
    delivery.accept({ topic: 't', partition: 1, messages: [message(fetch, 9)] });

    // Act
    const again = delivery.requeue();

    // Assess
    expect([...again]).toEqual([
      [0, 5],
      [1, 9],
    ]);
    expect(delivery.requeue().size).toBe(0);
    await delivery.stop();
  });

  it('stops retrying on stop, without committing the failed batch', async () => {
    // Prepare
    const commits: NextOffset[][] = [];
    const delivery = new Delivery(
      {
        source: testSource('b:9092', 't', { windowMs: 0 }),
        retryInitialDelayMs: 1000,
        retryMaxDelayMs: 1000,
      },
      {
        invoke: async () => {
          throw new Error('boom');
        },
        commit: async (offsets) => void commits.push(offsets),
        pause: () => undefined,
        resume: () => undefined,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      },
    );
    delivery.start();
    const fetch: Fetch = { at: 0, offsets: [0] };
    delivery.accept({ topic: 't', partition: 0, messages: [message(fetch, 0)] });
    await vi.advanceTimersByTimeAsync(500);

    // Act
    await delivery.stop();
    delivery.accept({ topic: 't', partition: 0, messages: [message(fetch, 1)] });
    await vi.advanceTimersByTimeAsync(5000);

    // Assess
    expect(commits).toEqual([]);
  });

  it('logs a commit that fails (the records come again) and goes on', async () => {
    // Prepare
    const lines: string[] = [];
    const delivery = new Delivery(
      { source: testSource('b:9092', 't', { windowMs: 0 }), retryInitialDelayMs: 1, retryMaxDelayMs: 1 },
      {
        invoke: async () => undefined,
        commit: async () => {
          throw new Error('rebalancing');
        },
        pause: () => undefined,
        resume: () => undefined,
        log: { info: () => undefined, warn: (line) => void lines.push(line), error: () => undefined },
      },
    );
    delivery.start();
    const fetch: Fetch = { at: 0, offsets: [0] };

    // Act
    delivery.accept({ topic: 't', partition: 0, messages: [message(fetch, 0)] });
    await vi.advanceTimersByTimeAsync(0);
    await delivery.stop();

    // Assess
    expect(lines).toEqual([
      expect.stringMatching(/commit failed, records will be redelivered: Error: rebalancing/),
    ]);
  });
});

describe('describeRanges', () => {
  it('names each topic-partition once, from its first to its last offset, across interleaved runs', () => {
    // Prepare
    const at = (partition: number, offset: number) => ({ topic: 'events', partition, offset });

    // Act
    const ranges = describeRanges([at(0, 10), at(0, 11), at(1, 4), at(0, 12), at(2, 7), at(2, 8)]);

    // Assess
    expect(ranges).toBe('events-0[10..12] events-1[4] events-2[7..8]');
  });
});
