/**
 * `serverless offline start` on the fixture service (fixture/serverless.yml) as a real process group, so
 * tests can stop it cleanly or kill it with SIGKILL. Ready when the plugin says its pollers run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort, repositoryRoot } from '../../../infra/kafka/broker.js';

export const fixtureDir = join(repositoryRoot, 'test', 'integration', 'offline-kafka', 'fixture');

export interface FixtureOffline {
  output(): string;
  /** SIGINT, as Ctrl-C: the plugin stops its pollers and leaves its groups. */
  stop(): Promise<void>;
  /** SIGKILL to the whole group: nothing is cleaned up. */
  kill(): Promise<void>;
}

export async function startFixture(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<FixtureOffline> {
  const child: ChildProcess = spawn(
    join(repositoryRoot, 'node_modules', '.bin', 'serverless'),
    ['offline', 'start', '--stage', 'local'],
    {
      cwd: fixtureDir,
      env: {
        ...process.env,
        ...env,
        HTTP_PORT: String(await freePort()),
        LAMBDA_PORT: String(await freePort()),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`offline-kafka not ready:\n${output.slice(-4000)}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-200_000);
      if (output.includes('offline-kafka: ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serverless offline exited (${code}):\n${output.slice(-4000)}`));
    });
  });
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = once(child, 'exit');
    process.kill(-child.pid, name);
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  ready.catch(() => undefined);
  try {
    await ready;
  } catch (error) {
    await signal('SIGKILL');
    throw error;
  }
  return { output: () => output, stop: () => signal('SIGINT'), kill: () => signal('SIGKILL') };
}
