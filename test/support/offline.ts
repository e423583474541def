/**
 * Runs `serverless offline start --stage local` as a real process group (the same serverless.yml as
 * deploy, or a fixture service), on free ports, against the given broker. Only the tail of its output is
 * kept: tests and the bench send thousands of requests that each log lines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, repositoryRoot } from '../../infra/kafka/broker.js';
import { ensureTopics } from '../../infra/local/topics.js';
import { SERVICE_TOPICS } from '../../src/shared/topics.js';
import { afterFile } from './cleanup.js';

export interface OfflineOptions {
  /** The service folder; the repository's own service by default. */
  cwd?: string;
  /** The output that says the stack is ready. */
  readyWhen?: string;
  /** Create the service's topics first, as `npm start` does (the event sources refuse to start without). */
  createServiceTopics?: boolean;
  timeoutMs?: number;
  tailChars?: number;
}

export interface RunningOffline {
  url: string;
  /** The last part of its output. */
  tail(): string;
  /** SIGINT, as Ctrl-C. */
  stop(): Promise<void>;
  /** SIGKILL to the whole group: nothing is cleaned up. */
  kill(): Promise<void>;
}

export async function startOffline(
  env: NodeJS.ProcessEnv,
  options: OfflineOptions = {},
): Promise<RunningOffline> {
  const {
    cwd = repositoryRoot,
    readyWhen = 'Server ready',
    createServiceTopics = true,
    timeoutMs = 120_000,
    tailChars = 16_384,
  } = options;
  if (createServiceTopics && env.KAFKA_BROKERS) await ensureTopics(env.KAFKA_BROKERS, SERVICE_TOPICS);
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const workFolder = `.esbuild-offline-${httpPort}`;
  const child: ChildProcess = spawn(
    join(repositoryRoot, 'node_modules', '.bin', 'serverless'),
    ['offline', 'start', '--stage', 'local'],
    {
      cwd,
      env: {
        ...process.env,
        ...env,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(httpPort),
        LAMBDA_PORT: String(lambdaPort),
        ESBUILD_WORK_FOLDER: workFolder,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let tail = '';
  let ready = false;
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serverless offline not ready:\n${tail.slice(-4000)}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-tailChars);
      if (!ready && tail.includes(readyWhen)) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serverless offline exited (${code}):\n${tail.slice(-4000)}`));
    });
  });
  started.catch(() => undefined);
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = once(child, 'exit');
      // The whole process group: serverless-offline runs the functions in workers of its own.
      process.kill(-child.pid, name);
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(join(cwd, workFolder), { recursive: true, force: true });
  };
  // Even if a hook times out while this waits, the process group does not outlive the test file.
  afterFile(() => signal('SIGKILL'));
  try {
    await started;
  } catch (error) {
    await signal('SIGKILL');
    throw error;
  }
  return {
    url: `http://127.0.0.1:${httpPort}`,
    tail: () => tail,
    stop: () => signal('SIGINT'),
    kill: () => signal('SIGKILL'),
  };
}
