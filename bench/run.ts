/**
 * `npm run bench`: producer throughput, in-process (handler vs bare kafkajs) and over HTTP through
 * serverless-offline, against a fresh local broker (LOCAL_BROKER: the embedded one by default, or Apache
 * Kafka) or KAFKA_BROKERS. Prints a markdown report.
 * Nothing asserts on the figures; see bench/README.md for what they mean.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { localBrokerKind, startLocalBroker } from '../infra/local/broker.js';
import { startSchemaRegistry } from '../src/schema-registry/server.js';
import { startOffline } from '../test/support/offline.js';
import { brokerSection } from './broker.js';
import { bundle } from './bundle.js';
import { bundleTable, measureBundles } from './bundles.js';
import type { HandlerRow } from './consumers.js';
import { load } from './http.js';
import type { Sample, Sender } from './inprocess.js';
import { offlineKafkaSection } from './offline-kafka.js';
import { makeBatches, VALUE_BYTES } from './payload.js';
import { fixed, median, percentile, table, thousands } from './stats.js';

type Section = 'inprocess' | 'schemas' | 'http' | 'consumers' | 'offline' | 'bundles' | 'broker';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  partitions: 3,
  batchSize: 100,
  warmupBatches: env('BENCH_WARMUP_BATCHES', 500),
  batches: env('BENCH_BATCHES', 800),
  rounds: env('BENCH_ROUNDS', 4),
  httpSeconds: env('BENCH_HTTP_SECONDS', 6),
  only: process.env.BENCH_ONLY as Section | undefined,
  consumerRounds: env('BENCH_CONSUMER_ROUNDS', 3),
  httpWarmupSeconds: env('BENCH_HTTP_WARMUP_SECONDS', 3),
  httpScenarioWarmupSeconds: env('BENCH_HTTP_SCENARIO_WARMUP_SECONDS', 1.5),
};

const say = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** Cleanups, newest first; each runs once, on success, error or Ctrl-C. */
const cleanups: { name: string; run: () => Promise<unknown> }[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop();
    if (!cleanup) break;
    await cleanup.run().catch((error: unknown) => say(`could not ${cleanup.name}: ${String(error)}`));
  }
}

/**
 * The handler logs one JSON line per invocation, as it does on Lambda. The bench keeps that cost
 * (the line is built and written) but not the terminal output: stdout drops writes while muted.
 */
const realWrite = process.stdout.write.bind(process.stdout);
function muteStdout(muted: boolean): void {
  process.stdout.write = muted
    ? (((chunk: string | Uint8Array, ...rest: unknown[]) => {
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        if (callback) process.nextTick(callback);
        return typeof chunk === 'string' || chunk.length >= 0;
      }) as typeof process.stdout.write)
    : realWrite;
}

interface Throughput {
  recordsPerSecond: number;
  megabytesPerSecond: number;
}

function throughput(samples: Sample[]): Throughput {
  const records = samples.reduce((sum, s) => sum + s.records, 0);
  const bytes = samples.reduce((sum, s) => sum + s.valueBytes, 0);
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  return { recordsPerSecond: records / seconds, megabytesPerSecond: bytes / 1e6 / seconds };
}

/** Milliseconds per batch of settings.batchSize records. */
const perBatch = (t: Throughput) => (1000 * settings.batchSize) / t.recordsPerSecond;

const rate = (sample: Sample) => sample.records / sample.seconds;

