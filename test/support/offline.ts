/**
 * Runs `serverless offline start --stage local` as a real process (the same serverless.yml as deploy),
 * on free ports, against the test broker.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort, repositoryRoot } from '../../infra/kafka/broker.js';

export interface RunningOffline {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startOffline(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<RunningOffline> {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(
    join(repositoryRoot, 'node_modules', '.bin', 'serverless'),
    ['offline', 'start', '--stage', 'local'],
    {
      cwd: repositoryRoot,
      env: {
        ...process.env,
        ...env,
        HTTP_PORT: String(httpPort),
        LAMBDA_PORT: String(lambdaPort),
        ESBUILD_WORK_FOLDER: `.esbuild-test-${httpPort}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serverless offline not ready:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Server ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serverless offline exited (${code}):\n${output}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = once(child, 'exit');
    // The whole process group: serverless-offline may run workers of its own.
    process.kill(-child.pid, 'SIGINT');
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://localhost:${httpPort}`, output: () => output, stop };
}
