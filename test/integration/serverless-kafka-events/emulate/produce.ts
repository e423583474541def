/** A producer on the emulator's own Kafka client for its tests, disconnected after the file's tests. */
import { afterAll } from 'vitest';
import { kafkaClient } from '../../../../src/serverless-kafka-events/emulate/kafka.js';
import { captureLog } from './harness.js';

/** A record to write: text or bytes; a timestamp in epoch milliseconds, as a string. */
export interface Message {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  partition?: number;
  headers?: Record<string, string | Buffer>;
  timestamp?: string;
}

const producers = new Map<string, ReturnType<ReturnType<typeof kafkaClient>['producer']>>();
afterAll(async () => {
  await Promise.all([...producers.values()].map((producer) => producer.disconnect()));
  producers.clear();
});

export async function produce(bootstrap: string, topic: string, messages: Message[]): Promise<void> {
  let producer = producers.get(bootstrap);
  if (!producer) {
    producer = kafkaClient([bootstrap], 'offline-kafka-test-producer', captureLog(), 'producer').producer();
    await producer.connect();
    producers.set(bootstrap, producer);
  }
  await producer.send({ topic, acks: -1, messages });
}

export const values = (count: number, from = 0, partition?: number): Message[] =>
  Array.from({ length: count }, (_, i) => ({
    value: JSON.stringify({ n: from + i }),
    ...(partition === undefined ? {} : { partition }),
  }));