async function inProcess(bootstrap: string, topic: string) {
  const built = await bundle('bench/inprocess.ts', 'inprocess');
  cleanups.push({ name: 'remove the bundle', run: () => built.remove() });
  const { bareSender, handlerSender, measure }: typeof import('./inprocess.js') = await import(built.url);
  const batches = makeBatches(settings.batchSize);
  const samples = new Map<Sender, Sample[]>();
  muteStdout(true);
  try {
    const handler = handlerSender(bootstrap, topic, batches);
    cleanups.push({ name: 'disconnect the handler clients', run: () => handler.close() });
    const bare = await bareSender(bootstrap, topic, settings.partitions);
    cleanups.push({ name: 'disconnect the bare producer', run: () => bare.close() });
    samples.set(handler, []).set(bare, []);
    say(`in-process warm-up: ${settings.warmupBatches} batches each`);
    // In alternating quarters, so both (and the broker's own JIT) are equally warm when timing starts.
    for (let quarter = 0; quarter < 4; quarter++) {
      for (const sender of [handler, bare])
        await measure(sender, batches, Math.ceil(settings.warmupBatches / 4));
    }
    for (let round = 1; round <= settings.rounds; round++) {
      // A/B then B/A: drift of the machine (JIT, GC, the broker's page cache) weighs on both alike.
      const order = round % 2 === 1 ? [handler, bare] : [bare, handler];
      for (const sender of order) {
        const sample = await measure(sender, batches, settings.batches);
        samples.get(sender)?.push(sample);
        say(
          `round ${round}/${settings.rounds} ${sender.name}: ${thousands(rate(sample))} records/s (${fixed(sample.seconds, 2)} s)`,
        );
      }
    }
  } finally {
    muteStdout(false);
  }
  const [handlerSamples = [], bareSamples = []] = samples.values();
  const roundRatios = handlerSamples.map((sample, i) => {
    const other = bareSamples[i];
    return other ? rate(sample) / rate(other) : Number.NaN;
  });
  return {
    handler: throughput(handlerSamples),
    bare: throughput(bareSamples),
    handlerMedian: median(handlerSamples.map(rate)),
    bareMedian: median(bareSamples.map(rate)),
    roundRatios,
  };
}

interface HttpRow {
  records: number;
  concurrency: number;
  requests: number;
  failures: number;
  requestsPerSecond: number;
  recordsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
}

async function overHttp(bootstrap: string, topic: string): Promise<HttpRow[]> {
  say('starting serverless offline (builds the functions with esbuild)');
  const offline = await startOffline({ KAFKA_BROKERS: bootstrap });
  cleanups.push({ name: 'stop serverless offline', run: () => offline.stop() });
  const url = `${offline.url}/v1/topics/${topic}/records`;
  const bodies = new Map([1, settings.batchSize].map((size) => [size, makeBatches(size, 1)[0]?.body ?? '']));
  const scenarios = [
    { records: 1, concurrency: 1, maxRequests: 5000 },
    { records: 1, concurrency: 8, maxRequests: 10_000 },
    { records: settings.batchSize, concurrency: 1, maxRequests: 2000 },
    { records: settings.batchSize, concurrency: 8, maxRequests: 4000 },
  ];

  // Warm-up: cold starts of up to 8 function instances, their Kafka connections and metadata.
  say(`HTTP warm-up: ${settings.httpWarmupSeconds} s per body size at concurrency 8`);
  for (const size of bodies.keys()) {
    const warm = await load({
      url,
      body: bodies.get(size) ?? '',
      concurrency: 8,
      maxRequests: 2000,
      maxSeconds: settings.httpWarmupSeconds,
    });
    if (warm.failures === warm.requests) {
      throw new Error(`every warm-up request failed: ${warm.firstFailure}\n${offline.tail().slice(-4000)}`);
    }
  }

  const rows: HttpRow[] = [];
  for (const scenario of scenarios) {
    // A short run of the same shape first: connections and function instances for this concurrency.
    await load({
      url,
      body: bodies.get(scenario.records) ?? '',
      concurrency: scenario.concurrency,
      maxRequests: scenario.maxRequests,
      maxSeconds: settings.httpScenarioWarmupSeconds,
    });
    const result = await load({
      url,
      body: bodies.get(scenario.records) ?? '',
      concurrency: scenario.concurrency,
      maxRequests: scenario.maxRequests,
      maxSeconds: settings.httpSeconds,
    });
    const ok = result.requests - result.failures;
    const row: HttpRow = {
      ...scenario,
      requests: result.requests,
      failures: result.failures,
      requestsPerSecond: result.requests / result.seconds,
      recordsPerSecond: (ok * scenario.records) / result.seconds,
      p50: percentile(result.latencies, 50),
      p99: percentile(result.latencies, 99),
      max: percentile(result.latencies, 100),
    };
    rows.push(row);
    say(
      `HTTP ${scenario.records} record(s) x${scenario.concurrency}: ${fixed(row.requestsPerSecond)} req/s, p50 ${fixed(row.p50)} ms, p99 ${fixed(row.p99)} ms${result.failures ? `, ${result.failures} failed (${result.firstFailure})` : ''}`,
    );
  }
  if (process.env.BENCH_DEBUG) say(offline.tail().slice(-6000));
  await offline.stop();
  return rows;
}

