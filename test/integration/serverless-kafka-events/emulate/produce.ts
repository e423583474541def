/** Writes test records through the service's own writer (acknowledged means written), one connection per broker. */
import { afterAll } from 'vitest';
import { KafkaAdmin } from '../../../../src/shared/kafka/admin.js';
import type { KafkaConnection } from '../../../../src/shared/kafka/client.js';
import { KafkaRecordWriter } from '../../../../src/shared/kafka/writer.js';
import { testConnection } from '../../../support/kafka.js';

/** A record to write: text or bytes (an array repeats a header); a timestamp in epoch milliseconds, as a string. */
export interface Message {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  partition?: number;
  headers?: Record<string, string | Buffer | (string | Buffer)[]>;
  timestamp?: string;
}

const connections = new Map<string, { connection: KafkaConnection; writer: KafkaRecordWriter }>();
afterAll(async () => {
  await Promise.all([...connections.values()].map(({ connection }) => connection.close()));
  connections.clear();
});

const bytes = (data: string | Buffer) => (typeof data === 'string' ? Buffer.from(data) : data);

/** Writes `messages` to `topic`; throws unless the broker acknowledged every one. */
export async function produce(bootstrap: string, topic: string, messages: Message[]): Promise<void> {
  let client = connections.get(bootstrap);
  if (!client) {
    const connection = testConnection(bootstrap);
    client = { connection, writer: new KafkaRecordWriter(connection, new KafkaAdmin(connection)) };
    connections.set(bootstrap, client);
  }
  const now = Date.now();
  const results = await client.writer.write(
    topic,
    messages.map((message) => {
      // No prototype: a header named `__proto__` is a header like any other.
      const headers: Record<string, Buffer[]> = Object.create(null);
      for (const [name, value] of Object.entries(message.headers ?? {}))
        headers[name] = (Array.isArray(value) ? value : [value]).map(bytes);
      return {
        key: message.key === undefined || message.key === null ? null : bytes(message.key),
        value: message.value === null ? null : bytes(message.value),
        headers,
        partition: message.partition,
        timestamp: message.timestamp === undefined ? now : Number(message.timestamp),
      };
    }),
    { acks: 'all', compression: 'none', deadline: now + 30_000 },
  );
  const failed = results.find((result) => !result.ok);
  if (failed && !failed.ok) throw failed.error;
}

export const values = (count: number, from = 0, partition?: number): Message[] =>
  Array.from({ length: count }, (_, i) => ({
    value: JSON.stringify({ n: from + i }),
    ...(partition === undefined ? {} : { partition }),
  }));
