/** Creates the declared topics that do not exist yet; existing ones are left as they are. */
import { KafkaConnection } from '../../src/shared/kafka/client.js';
import { loadKafkaConfig } from '../../src/shared/kafka/config.js';
import type { TopicDeclaration } from '../../src/shared/topics.js';

export async function ensureTopics(
  bootstrap: string,
  declarations: readonly TopicDeclaration[],
): Promise<string[]> {
  const connection = new KafkaConnection(
    loadKafkaConfig({ KAFKA_BROKERS: bootstrap, KAFKA_CLIENT_ID: 'local-setup' }),
  );
  const admin = await connection.admin();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = declarations.filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: 1,
          configEntries: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    return missing.map((topic) => topic.name);
  } finally {
    await admin.disconnect();
  }
}
