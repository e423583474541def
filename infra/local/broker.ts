/**
 * The local broker `npm start`, the tests and the bench run when `KAFKA_BROKERS` names none: the embedded
 * broker (src/broker, a Node process: the default, nothing but Node needed) or Apache Kafka (infra/kafka,
 * a JVM: Java 17 and Maven), chosen by `LOCAL_BROKER`. Either runs as a child process with the same
 * handle, so a caller can supervise it, pause it (SIGSTOP) or kill it without knowing which it is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, repositoryRoot, startKafka } from '../kafka/broker.js';
import { type ExitStatus, exitOf, killStale, type Part } from './supervisor.js';

export type LocalBrokerKind = 'embedded' | 'apache-kafka';

const KINDS: readonly LocalBrokerKind[] = ['embedded', 'apache-kafka'];

/** What a line of the embedded broker's command line contains: how a stale one is recognised. */
const EMBEDDED_COMMAND = join('src', 'broker', 'cli.ts');
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;

/** `LOCAL_BROKER`: `embedded` (default) or `apache-kafka`; anything else is refused, naming the variable. */
export function localBrokerKind(env: NodeJS.ProcessEnv = process.env): LocalBrokerKind {
  const value = env.LOCAL_BROKER?.trim() || 'embedded';
  if (!(KINDS as readonly string[]).includes(value))
    throw new Error(`LOCAL_BROKER must be one of ${KINDS.join(', ')}; got '${value}'`);
  return value as LocalBrokerKind;
}

export interface StartLocalBrokerOptions {
  /** Default: `localBrokerKind()`, from LOCAL_BROKER. */
  kind?: LocalBrokerKind;
  /** Client port; 0 (default) picks a free one. */
  port?: number;
  /**
   * Where the broker keeps its data across restarts, and its log (`broker.log`). Without one, nothing is
   * kept: the embedded broker holds its data in memory and logs warnings to this process's stderr; Apache
   * Kafka gets a temporary folder that stop() removes.
   */
  dataDir?: string;
  /** Apache Kafka only: extra server.properties lines. */
  properties?: Record<string, string>;
}

/** A running local broker: a supervisor part (name, exited, stop) with its address and process. */
export interface LocalBroker extends Part {
  kind: LocalBrokerKind;
  /** `host:port`, ready to put in KAFKA_BROKERS. */
  bootstrap: string;
  port: number;
  /** The broker process (the JVM for Apache Kafka), e.g. to pause it with SIGSTOP. */
  pid: number;
  dataDir: string | undefined;
  /** The broker's log file, when it has a data folder. */
  logFile: string | undefined;
}

/** Starts the chosen broker and resolves once it answers on its port. */
export async function startLocalBroker(options: StartLocalBrokerOptions = {}): Promise<LocalBroker> {
  const kind = options.kind ?? localBrokerKind();
  return kind === 'embedded' ? startEmbeddedBroker(options) : startApacheKafka(options);
}

async function startApacheKafka(options: StartLocalBrokerOptions): Promise<LocalBroker> {
  const kafka = await startKafka({
    ...(options.port ? { port: options.port } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.properties ? { properties: options.properties } : {}),
  });
  return {
    kind: 'apache-kafka',
    name: `Apache Kafka (java, pid ${kafka.pid})`,
    bootstrap: kafka.bootstrap,
    port: kafka.port,
    pid: kafka.pid,
    dataDir: options.dataDir,
    logFile: join(kafka.dataDir, 'broker.log'),
    exited: kafka.exited,
    async stop() {
      await kafka.stop();
      if (!options.dataDir) await rm(kafka.dataDir, { recursive: true, force: true });
    },
  };
}

/** The first line the command prints is its bootstrap address, once it accepts connections. */
function bootstrapLine(child: ChildProcess, logTail: () => Promise<string>): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`the embedded broker did not start within ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const newline = output.indexOf('\n');
      if (newline < 0) return;
      done();
      resolve(output.slice(0, newline).trim());
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      void logTail().then((log) =>
        fail(new Error(`the embedded broker exited during start-up (${code ?? signal}):\n${log}`)),
      );
    const done = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const fail = (error: Error) => {
      done();
      reject(error);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function startEmbeddedBroker(options: StartLocalBrokerOptions): Promise<LocalBroker> {
  const port = options.port || (await freePort());
  const { dataDir } = options;
  const logFile = dataDir ? join(dataDir, 'broker.log') : undefined;
  const pidFile = dataDir ? join(dataDir, 'broker.pid') : undefined;
  if (dataDir && pidFile) {
    await mkdir(dataDir, { recursive: true });
    await killStale(pidFile, EMBEDDED_COMMAND);
  }
  const log = logFile ? openSync(logFile, 'a') : undefined;
  // tsx runs the TypeScript source, as `npm run broker` does; stdout carries the bootstrap line only. In a
  // session of its own, a Ctrl-C meant for the caller does not reach it: the caller stops it, after what
  // uses it. Its stdin is a pipe from this process, so it stops as well when this process ends in any way.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repositoryRoot, EMBEDDED_COMMAND),
      '--port',
      String(port),
      '--stop-on-stdin-end',
      ...(dataDir ? ['--data-dir', dataDir, '--log-level', 'info'] : ['--log-level', 'warn']),
    ],
    // The log file is its stderr itself: lines written after this process is gone still arrive.
    { cwd: repositoryRoot, stdio: ['pipe', 'pipe', log ?? 'inherit'], detached: true },
  );
  if (log !== undefined) closeSync(log);
  const exited: Promise<ExitStatus> = exitOf(child);
  if (child.pid === undefined) throw new Error(`could not start ${process.execPath}`);
  const pid = child.pid;
  if (pidFile) await writeFile(pidFile, `${pid}\n`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        // SIGCONT first: a paused broker (a test's SIGSTOP) would never act on SIGTERM.
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      if (pidFile) await rm(pidFile, { force: true });
    })();
    return stopping;
  };

  const logTail = async () =>
    logFile ? (await readFile(logFile, 'utf8').catch(() => '')).slice(-4000) : '(its log went to stderr)';
  let bootstrap: string;
  try {
    bootstrap = await bootstrapLine(child, logTail);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    kind: 'embedded',
    name: `embedded broker (node, pid ${pid})`,
    bootstrap,
    port,
    pid,
    dataDir,
    logFile,
    exited,
    stop,
  };
}
