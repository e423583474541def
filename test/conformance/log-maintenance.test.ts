/**
 * Log maintenance as clients observe it: retention.ms moving the log start offset past expired records,
 * DeleteRecords, and compaction keeping the last record of each key.
 */
import { describe, expect, inject, it, vi } from 'vitest';
import { uniqueName } from '../support/kafka.js';
import { kafkajs, kafkajsTopic } from './support.js';

const bootstrap = inject('kafkaBrokers');

const topic = (prefix: string, configEntries: { name: string; value: string }[]) =>
  kafkajsTopic(bootstrap, prefix, { configEntries });

async function send(name: string, messages: { key?: string; value: string | null; timestamp?: string }[]) {
  const producer = kafkajs(bootstrap).producer();
  await producer.connect();
  for (const message of messages) await producer.send({ topic: name, acks: -1, messages: [message] });
  await producer.disconnect();
}

async function offsets(name: string) {
  const admin = kafkajs(bootstrap).admin();
  await admin.connect();
  const [partition] = await admin.fetchTopicOffsets(name);
  await admin.disconnect();
  return { low: Number(partition?.low), high: Number(partition?.high) };
}

async function readFromStart(name: string, atLeast: number) {
  const records: { key: string | null; value: string | null }[] = [];
  const consumer = kafkajs(bootstrap).consumer({
    groupId: uniqueName('cf-maint-reader'),
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: name, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      records.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
    },
  });
  await vi.waitFor(() => expect(records.length).toBeGreaterThanOrEqual(atLeast), { timeout: 20_000 });
  await consumer.disconnect();
  return records;
}

describe('log maintenance', () => {
  it('retention.ms: records older than the retention are deleted, the log start offset moves past them', async () => {
    const name = await topic('cf-retention', [{ name: 'retention.ms', value: '60000' }]);
    const old = String(Date.now() - 3_600_000);
    await send(
      name,
      [0, 1, 2].map((i) => ({ value: `old-${i}`, timestamp: old })),
    );
    await vi.waitFor(async () => expect(await offsets(name)).toEqual({ low: 3, high: 3 }), {
      timeout: 60_000,
      interval: 500,
    });
    await send(name, [{ value: 'new' }]);
    expect(await readFromStart(name, 1)).toEqual([{ key: null, value: 'new' }]);
  });

  it('compaction keeps the last record of every key once the segment is closed', async () => {
    const name = await topic('cf-compaction', [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'segment.ms', value: '100' },
      { name: 'min.cleanable.dirty.ratio', value: '0.01' },
      { name: 'delete.retention.ms', value: '100' },
    ]);
    await send(name, [
      { key: 'a', value: 'a1' },
      { key: 'b', value: 'b1' },
      { key: 'a', value: 'a2' },
      { key: 'b', value: null },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A later record rolls the segment (segment.ms passed), so the cleaner may take the earlier one.
    await send(name, [{ key: 'c', value: 'c1' }]);
    await vi.waitFor(
      async () => {
        const kept = (await readFromStart(name, 2)).filter((r) => r.value !== null);
        expect(kept).toEqual([
          { key: 'a', value: 'a2' },
          { key: 'c', value: 'c1' },
        ]);
      },
      { timeout: 90_000, interval: 1000 },
    );
    expect(await offsets(name)).toMatchObject({ high: 5 });
  });
});
