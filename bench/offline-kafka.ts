/**
 * The offline Kafka emulator (src/offline-kafka) in-process: records/s delivered to a no-op function next
 * to a bare kafkajs consumer reading the same topic in the same run, the same with a schema registry step
 * (`eventRecordFormat: JSON`, the values Avro through a local registry) against the plain records, and the
 * latency from a produce acknowledgement to the start of the handler with `maximumBatchingWindow: 0`.
 * bench/run.ts prints the section (`BENCH_ONLY=offline`).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { startSchemaRegistry } from '../src/schema-registry/server.js';
import type { EmulatorLog } from '../src/serverless-kafka-events/emulate/delivery.js';
import type { KafkaEvent } from '../src/serverless-kafka-events/emulate/event.js';
import { EventSourcePoller } from '../src/serverless-kafka-events/emulate/poller.js';
import { type RecordDecoder, recordDecoder } from '../src/serverless-kafka-events/emulate/schema-records.js';
import type { EventSource, SchemaRegistrySettings } from '../src/serverless-kafka-events/emulate/sources.js';
import { KafkaAdmin } from '../src/shared/kafka/admin.js';
import { KafkaConnection } from '../src/shared/kafka/client.js';
import { loadKafkaConfig } from '../src/shared/kafka/config.js';
import { loadSchemaRegistryConfig } from '../src/shared/schema/config.js';
import { schemaDeserializerFor } from '../src/shared/schema/deserializer.js';
import { schemaSerializerFor } from '../src/shared/schema/serializer.js';
import { testSource } from '../test/support/event-source.js';
import { registerSchema } from '../test/support/schemas.js';
import { makeBatches, VALUE_BYTES } from './payload.js';
import { PAGE_VIEW_SCHEMA } from './schema-formats.js';
import { fixed, median, percentile, table, thousands } from './stats.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  records: env('BENCH_OFFLINE_RECORDS', 100_000),
  valueBytes: VALUE_BYTES,
  partitions: 3,
  batchSize: env('BENCH_OFFLINE_BATCH_SIZE', 10_000),
  rounds: env('BENCH_OFFLINE_ROUNDS', 2),
  latencySamples: env('BENCH_OFFLINE_LATENCY_SAMPLES', 300),
};

const quiet: EmulatorLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The emulator's administration client, as the plugin builds it: one connection per broker, closed at the end. */
const connections = new Map<string, KafkaConnection>();
function emulatorAdmin(bootstrap: string): KafkaAdmin {
  const connection =
    connections.get(bootstrap) ??
    new KafkaConnection(
      loadKafkaConfig({ KAFKA_BROKERS: bootstrap, KAFKA_CLIENT_ID: 'bench-offline-kafka' }),
    );
  connections.set(bootstrap, connection);
  return new KafkaAdmin(connection);
}

/** The mapping; with `registry`, a schemaRegistryConfig delivering values in JSON format. */
function source(bootstrap: string, topic: string, batchSize: number, registry = false): EventSource {
  return testSource(bootstrap, topic, {
    functionKey: 'noop',
    label: 'bench',
    functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:bench-noop',
    envelope: { eventSource: 'SelfManagedKafka', bootstrapServers: bootstrap },
    batchSize,
    windowMs: 0,
    schemaRegistry: registry
      ? { uri: 'https://registry.bench', eventRecordFormat: 'JSON', attributes: new Set(['VALUE']) }
      : undefined,
  });
}

/** Writes settings.records records cycling through `values`. */
async function fill(kafka: Kafka, topic: string, values: Buffer[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  for (let sent = 0; sent < settings.records; sent += 1000) {
    const messages = Array.from({ length: 1000 }, (_, i) => ({
      value: values[(sent + i) % values.length] as Buffer,
    }));
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
}

/**
 * Seconds until a fresh group of the emulator has handed every record to a no-op function, and the
 * number of invocations; `decode` is the mapping's registry step, when it has one.
 */
async function emulatorSeconds(
  bootstrap: string,
  topic: string,
  decode?: RecordDecoder,
): Promise<{ seconds: number; batches: number }> {
  let seen = 0;
  let batches = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const poller = new EventSourcePoller({
    source: source(bootstrap, topic, settings.batchSize, decode !== undefined),
    admin: emulatorAdmin(bootstrap),
    clientId: 'bench-offline-kafka',
    invoke: async (event: KafkaEvent) => {
      batches += 1;
      for (const records of Object.values(event.records)) seen += records.length;
      if (seen >= settings.records) done();
    },
    log: quiet,
    retryInitialDelayMs: 100,
    retryMaxDelayMs: 1000,
    decode,
  });
  const started = performance.now();
  await poller.start();
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await poller.stop();
  return { seconds, batches };
}

/** The same for a bare kafkajs consumer (eachBatch, auto-commit), the reference. */
async function bareSeconds(kafka: Kafka, topic: string): Promise<number> {
  const consumer = kafka.consumer({
    groupId: `bench.bare.${randomUUID().slice(0, 8)}`,
    maxWaitTimeInMs: 500,
  });
  let seen = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const started = performance.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      seen += batch.messages.length;
      if (seen >= settings.records) done();
    },
  });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  return seconds;
}

