/** Real-broker helpers for integration tests: unique topic names, creation with cleanup. */
import { randomUUID } from 'node:crypto';
import { type AdminOperations, KafkaAdmin } from '../../src/shared/kafka/admin.js';
import { KafkaConnection } from '../../src/shared/kafka/client.js';
import { loadKafkaConfig } from '../../src/shared/kafka/config.js';
import { afterFile } from './cleanup.js';

export function uniqueName(prefix: string): string {
  return `test.${prefix}.${randomUUID().slice(0, 8)}`;
}

export function testConnection(bootstrap: string, env: NodeJS.ProcessEnv = {}): KafkaConnection {
  return new KafkaConnection(loadKafkaConfig({ KAFKA_BROKERS: bootstrap, KAFKA_CLIENT_ID: 'tests', ...env }));
}

/**
 * Runs set-up or clean-up calls through the service's own Kafka boundary, on a connection of their own
 * that is closed afterwards.
 */
export async function withAdmin<T>(
  bootstrap: string,
  operation: (admin: AdminOperations) => Promise<T>,
): Promise<T> {
  const connection = testConnection(bootstrap);
  try {
    return await new KafkaAdmin(connection).run(60_000, operation);
  } finally {
    await connection.close();
  }
}

/** Creates topics (replication factor 1) and waits for their leaders. */
export async function createTopics(
  bootstrap: string,
  topics: { name: string; partitions?: number; configs?: Record<string, string> }[],
): Promise<void> {
  await withAdmin(bootstrap, (admin) =>
    Promise.all(
      topics.map((topic) =>
        admin.createTopic({
          name: topic.name,
          partitions: topic.partitions ?? 1,
          replicationFactor: 1,
          configs: topic.configs ?? {},
          validateOnly: false,
        }),
      ),
    ),
  );
}

/** Deletes topics; those already gone are ignored. */
export async function deleteTopics(bootstrap: string, topics: string[]): Promise<void> {
  await withAdmin(bootstrap, (admin) =>
    Promise.all(topics.map((topic) => admin.deleteTopic(topic).catch(() => undefined))),
  );
}

/**
 * Creates a topic with a unique name and deletes it after the file's tests.
 */
export async function createTestTopic(
  bootstrap: string,
  prefix: string,
  options: { partitions?: number; configs?: Record<string, string> } = {},
): Promise<string> {
  const topic = uniqueName(prefix);
  await createTopics(bootstrap, [{ name: topic, ...options }]);
  afterFile(() => deleteTopics(bootstrap, [topic]));
  return topic;
}
