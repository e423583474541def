/**
 * moto's server mode (PyPI): a real local HTTP server speaking AWS APIs (Secrets Manager here), so the
 * service's AWS SDK calls run unchanged, pointed at it with AWS_ENDPOINT_URL.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { vi } from 'vitest';
import { freePort } from '../../infra/kafka/broker.js';
import { pythonTool } from './python-tools.js';

export interface RunningMoto {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<RunningMoto> {
  const bin = await pythonTool('moto', 'moto[server]==5.2.5');
  const port = await freePort();
  const child = spawn(join(bin, 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  await vi.waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`moto_server exited ${child.exitCode}`);
      await fetch(`${endpoint}/moto-api/`);
    },
    { timeout: 30_000, interval: 200 },
  );
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
