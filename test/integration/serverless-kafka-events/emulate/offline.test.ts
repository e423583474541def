/**
 * End to end through a real `serverless offline start` with the plugin loaded (fixture/serverless.yml):
 * both event types, the function's environment, filters, retries into a Kafka destination, a mapping
 * decoding through the local schema registry, fail-fast on a missing topic, and a process killed with
 * SIGKILL while records flow.
 */
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { loadSchemaRegistryConfig } from '../../../../src/shared/schema/config.js';
import { schemaSerializerFor } from '../../../../src/shared/schema/serializer.js';
import { createTestTopic, uniqueName } from '../../../support/kafka.js';
import { readWithKafkaPython } from '../../../support/peers.js';
import { ORDER_AVRO, registerSchema } from '../../../support/schemas.js';
import { startTestRegistry } from '../../schema-registry/harness.js';
import { WAIT } from './harness.js';
import { type FixtureOffline, startFixture } from './offline-process.js';
import { produce, values } from './produce.js';

const bootstrap = inject('kafkaBrokers');

interface Line {
  function: string;
  marker: string;
  eventSource: string;
  eventSourceArn?: string;
  topic: string;
  partition: number;
  offset: number;
  value: string | null;
}

async function lines(file: string): Promise<Line[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);
}

const started: FixtureOffline[] = [];
const files: string[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((offline) => offline.stop()));
  await Promise.all(files.splice(0).map((file) => rm(file, { force: true })));
});

async function fixtureEnv(overrides: NodeJS.ProcessEnv = {}) {
  // The temporary folder always exists; .local/ does not in a fresh clone (the broker keeps the tests' data in memory).
  const recordFile = join(tmpdir(), `${uniqueName('offline-kafka-records')}.jsonl`);
  files.push(recordFile);
  return {
    KAFKA_BROKERS: bootstrap,
    RECORD_FILE: recordFile,
    SOURCE_TOPIC: await createTestTopic(bootstrap, 'okafka-e2e-source', { partitions: 3 }),
    SELF_TOPIC: await createTestTopic(bootstrap, 'okafka-e2e-self'),
    DLQ_TOPIC: await createTestTopic(bootstrap, 'okafka-e2e-dlq'),
    ORDERS_TOPIC: await createTestTopic(bootstrap, 'okafka-e2e-orders'),
    SELF_GROUP: uniqueName('self-group'),
    ...overrides,
  };
}

async function start(env: NodeJS.ProcessEnv) {
  const offline = await startFixture(env);
  started.push(offline);
  return offline;
}

