/**
 * `BENCH_ONLY=broker npm run bench`: the embedded broker (src/broker) beside Apache Kafka (infra/kafka):
 * time from start to the first answered Metadata request, produce and consume throughput with the same
 * kafkajs client against both in the same run, and the embedded broker's resident memory after a
 * million 1 KB records, in memory and in a data directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, repositoryRoot, startKafka } from '../infra/kafka/broker.js';
import { startLocalBroker } from '../infra/local/broker.js';
import { startBroker } from '../src/broker/index.js';
import { Reader, Writer } from '../src/broker/protocol/io.js';
import { Metadata } from '../src/broker/protocol/messages/metadata.js';
import { decodeResponse, encodeRequest } from '../src/broker/protocol/schema.js';
import { fixed, median, table, thousands } from './stats.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  recordBytes: 1024,
  batchSize: 100,
  rounds: env('BENCH_BROKER_ROUNDS', 3),
  batchesPerRound: env('BENCH_BROKER_BATCHES', 300),
  memoryRecords: env('BENCH_BROKER_MEMORY_RECORDS', 1_000_000),
  startSamples: env('BENCH_BROKER_START_SAMPLES', 5),
};

/** One Metadata v1 request on a fresh connection; resolves true when answered with a broker list. */
function metadataAnswered(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      const w = new Writer();
      w.int32(0).int16(Metadata.key).int16(1).int32(1).nullableString('bench');
      encodeRequest(Metadata, 1, w, {
        topics: null,
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      w.int32At(0, w.offset - 4);
      socket.write(w.result());
    });
    let received = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      const response = decodeResponse(Metadata, 1, new Reader(received, 8));
      done(response.brokers.length > 0);
    });
  });
}

