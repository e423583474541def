/**
 * Peers for the conformance scenarios that need nothing but Node and Python, each a client we did not
 * write: kafkajs and kafka-python. The command-line peers (kcat, Apache Kafka's tools) are in cli/.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterFile } from '../support/cleanup.js';
import { uniqueName } from '../support/kafka.js';
import { runPythonPeer } from '../support/peers.js';

export function kafkajs(bootstrap: string, clientId = 'conformance'): Kafka {
  return new Kafka({ brokers: [bootstrap], clientId, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
}

/** Deletes topic `name` with kafkajs once the file's tests are done (for topics a peer created). */
export function deleteAfterFile(bootstrap: string, name: string): void {
  afterFile(async () => {
    const admin = kafkajs(bootstrap).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [name] }).catch(() => undefined);
    await admin.disconnect();
  });
}

/** Creates a uniquely named topic with kafkajs, deleted once the file's tests are done; resolves with its name. */
export async function kafkajsTopic(
  bootstrap: string,
  prefix: string,
  options: { partitions?: number; configEntries?: { name: string; value: string }[] } = {},
): Promise<string> {
  const name = uniqueName(prefix);
  const admin = kafkajs(bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: name, numPartitions: options.partitions, configEntries: options.configEntries }],
    });
  } finally {
    await admin.disconnect();
  }
  deleteAfterFile(bootstrap, name);
  return name;
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
