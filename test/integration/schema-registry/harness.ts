/** A Kafka-backed registry per test file, on a unique `_schemas` topic deleted after the file. */
import { type RunningSchemaRegistry, startSchemaRegistry } from '../../../src/schema-registry/server.js';
import { afterFile } from '../../support/cleanup.js';
import { testConnection, uniqueName } from '../../support/kafka.js';

export interface TestRegistry extends RunningSchemaRegistry {
  topic: string;
}

/**
 * Starts a registry storing into `existingTopic`, or into a new unique topic that is deleted after the
 * file; the registry is stopped after the file unless the test stopped it. `port` 0 picks a free one (a
 * restart passes the port of the registry it replaces).
 */
export async function startTestRegistry(
  bootstrap: string,
  existingTopic?: string,
  port = 0,
): Promise<TestRegistry> {
  const topic = existingTopic ?? uniqueName('schemas');
  const running = await startSchemaRegistry({
    port,
    kafka: testConnection(bootstrap),
    topic,
    log: () => {},
  });
  let stopped = false;
  afterFile(async () => {
    if (!stopped) await running.stop();
    if (existingTopic) return;
    const admin = await testConnection(bootstrap).admin();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });
  return {
    ...running,
    topic,
    async stop() {
      stopped = true;
      await running.stop();
    },
  };
}
