/**
 * `npm run schema-registry`: the registry in the foreground until Ctrl-C, on SCHEMA_REGISTRY_PORT (8081),
 * storing schemas in the `_schemas` topic of KAFKA_BROKERS (localhost:9092 by default, the local stack's
 * broker; the rest of the Kafka settings as for the service), and registering the files of schemas/.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaConnection } from '../shared/kafka/client.js';
import { loadKafkaConfig } from '../shared/kafka/config.js';
import { loadRegistryConfig } from './config.js';
import { loadSchemas } from './loader.js';
import { startSchemaRegistry } from './server.js';

const repositoryRoot = join(fileURLToPath(import.meta.url), '..', '..', '..');
const config = loadRegistryConfig(process.env, repositoryRoot);
const kafkaConfig = loadKafkaConfig({
  KAFKA_CLIENT_ID: 'schema-registry',
  ...process.env,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS || (process.env.MSK_CLUSTER_ARN ? undefined : 'localhost:9092'),
});

const registry = await startSchemaRegistry({
  port: config.port,
  host: config.host,
  topic: config.topic,
  kafka: new KafkaConnection(kafkaConfig),
  defaultCompatibility: config.defaultCompatibility,
});
try {
  const loaded = await loadSchemas(registry.registry, config.schemasDir);
  for (const schema of loaded)
    console.log(`schema ${schema.subject} version ${schema.version} id ${schema.id} (${schema.schemaType})`);
} catch (error) {
  console.error(`schema registry: ${(error as Error).message}`);
  await registry.stop();
  process.exit(1);
}
console.log(`Schema registry ready on ${registry.url} (topic ${config.topic}); Ctrl-C stops it`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void registry.stop().then(() => process.exit(0));
  });
}
