/**
 * A real, single-node Apache Kafka (KRaft) for local runs and integration tests.
 *
 * Kafka's jars come from Maven Central through `mvn` (see pom.xml beside this file) into a cache folder
 * outside git; the broker runs with the machine's Java on loopback. Nothing here ships to Lambda.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { type ExitStatus, exitOf, killStale } from '../local/supervisor.js';

const here = dirname(fileURLToPath(import.meta.url));
export const repositoryRoot = join(here, '..', '..');

const KAFKA_VERSION = '4.3.1';
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

export interface KafkaInstallation {
  /** Folder of every jar Kafka needs, for `java -cp '<libs>/*'`. */
  libs: string;
}

export interface StartKafkaOptions {
  /** Client port; 0 picks a free one. */
  port?: number;
  /** Where the log and metadata live; a fresh temporary folder when absent. */
  dataDir?: string;
  /** Broker output goes here as well as to the broker.log file in dataDir. */
  echo?: boolean;
  /**
   * Also listen with SASL_PLAINTEXT (SCRAM-SHA-512 and PLAIN) for this user, on `saslPort` of the answer:
   * the authenticated paths of the Kafka client are tested against the real thing.
   */
  saslUser?: { username: string; password: string };
  /** Extra server.properties lines (e.g. shorter log.retention.check.interval.ms for a test). */
  properties?: Record<string, string>;
}

export interface RunningKafka {
  /** `host:port`, ready to put in KAFKA_BROKERS. */
  bootstrap: string;
  port: number;
  /** With `saslUser`: `host:port` of the SASL_PLAINTEXT listener. */
  saslBootstrap: string | undefined;
  dataDir: string;
  pid: number;
  /** Settles when the JVM ends, on its own or after stop(). */
  exited: Promise<ExitStatus>;
  stop(): Promise<void>;
}

function cacheDir(): string {
  return process.env.KAFKA_CACHE_DIR ?? join(repositoryRoot, '.cache', 'kafka', KAFKA_VERSION);
}

/** Resolves Kafka's jars with Maven once; later calls find them in the cache. */
export async function installKafka(): Promise<KafkaInstallation> {
  const root = cacheDir();
  const libs = join(root, 'libs');
  const marker = join(root, 'complete');
  if (existsSync(marker)) return { libs };

  const staging = join(root, `libs.partial-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  try {
    await promisify(execFile)(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        join(here, 'pom.xml'),
        'dependency:copy-dependencies',
        `-DoutputDirectory=${staging}`,
        '-DincludeScope=runtime',
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    throw new Error(
      `Could not resolve Apache Kafka ${KAFKA_VERSION} from Maven Central (is mvn installed?):\n${output.stdout ?? ''}${output.stderr ?? ''}`,
    );
  }
  await rm(libs, { recursive: true, force: true });
  await rename(staging, libs);
  await writeFile(marker, `${KAFKA_VERSION}\n`);
  return { libs };
}

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

interface Listeners {
  port: number;
  controllerPort: number;
  sasl: { port: number; username: string; password: string } | undefined;
}

/** SASL_PLAINTEXT with SCRAM-SHA-512 (credentials stored at format time) and PLAIN (from the JAAS line). */
function saslProperties({ sasl }: Listeners): string[] {
  if (!sasl) return [];
  const plainUser = `user_${sasl.username}="${sasl.password}"`;
  return [
    'sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN',
    'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUser};`,
  ];
}

