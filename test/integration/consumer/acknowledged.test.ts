/**
 * Acknowledged ⇒ readable, for consumer functions. One warm function instance (its writer and Kafka
 * clients live through the whole run) consumes a topic through the emulator's poller, which commits input
 * offsets as Lambda does: after the function answered success. Meanwhile another client grows the output
 * topic and deletes and recreates it with fewer and with more partitions. Read back with kafka-python:
 * every input has its output (at least once) or its dead letter, and at every committed offset sampled
 * during the run, every input below it already had its output or dead letter in Kafka.
 */

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as z from 'zod';
import { EventSourcePoller } from '../../../src/serverless-kafka-events/emulate/poller.js';
import { type ConsumerDefinition, createConsumer } from '../../../src/shared/consumer/runtime.js';
import { KafkaAdmin } from '../../../src/shared/kafka/admin.js';
import { KafkaRecordWriter } from '../../../src/shared/kafka/writer.js';
import { logger } from '../../../src/shared/logger.js';
import { afterFile } from '../../support/cleanup.js';
import { testSource } from '../../support/event-source.js';
import { testConnection, uniqueName } from '../../support/kafka.js';
import { consumerContext } from '../../support/kafka-events.js';
import { type PeerRecord, readWithKafkaPython } from '../../support/peers.js';
import { seededRandom, testSeed, topologyClient } from '../../support/topology.js';
import { produceInputs } from './harness.js';

const bootstrap = inject('kafkaBrokers');
const BATCHES = 30;
const BATCH_SIZE = 20;
const OUTPUT_MAX_BYTES = 4096;

/** `out-<i>` for input `{"i"}`, keyed as the input; a `huge` input's output is over the output topic's limit. */
const echo: ConsumerDefinition<{ i: number; huge: boolean }> = {
  name: 'echo',
  value: { format: 'json', schema: z.object({ i: z.number(), huge: z.boolean() }) },
  handler: {
    record: (record) => ({
      key: record.key,
      value: record.data.huge ? 'x'.repeat(OUTPUT_MAX_BYTES) : `out-${record.data.i}`,
      timestamp: record.timestamp,
    }),
  },
};

const text = (base64: string | null | undefined) =>
  base64 === null || base64 === undefined ? null : Buffer.from(base64, 'base64').toString();
const header = (record: PeerRecord, name: string) => text(record.headers.find(([n]) => n === name)?.[1]);