function report(
  machine: { load: number[] },
  broker: string,
  inproc: Awaited<ReturnType<typeof inProcess>> | undefined,
  http: HttpRow[] | undefined,
  consumerResults: Awaited<ReturnType<typeof consumers>> | undefined,
): string {
  const cpu = cpus();
  const lines = [
    '# Producer bench',
    '',
    `- Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${fixed(totalmem() / 2 ** 30)} GiB, ${process.platform}/${process.arch}`,
    `- Node ${process.version}; load average before ${machine.load.map((l) => fixed(l, 2)).join(' / ')}, after ${loadavg()
      .map((l) => fixed(l, 2))
      .join(' / ')}`,
    `- Kafka: ${broker}; topic of ${settings.partitions} partitions; keyless ${VALUE_BYTES}-byte JSON values, acks all (idempotent)`,
    ...(inproc ? inProcessSection(inproc) : []),
    ...(http ? httpSection(http) : []),
    ...(consumerResults ? consumersSection(consumerResults) : []),
  ];
  return `${lines.join('\n')}\n`;
}

function inProcessSection(inproc: Awaited<ReturnType<typeof inProcess>>): string[] {
  const ratio = inproc.handler.recordsPerSecond / inproc.bare.recordsPerSecond;
  return [
    '',
    `## In-process: handler vs bare kafkajs (${settings.rounds} alternating rounds of ${settings.batches} sequential batches of ${settings.batchSize}, after ${settings.warmupBatches} warm-up batches each)`,
    '',
    table(
      ['', 'records/s', 'MB/s (values)', 'median round records/s'],
      [
        [
          'handler (in-process)',
          thousands(inproc.handler.recordsPerSecond),
          fixed(inproc.handler.megabytesPerSecond),
          thousands(inproc.handlerMedian),
        ],
        [
          'bare kafkajs producer',
          thousands(inproc.bare.recordsPerSecond),
          fixed(inproc.bare.megabytesPerSecond),
          thousands(inproc.bareMedian),
        ],
        [
          '**ratio handler/bare**',
          `**${fixed(ratio, 2)}**`,
          `per round: ${inproc.roundRatios.map((r) => fixed(r, 2)).join(', ')}`,
          `target >= 0.80: ${ratio >= 0.8 ? 'met' : 'NOT met'}`,
        ],
      ],
    ),
    '',
    `Per ${settings.batchSize}-record batch: handler ${fixed(perBatch(inproc.handler), 2)} ms, bare ${fixed(perBatch(inproc.bare), 2)} ms, so the handler adds ${fixed(perBatch(inproc.handler) - perBatch(inproc.bare), 2)} ms per invocation.`,
  ];
}

function httpSection(http: HttpRow[]): string[] {
  return [
    '',
    `## Over HTTP through serverless-offline (closed loop, ${settings.httpSeconds} s or a request cap per row, after ${settings.httpWarmupSeconds} s warm-ups per body size and ${settings.httpScenarioWarmupSeconds} s before each row)`,
    '',
    table(
      [
        'records/request',
        'concurrency',
        'requests',
        'failed',
        'requests/s',
        'records/s',
        'p50 ms',
        'p99 ms',
        'max ms',
      ],
      http.map((row) => [
        String(row.records),
        String(row.concurrency),
        String(row.requests),
        String(row.failures),
        fixed(row.requestsPerSecond),
        thousands(row.recordsPerSecond),
        fixed(row.p50),
        fixed(row.p99),
        fixed(row.max),
      ]),
    ),
  ];
}

/** The consumer functions in-process on 10,000-record events (bench/consumers.ts). */
async function consumers(bootstrap: string) {
  const built = await bundle('bench/consumers.ts', 'consumers');
  cleanups.push({ name: 'remove the consumers bundle', run: () => built.remove() });
  const { benchHandlers, benchDecode, RECORDS_PER_EVENT }: typeof import('./consumers.js') = await import(
    built.url
  );
  const outputs = new Map<string, string>();
  for (const kind of ['events', 'logs', 'metrics'])
    outputs.set(kind, await createTopic(bootstrap, `consumers.${kind}`));
  say(
    `consumers: ${settings.consumerRounds} rounds of ${RECORDS_PER_EVENT}-record events per function and writer`,
  );
  muteStdout(true);
  try {
    const handlers = await benchHandlers(
      bootstrap,
      (kind) => outputs.get(kind) ?? kind,
      settings.consumerRounds,
    );
    cleanups.push({ name: 'disconnect the consumers clients', run: () => handlers.close() });
    const decode = benchDecode(5);
    return { rows: handlers.rows, decode, recordsPerEvent: RECORDS_PER_EVENT };
  } finally {
    muteStdout(false);
  }
}

