/** Creates the declared topics that do not exist yet; existing ones are left as they are. */
import { KafkaAdmin } from '../../src/shared/kafka/admin.js';
import { KafkaConnection } from '../../src/shared/kafka/client.js';
import { loadKafkaConfig } from '../../src/shared/kafka/config.js';
import type { TopicDeclaration } from '../../src/shared/topics.js';

/** Creating a topic waits for its partition leaders; a fresh broker may take a while. */
const TIMEOUT_MS = 60_000;

export async function ensureTopics(
  bootstrap: string,
  declarations: readonly TopicDeclaration[],
): Promise<string[]> {
  const connection = new KafkaConnection(
    loadKafkaConfig({ KAFKA_BROKERS: bootstrap, KAFKA_CLIENT_ID: 'local-setup' }),
  );
  try {
    return await new KafkaAdmin(connection).run(TIMEOUT_MS, async (admin) => {
      const existing = new Set((await admin.listTopics()).map((topic) => topic.name));
      const missing = declarations.filter((topic) => !existing.has(topic.name));
      await Promise.all(
        missing.map((topic) => admin.createTopic({ ...topic, replicationFactor: 1, validateOnly: false })),
      );
      return missing.map((topic) => topic.name);
    });
  } finally {
    await connection.close();
  }
}
