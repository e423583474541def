/**
 * Peers for the conformance scenarios that need nothing but Node and Python, each a client we did not
 * write: kafkajs and kafka-python. The command-line peers (kcat, Apache Kafka's tools) are in cli/.
 */
import { Kafka, logLevel } from 'kafkajs';
import { runPythonPeer } from '../support/peers.js';

export function kafkajs(bootstrap: string, clientId = 'conformance'): Kafka {
  return new Kafka({ brokers: [bootstrap], clientId, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
}

/** Runs peers/kafka_python.py `command` with JSON arguments; resolves with its JSON answer. */
export async function kafkaPython<T>(
  bootstrap: string,
  command: string,
  args: Record<string, unknown>,
): Promise<T> {
  const stdout = await runPythonPeer(
    'kafka-python',
    ['test', 'conformance', 'peers', 'kafka_python.py'],
    [bootstrap, command, JSON.stringify(args)],
    { timeout: 90_000 },
  );
  return JSON.parse(stdout) as T;
}