function consumersSection(results: Awaited<ReturnType<typeof consumers>>): string[] {
  const perSecond = (row: HandlerRow) => results.recordsPerEvent / median(row.seconds);
  return [
    '',
    `## Consumer functions in-process (${results.recordsPerEvent}-record MSK events of 1 KiB values over 3 partitions, median of ${settings.consumerRounds} invocations after one warm-up)`,
    '',
    table(
      ['function', 'outputs written to', 'records/s', 'MB/s (values)', 'ms per invocation'],
      results.rows.map((row) => [
        row.function,
        row.writer === 'kafka' ? 'the broker (acks all)' : 'a no-op writer',
        thousands(perSecond(row)),
        fixed((perSecond(row) * 1024) / 1e6),
        fixed(median(row.seconds) * 1000),
      ]),
    ),
    '',
    `Decode per record: ${fixed(results.decode.rawMicros, 2)} µs for the bytes (base64, signed header bytes), ${fixed(results.decode.fullMicros, 2)} µs with UTF-8, JSON and the events schema (zod).`,
  ];
}

/** The produce handler with avro values against json values, alternating rounds (bench/schema-formats.ts). */
async function schemaFormats(bootstrap: string) {
  const topic = await createTopic(bootstrap, 'schemas');
  const registry = await startSchemaRegistry({ port: 0, log: () => {} });
  cleanups.push({ name: 'stop the schema registry', run: () => registry.stop() });
  const subject = `${topic}-value`;
  const built = await bundle('bench/schema-formats.ts', 'schema-formats');
  cleanups.push({ name: 'remove the schema formats bundle', run: () => built.remove() });
  const { schemaSenders, PAGE_VIEW_SCHEMA, measure }: typeof import('./schema-formats.js') = await import(
    built.url
  );
  const registered = await fetch(`${registry.url}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: PAGE_VIEW_SCHEMA }),
  });
  if (!registered.ok) throw new Error(`could not register the bench schema: ${await registered.text()}`);
  const batches = makeBatches(settings.batchSize);
  const senders = schemaSenders(bootstrap, topic, registry.url, subject, batches);
  cleanups.push({ name: 'disconnect the schema bench clients', run: () => senders.close() });
  const samples = { json: [] as Sample[], avro: [] as Sample[] };
  muteStdout(true);
  let lookups = 0;
  try {
    say(`schema formats warm-up: ${settings.warmupBatches} batches each`);
    for (let quarter = 0; quarter < 4; quarter++) {
      for (const sender of [senders.json, senders.avro])
        await measure(sender, batches, Math.ceil(settings.warmupBatches / 4));
    }
    const warm = senders.registryRequests();
    for (let round = 1; round <= settings.rounds; round++) {
      const order = round % 2 === 1 ? (['json', 'avro'] as const) : (['avro', 'json'] as const);
      for (const format of order) {
        const sample = await measure(senders[format], batches, settings.batches);
        samples[format].push(sample);
        say(`round ${round}/${settings.rounds} ${format}: ${thousands(rate(sample))} records/s`);
      }
    }
    lookups = senders.registryRequests() - warm;
  } finally {
    muteStdout(false);
  }
  const avroRequests = settings.rounds * settings.batches;
  const jsonBytes = batches.reduce((sum, batch) => sum + batch.valueBytes, 0);
  const avroBytes = batches.reduce((sum, batch) => sum + senders.avroBytes(batch), 0);
  return {
    json: throughput(samples.json),
    avro: throughput(samples.avro),
    roundRatios: samples.avro.map((sample, i) => rate(sample) / rate(samples.json[i] as Sample)),
    lookupsPerRequest: lookups / avroRequests,
    lookups,
    avroRequests,
    bytesRatio: avroBytes / jsonBytes,
  };
}

function schemaFormatsSection(results: Awaited<ReturnType<typeof schemaFormats>>): string[] {
  const ratio = results.avro.recordsPerSecond / results.json.recordsPerSecond;
  return [
    '',
    `## Produce with a schema: avro against json values (the handler in-process, one container, ${settings.rounds} alternating rounds of ${settings.batches} sequential ${settings.batchSize}-record batches after ${settings.warmupBatches} warm-up batches each)`,
    '',
    table(
      ['values', 'records/s', 'per batch ms'],
      [
        [
          'json (1 KiB, written as sent)',
          thousands(results.json.recordsPerSecond),
          fixed(perBatch(results.json), 2),
        ],
        [
          'avro (validated, encoded, framed)',
          thousands(results.avro.recordsPerSecond),
          fixed(perBatch(results.avro), 2),
        ],
        [
          '**ratio avro/json**',
          `**${fixed(ratio, 2)}**`,
          `per round: ${results.roundRatios.map((r) => fixed(r, 2)).join(', ')}`,
        ],
      ],
    ),
    '',
    `Schema registry requests once warm: ${results.lookups} over ${thousands(results.avroRequests)} avro requests (${fixed(results.lookupsPerRequest, 4)} per request; target 0). Avro values are ${fixed(results.bytesRatio * 100)}% of the JSON bytes (framing included).`,
  ];
}

