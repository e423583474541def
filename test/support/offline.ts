/**
 * Runs `serverless offline start --stage local` as a real process (the same serverless.yml as deploy),
 * on free ports, against the given broker (whose service topics it creates, as `npm start` does). Only the tail of its output is kept: tests and the bench send
 * thousands of requests that each log lines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, repositoryRoot } from '../../infra/kafka/broker.js';
import { ensureTopics } from '../../infra/local/topics.js';
import { SERVICE_TOPICS } from '../../src/shared/topics.js';

const TAIL_CHARS = 16_384;

export interface RunningOffline {
  url: string;
  /** The last few kilobytes of its output. */
  tail(): string;
  stop(): Promise<void>;
}

export async function startOffline(env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<RunningOffline> {
  // As `npm start` does: the consumer functions' event sources refuse to start without their topics.
  if (env.KAFKA_BROKERS) await ensureTopics(env.KAFKA_BROKERS, SERVICE_TOPICS);
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const workFolder = `.esbuild-offline-${httpPort}`;
  const child: ChildProcess = spawn(
    join(repositoryRoot, 'node_modules', '.bin', 'serverless'),
    ['offline', 'start', '--stage', 'local'],
    {
      cwd: repositoryRoot,
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
    const timer = setTimeout(() => reject(new Error(`serverless offline not ready:\n${tail}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-TAIL_CHARS);
      if (!ready && tail.includes('Server ready')) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serverless offline exited (${code}):\n${tail}`));
    });
  });
  started.catch(() => undefined);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = once(child, 'exit');
      // The whole process group: serverless-offline runs the functions in workers of its own.
      process.kill(-child.pid, 'SIGINT');
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(join(repositoryRoot, workFolder), { recursive: true, force: true });
  };
  try {
    await started;
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${httpPort}`, tail: () => tail, stop };
}