function serverProperties(listeners: Listeners, logDir: string, extra: Record<string, string> = {}): string {
  const { port, controllerPort, sasl } = listeners;
  const saslListener = sasl ? `,SASL_PLAINTEXT://127.0.0.1:${sasl.port}` : '';
  return `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}${saslListener}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}${saslListener}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    ...saslProperties(listeners),
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${logDir}`,
    'num.partitions=1',
    // Topics are created deliberately (npm start, the admin API, tests), never by a produce.
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    ...Object.entries(extra).map(([name, value]) => `${name}=${value}`),
  ].join('\n')}\n`;
}

function java(libs: string, mainClass: string, args: string[], extraJvm: string[] = []): string[] {
  return [
    ...extraJvm,
    `-Dlog4j2.configurationFile=${join(here, 'log4j2.yaml')}`,
    '-cp',
    join(libs, '*'),
    mainClass,
    ...args,
  ];
}

async function waitUntilReady(bootstrap: string, child: ChildProcess, logFile: string): Promise<void> {
  const kafka = new Kafka({
    brokers: [bootstrap],
    clientId: 'local-kafka-readiness',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(
        `Kafka exited during start-up (${child.exitCode ?? child.signalCode}):\n${log.slice(-4000)}`,
      );
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
    } catch {
      // Not listening yet.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Kafka did not answer a metadata request on ${bootstrap} within ${READY_TIMEOUT_MS} ms`);
}

/**
 * Starts a single-node KRaft broker on loopback and resolves once it answers a metadata request.
 * The storage folder is formatted on first use and reused after, so data survives restarts.
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<RunningKafka> {
  const { libs } = await installKafka();
  const port = options.port || (await freePort());
  const controllerPort = await freePort();
  const sasl = options.saslUser ? { port: await freePort(), ...options.saslUser } : undefined;
  const dataDir = options.dataDir ?? join(repositoryRoot, '.cache', 'kafka-runs', `${process.pid}-${port}`);
  const logDir = join(dataDir, 'log');
  await mkdir(logDir, { recursive: true });
  const pidFile = join(dataDir, 'broker.pid');
  await killStale(pidFile, 'kafka.Kafka');

  const propertiesFile = join(dataDir, 'server.properties');
  await writeFile(
    propertiesFile,
    serverProperties({ port, controllerPort, sasl }, logDir, options.properties),
  );
  if (!existsSync(join(logDir, 'meta.properties'))) {
    const run = promisify(execFile);
    const { stdout: clusterId } = await run('java', java(libs, 'kafka.tools.StorageTool', ['random-uuid']));
    await run(
      'java',
      java(libs, 'kafka.tools.StorageTool', [
        'format',
        '--standalone',
        ...(sasl ? ['--add-scram', `SCRAM-SHA-512=[name=${sasl.username},password=${sasl.password}]`] : []),
        '-t',
        clusterId.trim(),
        '-c',
        propertiesFile,
      ]),
    );
  } else {
    // A reused folder keeps its controller's address in the quorum state; a new port needs it anew.
    await rm(join(logDir, '__cluster_metadata-0', 'quorum-state'), { force: true });
  }

  const logFile = join(dataDir, 'broker.log');
  const child = spawn(
    'java',
    java(
      libs,
      'kafka.Kafka',
      [propertiesFile],
      [
        '-Xms256m',
        '-Xmx768m',
        '-Djava.awt.headless=true',
        // A crash (SIGABRT, SIGSEGV) reports into the data folder, not the working directory, and leaves
        // no core file of the heap's size behind.
        `-XX:ErrorFile=${join(dataDir, 'hs_err_pid%p.log')}`,
        '-XX:-CreateCoredumpOnCrash',
      ],
    ),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = exitOf(child);
  const log = createWriteStream(logFile, { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.pipe(log, { end: false });
    if (options.echo) stream?.pipe(process.stderr, { end: false });
  }
  if (child.pid === undefined) throw new Error('could not start java');
  await writeFile(pidFile, `${child.pid}\n`);

  const bootstrap = `127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    log.end();
    await rm(pidFile, { force: true });
  };

  try {
    await waitUntilReady(bootstrap, child, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    bootstrap,
    port,
    saslBootstrap: sasl ? `127.0.0.1:${sasl.port}` : undefined,
    dataDir,
    pid: child.pid,
    exited,
    stop,
  };
}