describe('consumer function: no input committed before its outputs are acknowledged', () => {
  const level = logger.getLevelName();
  beforeAll(() => {
    // Hundreds of invocations, many retried while the output topic is away: keep the output readable.
    logger.setLogLevel('ERROR');
  });
  afterAll(() => {
    logger.setLogLevel(level);
  });

  it('writes every output or dead letter while its output topic grows and is recreated under a warm instance', async () => {
    // Prepare
    const seed = testSeed();
    const random = seededRandom(seed);
    const input = uniqueName('ack-in');
    const dlq = `${input}.dlq`;
    const output = `${input}.out`;
    const setupAdmin = await testConnection(bootstrap).admin();
    await setupAdmin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: input, numPartitions: 3 },
        { topic: dlq, numPartitions: 1 },
      ],
    });
    const outputConfig = { 'max.message.bytes': String(OUTPUT_MAX_BYTES) };
    const topology = topologyClient(bootstrap, output);
    await topology.create(1, outputConfig);
    afterFile(async () => {
      await setupAdmin.deleteTopics({ topics: [input, dlq, output] }).catch(() => undefined);
      await setupAdmin.disconnect();
    });

    const functionConnection = testConnection(bootstrap, { KAFKA_REQUEST_TIMEOUT_MS: '3000' });
    afterFile(() => functionConnection.close());
    const handler = createConsumer(echo, {
      writer: new KafkaRecordWriter(functionConnection, new KafkaAdmin(functionConnection)),
      outputTopic: output,
      reportBatchItemFailures: true,
      writeTimeoutMs: 5000,
    });
    const source = testSource(bootstrap, input, {
      batchSize: 25,
      windowMs: 100,
      reportBatchItemFailures: true,
    });
    const log: string[] = [];
    const pollerLog = {
      info: (line: string) => void log.push(line),
      warn: (line: string) => void log.push(line),
      error: (line: string) => void log.push(line),
    };
    const pollerConnection = testConnection(bootstrap);
    afterFile(() => pollerConnection.close());
    const startPoller = async () => {
      const poller = new EventSourcePoller({
        source,
        admin: new KafkaAdmin(pollerConnection),
        clientId: 'ack-poller',
        invoke: (event) => handler(event, consumerContext('echo')),
        log: pollerLog,
        retryInitialDelayMs: 50,
        retryMaxDelayMs: 500,
      });
      await poller.start();
      return poller;
    };

    // Act
    let incarnation = 0;
    let poller = await startPoller();
    const feederConnection = testConnection(bootstrap);
    afterFile(() => feederConnection.close());
    const feeder = (async () => {
      const writer = new KafkaRecordWriter(feederConnection, new KafkaAdmin(feederConnection));
      for (let batch = 0; batch < BATCHES; batch++) {
        await produceInputs(
          writer,
          input,
          Array.from({ length: BATCH_SIZE }, (_, j) => {
            const i = batch * BATCH_SIZE + j;
            const kind = random.next();
            return {
              key: random.chance(0.3) ? null : `k-${random.int(40)}`,
              value: kind < 0.03 ? `not json {${i}` : JSON.stringify({ i, huge: kind < 0.08 }),
            };
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 400 + random.int(300)));
      }
    })();
    const samples: { incarnation: number; committed: Map<number, number> }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [offsets] = await setupAdmin.fetchOffsets({ groupId: source.groupId, topics: [input] });
        const committed = new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        samples.push({ incarnation, committed });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const snapshots: Map<string, PeerRecord>[] = [];
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms + random.int(1000)));
    /** The batch in flight finishes and is committed; the output topic is read, deleted and recreated. */
    const recreate = async (partitions: number) => {
      await poller.stop();
      snapshots.push(await topology.snapshot());
      await topology.remove();
      incarnation++;
      poller = await startPoller();
      await sleep(1000);
      await topology.create(partitions, outputConfig);
    };
    let ends: Map<number, number> = new Map();
    try {
      await sleep(2000);
      await topology.grow(3);
      await sleep(2000);
      await recreate(2);
      await sleep(2000);
      await topology.grow(4);
      await sleep(2000);
      await recreate(5);
      await feeder;
      ends = new Map(
        (await setupAdmin.fetchTopicOffsets(input)).map((p) => [p.partition, Number(p.high)] as const),
      );
      const deadline = Date.now() + 60_000;
      const done = () =>
        [...ends].every(([partition, end]) => (samples.at(-1)?.committed.get(partition) ?? -1) >= end);
      while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      sampling = false;
      await sampler;
      await poller.stop();
    }
    snapshots.push(await topology.snapshot());

    // Assess
    const inputs = await readWithKafkaPython(bootstrap, input, BATCHES * BATCH_SIZE);
    const [dlqEnd] = await setupAdmin.fetchTopicOffsets(dlq);
    const deadLetters = await readWithKafkaPython(bootstrap, dlq, Number(dlqEnd?.high ?? 0));
    const deadLettered = new Map(
      deadLetters.map((r) => [`${header(r, 'dlq.source.partition')}:${header(r, 'dlq.source.offset')}`, r]),
    );
    /** When (in which incarnation of the output topic) each input's output was first readable. */
    const outputIn = new Map<string, number>();
    const wrongOutputs: string[] = [];
    const byCoordinates = new Map(inputs.map((r) => [`${r.partition}:${r.offset}`, r]));
    snapshots.forEach((snapshot, which) => {
      for (const out of snapshot.values()) {
        const from = `${header(out, 'source.partition')}:${header(out, 'source.offset')}`;
        const source = byCoordinates.get(from);
        const { i } = JSON.parse(text(source?.value) ?? '{}') as { i?: number };
        if (!source || text(out.value) !== `out-${i}` || text(out.key) !== text(source.key)) {
          wrongOutputs.push(`${which} ${out.partition}@${out.offset} from ${from}`);
        }
        if (!outputIn.has(from)) outputIn.set(from, which);
      }
    });
    const misses: string[] = [];
    for (const record of inputs) {
      const at = `${record.partition}:${record.offset}`;
      const value = text(record.value) ?? '';
      const letter = deadLettered.get(at);
      const expected = value.startsWith('not json')
        ? 'RECORD_UNDECODABLE'
        : (JSON.parse(value) as { huge: boolean }).huge
          ? 'RECORD_TOO_LARGE'
          : 'output';
      const got = outputIn.has(at) ? 'output' : letter ? header(letter, 'dlq.error.class') : 'nothing';
      if (got !== expected) misses.push(`${at}: expected ${expected}, found ${got}`);
    }
    const earlyCommits = samples.flatMap(({ incarnation: which, committed }) =>
      inputs.flatMap((record) => {
        const at = `${record.partition}:${record.offset}`;
        const isCommitted = record.offset < (committed.get(record.partition) ?? -1);
        const settled = (outputIn.get(at) ?? Number.POSITIVE_INFINITY) <= which || deadLettered.has(at);
        return isCommitted && !settled ? [`${at} committed in incarnation ${which} before its output`] : [];
      }),
    );
    const summary = `seed ${seed}: ${inputs.length} inputs, ${deadLetters.length} dead letters, ${samples.length} commit samples; poller: ${log.slice(-5).join(' | ')}`;
    console.info(`consumer acknowledged ⇒ readable, ${summary.split('; poller')[0]}`);
    expect(inputs).toHaveLength(BATCHES * BATCH_SIZE);
    expect(wrongOutputs, summary).toEqual([]);
    expect(misses, summary).toEqual([]);
    expect([...new Set(earlyCommits)], summary).toEqual([]);
    expect(
      [...ends].every(([partition, end]) => samples.at(-1)?.committed.get(partition) === end),
      summary,
    ).toBe(true);
  }, 150_000);
});
