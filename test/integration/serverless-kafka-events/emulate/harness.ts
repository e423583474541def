/** In-process pollers against the real broker, with a scripted stand-in for the function. */

import type { EventSource } from '../../../../src/serverless-kafka-events/emulate/sources.js';

export { testSource } from '../../../support/event-source.js';

import { afterEach, expect, vi } from 'vitest';
import { destinationSink } from '../../../../src/serverless-kafka-events/emulate/destinations.js';
import type { KafkaEvent, KafkaEventRecord } from '../../../../src/serverless-kafka-events/emulate/event.js';
import {
  EventSourcePoller,
  type PollerOptions,
} from '../../../../src/serverless-kafka-events/emulate/poller.js';
import { KafkaAdmin } from '../../../../src/shared/kafka/admin.js';
import { KafkaRecordWriter } from '../../../../src/shared/kafka/writer.js';
import { afterFile } from '../../../support/cleanup.js';
import { testConnection, withAdmin } from '../../../support/kafka.js';

export interface CapturedLog {
  lines: string[];
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

/** The function: records every event it is invoked with and answers with `behaviour` (throw to fail). */
export function fakeFunction(behaviour: (event: KafkaEvent, call: number) => unknown = () => undefined) {
  const events: KafkaEvent[] = [];
  return {
    events,
    records: (): KafkaEventRecord[] => events.flatMap((event) => Object.values(event.records).flat()),
    invoke: async (event: KafkaEvent) => {
      events.push(structuredClone(event));
      return behaviour(event, events.length);
    },
  };
}

const running: EventSourcePoller[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((poller) => poller.stop()));
});

/**
 * Starts a poller (stopped after the test) and waits until it has joined its group; `decode` is the
 * mapping's schema registry step, when it has one.
 */
export async function startPoller(
  bootstrap: string,
  source: EventSource,
  invoke: (event: KafkaEvent) => Promise<unknown>,
  log: CapturedLog = captureLog(),
  destinationsDir = '.local/offline-kafka/test-destinations',
  decode?: PollerOptions['decode'],
): Promise<EventSourcePoller> {
  const connection = testConnection(bootstrap);
  afterFile(() => connection.close());
  const admin = new KafkaAdmin(connection);
  const poller = new EventSourcePoller({
    source,
    admin,
    clientId: 'offline-kafka-test',
    invoke,
    sink: destinationSink(new KafkaRecordWriter(connection, admin), destinationsDir),
    log,
    retryInitialDelayMs: 50,
    retryMaxDelayMs: 200,
    decode,
  });
  await poller.start();
  running.push(poller);
  return poller;
}

/** How long vi.waitFor gives the poller to act, and how often it looks. */
export const WAIT = { timeout: 30_000, interval: 100 };

/** The group's committed offset per partition of `topic` (-1: none). */
export async function committedOffsets(bootstrap: string, groupId: string, topic: string) {
  const [partitions, committed] = await withAdmin(bootstrap, (admin) =>
    Promise.all([admin.topicPartitions(topic), admin.committedOffsets(groupId)]),
  );
  const offset = (partition: number) =>
    committed.find((one) => one.topic === topic && one.partition === partition)?.offset ?? null;
  return Object.fromEntries(
    partitions.map(({ partitionId }) => [partitionId, Number(offset(partitionId) ?? -1)]),
  );
}

/** Waits until the source's group has committed `offset` on partition 0 of its topic. */
export async function committedUpTo(bootstrap: string, source: EventSource, offset: number) {
  await vi.waitFor(async () => {
    expect((await committedOffsets(bootstrap, source.groupId, source.topic))[0]).toBe(offset);
  }, WAIT);
}

export const offsetsOf = (records: KafkaEventRecord[]) => records.map((record) => record.offset);

/** Per partition, the offsets in the order the function saw them. */
export function byPartition(records: KafkaEventRecord[]): Record<number, number[]> {
  const result: Record<number, number[]> = {};
  for (const record of records)
    result[record.partition] = [...(result[record.partition] ?? []), record.offset];
  return result;
}

export function expectAscending(offsets: number[]) {
  expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
}
