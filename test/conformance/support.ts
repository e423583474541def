/**
 * Peers for the conformance scenarios that need nothing but Node and Python, each a client we did not
 * write: kafkajs and kafka-python. The command-line peers (kcat, Apache Kafka's tools) are in cli/.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { repositoryRoot } from '../../infra/kafka/broker.js';
import { pythonTool } from '../support/python-tools.js';

const run = promisify(execFile);

export function kafkajs(bootstrap: string, clientId = 'conformance'): Kafka {
  return new Kafka({ brokers: [bootstrap], clientId, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
}

const KAFKA_PYTHON = 'kafka-python==3.0.12';

/** Runs peers/kafka_python.py `command` with JSON arguments; resolves with its JSON answer. */
export async function kafkaPython<T>(
  bootstrap: string,
  command: string,
  args: Record<string, unknown>,
): Promise<T> {
  const bin = await pythonTool('kafka-python', KAFKA_PYTHON);
  const { stdout } = await run(
    join(bin, 'python'),
    [
      join(repositoryRoot, 'test', 'conformance', 'peers', 'kafka_python.py'),
      bootstrap,
      command,
      JSON.stringify(args),
    ],
    { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as T;
}
