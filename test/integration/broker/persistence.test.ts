/**
 * The embedded broker with a data directory, run as its command (npm run broker): what it acknowledged
 * survives a clean restart and a kill -9 in the middle of a write; committed group offsets too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../infra/kafka/broker.js';
import { type LocalBroker, startLocalBroker } from '../../../infra/local/broker.js';
import { kafkajs } from '../../conformance/support.js';

const brokers: LocalBroker[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const broker of brokers.splice(0)) await broker.stop();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** The broker command (what npm start runs), whatever LOCAL_BROKER says: this file tests its storage. */
async function startCommand(port: number, dataDir: string): Promise<LocalBroker> {
  const broker = await startLocalBroker({ kind: 'embedded', port, dataDir });
  brokers.push(broker);
  expect(broker.bootstrap).toBe(`127.0.0.1:${port}`);
  return broker;
}

async function readValues(bootstrap: string, topic: string) {
  const admin = kafkajs(bootstrap).admin();
  await admin.connect();
  const [offsets] = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const end = Number(offsets?.high ?? 0);
  const values: string[] = [];
  if (end === 0) return values;
  const consumer = kafkajs(bootstrap).consumer({ groupId: `reader-${Date.now()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => void values.push(message.value?.toString() ?? ''),
  });
  await vi.waitFor(() => expect(values.length).toBeGreaterThanOrEqual(end), { timeout: 30_000 });
  await consumer.disconnect();
  return values;
}

describe('embedded broker with a data directory', () => {
  it('keeps what it acknowledged across a clean restart and a kill -9 mid-stream', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'broker-data-'));
    dirs.push(dataDir);
    const port = await freePort();
    const bootstrap = `127.0.0.1:${port}`;
    let broker = await startCommand(port, dataDir);

    const admin = kafkajs(bootstrap).admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: 'durable', configEntries: [{ name: 'retention.ms', value: '-1' }] }],
    });
    await admin.setOffsets({
      groupId: 'keeper',
      topic: 'durable',
      partitions: [{ partition: 0, offset: '3' }],
    });
    await admin.disconnect();

    const acknowledged: string[] = [];
    const producer = kafkajs(bootstrap).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 1, initialRetryTime: 50 },
    });
    await producer.connect();
    for (let batch = 0; batch < 20; batch++) {
      const values = Array.from({ length: 50 }, (_, i) => `b${batch}-r${i}`);
      await producer.send({ topic: 'durable', acks: -1, messages: values.map((value) => ({ value })) });
      acknowledged.push(...values);
    }
    await producer.disconnect();

    // A clean stop (SIGTERM) and a restart.
    await broker.stop();
    broker = await startCommand(port, dataDir);
    expect(await readValues(bootstrap, 'durable')).toEqual(acknowledged);

    // kill -9 while a producer keeps writing: everything acknowledged before the kill survives.
    const streaming = kafkajs(bootstrap).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 1, initialRetryTime: 50 },
    });
    await streaming.connect();
    let stop = false;
    const writer = (async () => {
      for (let batch = 0; !stop; batch++) {
        const values = Array.from({ length: 20 }, (_, i) => `k${batch}-r${i}`);
        try {
          await streaming.send({ topic: 'durable', acks: -1, messages: values.map((value) => ({ value })) });
          acknowledged.push(...values);
        } catch {
          return;
        }
      }
    })();
    await vi.waitFor(() => expect(acknowledged.length).toBeGreaterThan(1500), { timeout: 30_000 });
    process.kill(broker.pid, 'SIGKILL');
    stop = true;
    await broker.exited;
    await writer;
    await streaming.disconnect().catch(() => undefined);

    broker = await startCommand(port, dataDir);
    const after = await readValues(bootstrap, 'durable');
    // Every acknowledged record, in order; at most the one batch in flight at the kill may follow them.
    expect(after.slice(0, acknowledged.length)).toEqual(acknowledged);
    expect(after.length - acknowledged.length).toBeLessThanOrEqual(20);

    const check = kafkajs(bootstrap).admin();
    await check.connect();
    const [committed] = await check.fetchOffsets({ groupId: 'keeper', topics: ['durable'] });
    await check.disconnect();
    expect(committed?.partitions[0]?.offset).toBe('3');
  });
});