/** Milliseconds from each produce acknowledgement to the handler's start, one record at a time. */
async function latencies(kafka: Kafka, bootstrap: string, topic: string): Promise<number[]> {
  const startedAt = new Map<string, number>();
  const poller = new EventSourcePoller({
    source: source(bootstrap, topic, 100),
    admin: emulatorAdmin(bootstrap),
    clientId: 'bench-offline-kafka',
    invoke: async (event: KafkaEvent) => {
      const now = performance.now();
      for (const record of Object.values(event.records).flat()) {
        startedAt.set(Buffer.from(record.value ?? '', 'base64').toString(), now);
      }
    },
    log: quiet,
    retryInitialDelayMs: 100,
    retryMaxDelayMs: 1000,
  });
  await poller.start();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const acked = new Map<string, number>();
  for (let i = 0; i < settings.latencySamples; i++) {
    const id = `r${i}`;
    await producer.send({ topic, acks: -1, messages: [{ value: id }] });
    acked.set(id, performance.now());
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const deadline = Date.now() + 10_000;
  while (startedAt.size < settings.latencySamples && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await producer.disconnect();
  await poller.stop();
  // The handler may start before the producer has read its acknowledgement: those samples are negative.
  return [...acked].map(([id, at]) => (startedAt.get(id) ?? Number.NaN) - at).filter(Number.isFinite);
}

/** Runs the measurements on topics of its own (deleted after) and returns the report's section. */
export async function offlineKafkaSection(
  bootstrap: string,
  say: (message: string) => void,
): Promise<string[]> {
  // A bare kafkajs client: the reference consumer and the set-up producer.
  const kafka = new Kafka({
    clientId: 'bench-offline-kafka',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  // The local registry in memory, as the schemas section runs it.
  const registry = await startSchemaRegistry({ port: 0, log: () => undefined });
  const created: string[] = [];
  const createTopic = async (name: string, partitions: number) => {
    const topic = `bench.${name}.${randomUUID().slice(0, 8)}`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
    created.push(topic);
    return topic;
  };
  try {
    return await measure(kafka, bootstrap, registry.url, createTopic, say);
  } finally {
    await registry.stop();
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
    await Promise.all([...connections.values()].map((connection) => connection.close()));
  }
}

/**
 * The plain topic holds bench/payload.ts's 1 KiB JSON values; the Avro topic the same values encoded with
 * PAGE_VIEW_SCHEMA (registered in the local registry at `registryUrl`) in the wire format, which the
 * mapping's registry step decodes back to JSON text.
 */
async function fillTopics(
  kafka: Kafka,
  registryUrl: string,
  createTopic: (name: string, partitions: number) => Promise<string>,
  say: (message: string) => void,
) {
  const plain = makeBatches(1000).flatMap((batch) => batch.values);
  const topic = await createTopic('offline', settings.partitions);
  const avroTopic = await createTopic('offline.avro', settings.partitions);
  const subject = `${avroTopic}-value`;
  await registerSchema(registryUrl, subject, PAGE_VIEW_SCHEMA);
  const config = loadSchemaRegistryConfig({ SCHEMA_REGISTRY_URL: registryUrl });
  const encode = await schemaSerializerFor(config).encoder({
    format: 'avro',
    selector: { subject, version: 'latest' },
  });
  const avro = plain.map((value) => encode(JSON.parse(value.toString('utf8'))));
  say(
    `offline-kafka: writing ${thousands(settings.records)} records of ${settings.valueBytes} bytes to ${topic}, the same in Avro to ${avroTopic}`,
  );
  await fill(kafka, topic, plain);
  await fill(kafka, avroTopic, avro);
  // One registry client for every round, as the plugin has one for all mappings; warmed on one record.
  const deserializer = schemaDeserializerFor(config);
  await deserializer.deserialize(avro[0] as Buffer);
  return { topic, avroTopic, deserializer, avroBytes: (avro[0] as Buffer).length };
}

type Kind = 'emulator' | 'bare' | 'registry';

async function measure(
  kafka: Kafka,
  bootstrap: string,
  registryUrl: string,
  createTopic: (name: string, partitions: number) => Promise<string>,
  say: (message: string) => void,
): Promise<string[]> {
  const { topic, avroTopic, deserializer, avroBytes } = await fillTopics(
    kafka,
    registryUrl,
    createTopic,
    say,
  );
  const seconds: Record<Kind, number[]> = { emulator: [], bare: [], registry: [] };
  const requestsBefore = deserializer.registry.requests;
  let registryBatches = 0;
  const mapping = source(bootstrap, avroTopic, settings.batchSize, true);
  const decode = recordDecoder(mapping.schemaRegistry as SchemaRegistrySettings, deserializer);
  for (let round = 1; round <= settings.rounds; round++) {
    // A/B/C then C/B/A, so drift weighs on all alike.
    const kinds: Kind[] = ['emulator', 'bare', 'registry'];
    const order = round % 2 === 1 ? kinds : kinds.reverse();
    for (const which of order) {
      let elapsed: number;
      if (which === 'bare') elapsed = await bareSeconds(kafka, topic);
      else if (which === 'emulator') elapsed = (await emulatorSeconds(bootstrap, topic)).seconds;
      else {
        const run = await emulatorSeconds(bootstrap, avroTopic, decode);
        registryBatches += run.batches;
        elapsed = run.seconds;
      }
      seconds[which].push(elapsed);
      say(`offline-kafka round ${round} ${which}: ${thousands(settings.records / elapsed)} records/s`);
    }
  }
  const registryRequests = deserializer.registry.requests - requestsBefore;
  const emulator = seconds.emulator;
  const bare = seconds.bare;
  const latencyTopic = await createTopic('offline.latency', 1);
  say(`offline-kafka: latency, ${settings.latencySamples} single-record produces`);
  const samples = await latencies(kafka, bootstrap, latencyTopic);
  const rate = (samples: number[]) => settings.records / median(samples);
  const ratio = rate(emulator) / rate(bare);
  const registryRatio = rate(seconds.registry) / rate(emulator);
  const perBatch = registryRequests / Math.max(1, registryBatches);
  const p50 = percentile(samples, 50);
  const p99 = percentile(samples, 99);
  return [
    '',
    `## Offline Kafka emulator (src/offline-kafka) in-process, no-op function (${thousands(settings.records)} records of ${settings.valueBytes} bytes on ${settings.partitions} partitions, batchSize ${thousands(settings.batchSize)}, window 0; median of ${settings.rounds} alternating rounds, each from a fresh group)`,
    '',
    table(
      ['', 'records/s', 'seconds per round'],
      [
        [
          'emulator -> no-op function',
          thousands(rate(emulator)),
          emulator.map((s) => fixed(s, 2)).join(', '),
        ],
        ['bare kafkajs consumer', thousands(rate(bare)), bare.map((s) => fixed(s, 2)).join(', ')],
        [
          '**ratio emulator/bare**',
          `**${fixed(ratio, 2)}**`,
          `target >= 0.80: ${ratio >= 0.8 ? 'met' : 'NOT met'}`,
        ],
      ],
    ),
    '',
    `With a schema registry (eventRecordFormat JSON, VALUE): the same values in Avro (${avroBytes} bytes each, header included) decoded through the local registry (in memory) to JSON text, against the plain JSON records above, in the same alternating rounds:`,
    '',
    table(
      ['', 'records/s', 'seconds per round'],
      [
        [
          'emulator, JSON format (Avro via registry) -> no-op function',
          thousands(rate(seconds.registry)),
          seconds.registry.map((s) => fixed(s, 2)).join(', '),
        ],
        ['emulator, plain records', thousands(rate(emulator)), emulator.map((s) => fixed(s, 2)).join(', ')],
        ['**ratio JSON format/plain**', `**${fixed(registryRatio, 2)}**`, ''],
        [
          'registry requests per batch once warm',
          `${fixed(perBatch, 3)} (${registryRequests} in ${registryBatches} batches)`,
          `target 0: ${registryRequests === 0 ? 'met' : 'NOT met'}`,
        ],
      ],
    ),
    '',
    `Produce acknowledgement to handler start, window 0, batchSize 100, ${samples.length} single-record produces 10 ms apart:`,
    '',
    table(
      ['p50 ms', 'p99 ms', 'max ms', 'target'],
      [
        [
          fixed(p50),
          fixed(p99),
          fixed(percentile(samples, 100)),
          `p50 < 20 and p99 < 100: ${p50 < 20 && p99 < 100 ? 'met' : 'NOT met'}`,
        ],
      ],
    ),
  ];
}
