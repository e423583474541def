/** In-process pollers against the real broker, with a scripted stand-in for the function. */
import type { EventSource } from '../../../../src/serverless-kafka-events/emulate/sources.js';

export { testSource } from './test-source.js';

import { afterEach, expect } from 'vitest';
import { destinationSink } from '../../../../src/serverless-kafka-events/emulate/destinations.js';
import type { KafkaEvent, KafkaEventRecord } from '../../../../src/serverless-kafka-events/emulate/event.js';
import { kafkaClient } from '../../../../src/serverless-kafka-events/emulate/kafka.js';
import { EventSourcePoller } from '../../../../src/serverless-kafka-events/emulate/poller.js';
import { KafkaRecordWriter } from '../../../../src/shared/kafka/writer.js';
import { afterFile } from '../../../support/cleanup.js';
import { testConnection } from '../../../support/kafka.js';

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

/** Starts a poller (stopped after the test) and waits until it has joined its group. */
export async function startPoller(
  bootstrap: string,
  source: EventSource,
  invoke: (event: KafkaEvent) => Promise<unknown>,
  log: CapturedLog = captureLog(),
  destinationsDir = '.local/offline-kafka/test-destinations',
): Promise<EventSourcePoller> {
  const kafka = kafkaClient([bootstrap], 'offline-kafka-test', log, source.functionKey);
  const connection = testConnection(bootstrap);
  afterFile(() => connection.close());
  const poller = new EventSourcePoller({
    source,
    kafka,
    invoke,
    sink: destinationSink(new KafkaRecordWriter(connection), destinationsDir),
    log,
    retryInitialDelayMs: 50,
    retryMaxDelayMs: 200,
  });
  await poller.start();
  running.push(poller);
  return poller;
}

/** How long vi.waitFor gives the poller to act, and how often it looks. */
export const WAIT = { timeout: 30_000, interval: 100 };

/** The group's committed offset per partition (-1: none). */
export async function committedOffsets(bootstrap: string, groupId: string, topic: string) {
  const admin = kafkaClient([bootstrap], 'offline-kafka-test', captureLog(), 'admin').admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
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
