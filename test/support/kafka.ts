/** Real-broker helpers for integration tests: unique topic names, creation with cleanup. */
import { randomUUID } from 'node:crypto';
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
 * Creates a topic with a unique name and deletes it after the file's tests.
 */
export async function createTestTopic(
  bootstrap: string,
  prefix: string,
  options: { partitions?: number; configs?: Record<string, string> } = {},
): Promise<string> {
  const topic = uniqueName(prefix);
  const admin = await testConnection(bootstrap).admin();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: options.partitions ?? 1,
        replicationFactor: 1,
        configEntries: Object.entries(options.configs ?? {}).map(([name, value]) => ({ name, value })),
      },
    ],
  });
  afterFile(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });
  return topic;
}