async function untilMetadata(port: number, started: number, timeoutMs = 120_000): Promise<number> {
  while (performance.now() - started < timeoutMs) {
    if (await metadataAnswered(port)) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no Metadata answer on ${port} within ${timeoutMs} ms`);
}

/** The broker command bundled by esbuild (dependencies left in node_modules): a fresh process without tsx. */
async function bundledCommand(): Promise<string> {
  const outfile = join(repositoryRoot, '.cache', 'bench', `broker-cli-${process.pid}.mjs`);
  await build({
    entryPoints: [join(repositoryRoot, 'src', 'broker', 'cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}

function brokerCommand(port: number, dataDir?: string, script?: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      ...(script ? [script] : ['--import', 'tsx', join(repositoryRoot, 'src', 'broker', 'cli.ts')]),
      '--port',
      String(port),
      '--log-level',
      'warn',
      ...(dataDir ? ['--data-dir', dataDir] : []),
    ],
    { cwd: repositoryRoot, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function startTimes(say: (m: string) => void) {
  const inProcess: number[] = [];
  const command: number[] = [];
  const bundled: number[] = [];
  const script = await bundledCommand();
  for (let i = 0; i < settings.startSamples; i++) {
    let started = performance.now();
    const broker = await startBroker({ port: 0, logLevel: 'silent' });
    inProcess.push(await untilMetadata(broker.port, started));
    await broker.stop();
    const port = await freePort();
    started = performance.now();
    const child = brokerCommand(port);
    command.push(await untilMetadata(port, started));
    await stopChild(child);
    const bundledPort = await freePort();
    started = performance.now();
    const bundledChild = brokerCommand(bundledPort, undefined, script);
    bundled.push(await untilMetadata(bundledPort, started));
    await stopChild(bundledChild);
  }
  await rm(script, { force: true });
  say(
    `start-up: in-process ${fixed(median(inProcess))} ms, bundled command ${fixed(median(bundled))} ms, tsx command ${fixed(median(command))} ms (medians)`,
  );
  const started = performance.now();
  const kafka = await startKafka();
  const kafkaMs = (await untilMetadata(kafka.port, started)) as number;
  say(`start-up: Apache Kafka ${fixed(kafkaMs)} ms`);
  return { inProcess: median(inProcess), command: median(command), bundled: median(bundled), kafka, kafkaMs };
}

interface Target {
  name: string;
  bootstrap: string;
}

const value = Buffer.alloc(settings.recordBytes, 'x');
const batch = Array.from({ length: settings.batchSize }, () => ({ value }));

async function produceRound(kafka: Kafka, topic: string, batches: number): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: batch }); // warm the connection and metadata
  const started = performance.now();
  for (let i = 0; i < batches; i++) await producer.send({ topic, acks: -1, messages: batch });
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return (batches * settings.batchSize) / seconds;
}

async function consumeAll(kafka: Kafka, topic: string, expected: number): Promise<number> {
  const consumer = kafka.consumer({
    groupId: `bench-${Date.now()}-${Math.random()}`,
    maxWaitTimeInMs: 100,
    maxBytes: 50 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let started = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch: fetched }) => {
        if (started === 0) started = performance.now();
        seen += fetched.messages.length;
        if (seen >= expected) resolve(performance.now());
      },
    });
  });
  const ended = await done;
  await consumer.disconnect();
  return seen / ((ended - started) / 1000);
}

async function throughput(targets: Target[], say: (m: string) => void) {
  const results = new Map<string, { produce: number[]; consume: number[] }>();
  const topics = new Map<string, string>();
  for (const target of targets) {
    const kafka = new Kafka({
      brokers: [target.bootstrap],
      clientId: 'bench-broker',
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const topic = `bench.broker.${Date.now()}`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    topics.set(target.name, topic);
    results.set(target.name, { produce: [], consume: [] });
  }
  for (let round = 1; round <= settings.rounds; round++) {
    const order = round % 2 === 1 ? targets : [...targets].reverse();
    for (const target of order) {
      const kafka = new Kafka({
        brokers: [target.bootstrap],
        clientId: 'bench-broker',
        logLevel: logLevel.NOTHING,
      });
      const topic = topics.get(target.name) as string;
      const produced = await produceRound(kafka, topic, settings.batchesPerRound);
      const total = round * (settings.batchesPerRound + 1) * settings.batchSize;
      const consumed = await consumeAll(kafka, topic, total);
      results.get(target.name)?.produce.push(produced);
      results.get(target.name)?.consume.push(consumed);
      say(
        `round ${round} ${target.name}: produce ${thousands(produced)} records/s, consume ${thousands(consumed)} records/s`,
      );
    }
  }
  return results;
}

async function residentAfterMillion(say: (m: string) => void) {
  const rows: { mode: string; rssMb: number; seconds: number }[] = [];
  for (const mode of ['in memory', 'data directory'] as const) {
    const dataDir = mode === 'data directory' ? await mkdtemp(join(tmpdir(), 'bench-broker-')) : undefined;
    const port = await freePort();
    const started = performance.now();
    const child = brokerCommand(port, dataDir);
    await untilMetadata(port, started);
    const kafka = new Kafka({
      brokers: [`127.0.0.1:${port}`],
      clientId: 'bench-memory',
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'memory', numPartitions: 4 }] });
    await admin.disconnect();
    const producers = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const producer = kafka.producer();
        await producer.connect();
        return producer;
      }),
    );
    const perProducer = Math.ceil(settings.memoryRecords / settings.batchSize / producers.length);
    const writeStarted = performance.now();
    await Promise.all(
      producers.map(async (producer, p) => {
        for (let i = 0; i < perProducer; i++)
          await producer.send({
            topic: 'memory',
            acks: -1,
            messages: batch.map((m) => ({ ...m, partition: p })),
          });
        await producer.disconnect();
      }),
    );
    const seconds = (performance.now() - writeStarted) / 1000;
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    rows.push({ mode, rssMb: rssKb / 1024, seconds });
    say(
      `memory ${mode}: ${fixed(rssKb / 1024)} MB resident after ${thousands(settings.memoryRecords)} records (${fixed(seconds)} s to write)`,
    );
    await stopChild(child);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

export async function brokerSection(say: (message: string) => void): Promise<string[]> {
  const start = await startTimes(say);
  // As npm start and the tests run it: a process of its own, as Apache Kafka's JVM is. In the bench's own
  // process too, for comparison: there the broker shares one thread with the kafkajs client.
  const embedded = await startLocalBroker({ kind: 'embedded' });
  const inProcess = await startBroker({ port: 0, logLevel: 'silent' });
  try {
    const results = await throughput(
      [
        { name: 'embedded', bootstrap: embedded.bootstrap },
        { name: 'embedded in-process', bootstrap: inProcess.bootstrap },
        { name: 'Apache Kafka', bootstrap: start.kafka.bootstrap },
      ],
      say,
    );
    await embedded.stop();
    await inProcess.stop();
    await start.kafka.stop();
    await rm(start.kafka.dataDir, { recursive: true, force: true });
    const memory = await residentAfterMillion(say);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const e = results.get('embedded') ?? { produce: [], consume: [] };
    const i = results.get('embedded in-process') ?? { produce: [], consume: [] };
    const k = results.get('Apache Kafka') ?? { produce: [], consume: [] };
    return [
      '',
      `## Embedded broker vs Apache Kafka (kafkajs, ${settings.recordBytes}-byte records, ${settings.batchSize}-record batches, acks=all, one partition; ${settings.rounds} alternating rounds of ${settings.batchesPerRound} sequential batches)`,
      '',
      table(
        [
          '',
          'embedded (src/broker), own process',
          'embedded, in the bench process',
          'Apache Kafka 4 (infra/kafka)',
          'ratio embedded (own process)/Kafka',
        ],
        [
          [
            'start to first Metadata answer',
            `${fixed(start.bundled)} ms bundled, ${fixed(start.command)} ms through tsx (npm start, npm run broker)`,
            `${fixed(start.inProcess)} ms`,
            `${fixed(start.kafkaMs)} ms (storage format + JVM)`,
            `${fixed(start.command / start.kafkaMs, 3)} (tsx), ${fixed(start.bundled / start.kafkaMs, 3)} (bundled)`,
          ],
          [
            'produce records/s (mean of rounds)',
            thousands(sum(e.produce)),
            thousands(sum(i.produce)),
            thousands(sum(k.produce)),
            fixed(sum(e.produce) / sum(k.produce), 2),
          ],
          [
            'consume records/s (mean of rounds)',
            thousands(sum(e.consume)),
            thousands(sum(i.consume)),
            thousands(sum(k.consume)),
            fixed(sum(e.consume) / sum(k.consume), 2),
          ],
        ],
      ),
      '',
      table(
        [
          'embedded broker storage',
          `resident memory after ${thousands(settings.memoryRecords)} records of 1 KB`,
          'seconds to write them (4 producers)',
        ],
        memory.map((row) => [row.mode, `${fixed(row.rssMb)} MB`, fixed(row.seconds)]),
      ),
    ];
  } finally {
    await embedded.stop();
    await inProcess.stop();
    await start.kafka.stop().catch(() => undefined);
  }
}