async function createTopic(bootstrap: string, name = 'produce'): Promise<string> {
  const topic = `bench.${name}.${randomUUID().slice(0, 8)}`;
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench-admin', logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push({ name: 'disconnect the admin', run: () => admin.disconnect() });
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: settings.partitions, replicationFactor: 1 }],
  });
  cleanups.push({
    name: `delete topic ${topic}`,
    run: () => admin.deleteTopics({ topics: [topic] }),
  });
  return topic;
}

async function main(): Promise<void> {
  const machine = { load: loadavg() };
  if (settings.only === 'broker') {
    // Starts both brokers itself; nothing else of the bench runs.
    realWrite(`\n# Broker bench\n${(await brokerSection(say)).join('\n')}\n`);
    return;
  }
  let bootstrap = process.env.KAFKA_BROKERS;
  let broker = `KAFKA_BROKERS=${bootstrap}`;
  if (!bootstrap) {
    const kind = localBrokerKind();
    say(`starting a fresh local broker (${kind}, LOCAL_BROKER)`);
    const local = await startLocalBroker({ kind });
    cleanups.push({ name: 'stop the broker', run: () => local.stop() });
    bootstrap = local.bootstrap;
    broker = `fresh single-node ${kind === 'embedded' ? 'embedded broker (src/broker)' : 'Apache Kafka (infra/kafka)'} on ${bootstrap}`;
  }
  const topic = await createTopic(bootstrap);
  say(`topic ${topic} on ${bootstrap}`);

  const wants = (section: Section) => settings.only === undefined || settings.only === section;
  const inproc = wants('inprocess') ? await inProcess(bootstrap, topic) : undefined;
  const schemas = wants('schemas') ? schemaFormatsSection(await schemaFormats(bootstrap)) : [];
  const http = wants('http') ? await overHttp(bootstrap, topic) : undefined;
  const consumerResults = wants('consumers') ? await consumers(bootstrap) : undefined;
  const offline = wants('offline') ? await offlineKafkaSection(bootstrap, say) : [];
  const brokerLines = wants('broker') ? await brokerSection(say) : [];
  const bundles = wants('bundles')
    ? `\n## Bundles and cold start (serverless package --stage dev; fresh Node ${process.version} process per sample, median of 5; Lambda runs nodejs24.x on arm64)\n\n${bundleTable(await measureBundles(bootstrap))}\n`
    : '';
  realWrite(
    `\n${report(machine, broker, inproc, http, consumerResults)}${[...schemas, ...offline].map((line) => `${line}\n`).join('')}${bundles}${brokerLines.map((line) => `${line}\n`).join('')}`,
  );
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    say(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const started = performance.now();
try {
  await main();
} catch (error) {
  muteStdout(false);
  say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  if (!interrupted) {
    await cleanUp();
    say(`done in ${fixed((performance.now() - started) / 1000)} s`);
    // kafkajs may leave timers behind; the bench's work is over.
    process.exit(process.exitCode ?? 0);
  }
}