describe('offline Kafka plugin in serverless offline', () => {
  it('invokes msk and kafka functions with their environment, filters, and sends exhausted batches to Kafka', async () => {
    // Prepare
    const env = await fixtureEnv();
    const offline = await start(env);

    // Act
    await produce(bootstrap, env.SOURCE_TOPIC, values(30));
    await produce(bootstrap, env.SELF_TOPIC, [
      { value: 'one' },
      { value: 'skip' },
      { value: 'two' },
      { value: 'fail' },
    ]);

    // Assess
    const seen = await vi.waitFor(async () => {
      const all = await lines(env.RECORD_FILE);
      expect(all.filter((line) => line.marker === 'msk')).toHaveLength(30);
      expect(all.filter((line) => line.marker === 'self-managed' && line.value === 'two')).not.toHaveLength(
        0,
      );
      return all;
    }, WAIT);
    const msk = seen.filter((line) => line.marker === 'msk');
    expect(new Set(msk.map((line) => line.eventSource))).toEqual(new Set(['aws:kafka']));
    expect(msk[0]?.eventSourceArn).toMatch(/^arn:aws:kafka:eu-west-1:123456789012:cluster\/fixture\//);
    expect(msk[0]?.function).toBe('offline-kafka-fixture-local-recorder');
    const self = seen.filter((line) => line.marker === 'self-managed');
    expect(new Set(self.map((line) => line.eventSource))).toEqual(new Set(['SelfManagedKafka']));
    expect(self.some((line) => line.eventSourceArn !== undefined)).toBe(false);
    expect(self.map((line) => line.value)).not.toContain('skip');
    // 'fail' is bisected away from the others, then retried once (maximumRetryAttempts: 1) before the destination.
    const [dead] = await readWithKafkaPython(bootstrap, env.DLQ_TOPIC, 1);
    expect(dead?.key).toBeNull();
    const document = JSON.parse(Buffer.from(dead?.value ?? '', 'base64').toString());
    expect(document.requestContext.condition).toBe('RetriesExhausted');
    expect(document.payload.eventSource).toBe('SelfManagedKafka');
    expect(Object.values(document.payload.records).flat()).toMatchObject([
      { value: Buffer.from('fail').toString('base64') },
    ]);
    expect(offline.tail()).toMatch(
      /offline-kafka: λ recorder \S+-\d\[\d+(\.\.\d+)?\] \d+ record\(s\) [\d.]+ ms: ok/,
    );
    expect(offline.tail()).toContain('enabled: false, not polling never.polled');
  });

  it('decodes Avro values through the local registry for a mapping with a schemaRegistryConfig (JSON format)', async () => {
    // Prepare
    const registry = await startTestRegistry(bootstrap);
    await registerSchema(registry.url, 'orders-e2e-value', ORDER_AVRO);
    const encode = await schemaSerializerFor(
      loadSchemaRegistryConfig({ SCHEMA_REGISTRY_URL: registry.url }),
    ).encoder({ format: 'avro', selector: { subject: 'orders-e2e-value', version: 'latest' } });
    const env = await fixtureEnv({ SCHEMA_REGISTRY_URL: registry.url });
    await start(env);

    // Act
    await produce(bootstrap, env.ORDERS_TOPIC, [
      { value: encode({ id: 'o-1', cents: 1250 }) },
      { value: Buffer.from('not framed') },
      { value: encode({ id: 'o-2', cents: 99 }) },
    ]);

    // Assess
    const orders = await vi.waitFor(async () => {
      const all = (await lines(env.RECORD_FILE)).filter((line) => line.marker === 'orders');
      expect(all).toHaveLength(2);
      return all;
    }, WAIT);
    expect(orders.map((line) => JSON.parse(line.value ?? ''))).toEqual([
      { id: 'o-1', cents: 1250 },
      { id: 'o-2', cents: 99 },
    ]);
    const [refused] = await readWithKafkaPython(bootstrap, env.DLQ_TOPIC, 1);
    const document = JSON.parse(Buffer.from(refused?.value ?? '', 'base64').toString());
    expect(document.requestContext.condition).toBe('DESERIALIZATION_ERROR');
    expect(document.KafkaBatchInfo.recordInfo.offset).toBe('1');
  });

  it('fails fast, naming the topic, when a source topic is missing', async () => {
    // Prepare
    const env = await fixtureEnv({ SOURCE_TOPIC: uniqueName('missing') });

    // Act
    const starting = startFixture(env);

    // Assess
    await expect(starting).rejects.toThrow(
      new RegExp(`topic\\(s\\) ${env.SOURCE_TOPIC.replace(/\./g, '\\.')} missing`),
    );
  });

  it('after kill -9 and a restart, every record is processed at least once and none is skipped', async () => {
    // Prepare
    const env = await fixtureEnv();
    const first = await start(env);
    const total = 3000;
    let produced = 0;
    const producing = (async () => {
      while (produced < total) {
        await produce(bootstrap, env.SOURCE_TOPIC, values(50, produced));
        produced += 50;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await vi.waitFor(async () => {
      const all = await lines(env.RECORD_FILE);
      expect(all.length).toBeGreaterThan(300);
    }, WAIT);

    // Act
    await first.kill();
    const processedBeforeKill = (await lines(env.RECORD_FILE)).length;
    await start(env);
    await producing;

    // Assess
    const all = await vi.waitFor(async () => {
      const seen = await lines(env.RECORD_FILE);
      expect(
        new Set(seen.filter((line) => line.marker === 'msk').map((line) => JSON.parse(line.value ?? '').n))
          .size,
      ).toBe(total);
      return seen;
    }, WAIT);
    expect(processedBeforeKill).toBeLessThan(total);
    const numbers = new Set(
      all.filter((line) => line.marker === 'msk').map((line) => JSON.parse(line.value ?? '').n),
    );
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
  }, 180_000);
});
