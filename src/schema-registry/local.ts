/**
 * The registry of the local stack, as `npm run schema-registry` and `npm start` run it: settings from the
 * environment (config.ts), schemas kept in the `_schemas` topic of the given brokers, and the files of
 * schemas/ registered before it is reported ready.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaConnection } from '../shared/kafka/client.js';
import { loadKafkaConfig } from '../shared/kafka/config.js';
import { loadRegistryConfig } from './config.js';
import { loadSchemas } from './loader.js';
import type { SchemaEntity } from './registry.js';
import { type RunningSchemaRegistry, startSchemaRegistry } from './server.js';

const repositoryRoot = join(fileURLToPath(import.meta.url), '..', '..', '..');

export interface LocalRegistry extends RunningSchemaRegistry {
  /** What each file of schemas/ became (subject, version, id). */
  schemas: SchemaEntity[];
  /** The `_schemas` topic. */
  topic: string;
}

/**
 * Starts the registry on SCHEMA_REGISTRY_PORT (8081) with the Kafka settings of `env` (KAFKA_BROKERS
 * defaulting to localhost:9092) and registers schemas/. Rejects when the port is taken, Kafka cannot be
 * read, or a schema file does not register (the message names the file); the registry is stopped then.
 */
export async function startLocalRegistry(
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
): Promise<LocalRegistry> {
  const config = loadRegistryConfig(env, repositoryRoot);
  const kafkaConfig = loadKafkaConfig({
    KAFKA_CLIENT_ID: 'schema-registry',
    ...env,
    KAFKA_BROKERS: env.KAFKA_BROKERS || (env.MSK_CLUSTER_ARN ? undefined : 'localhost:9092'),
  });
  const running = await startSchemaRegistry({
    port: config.port,
    host: config.host,
    topic: config.topic,
    kafka: new KafkaConnection(kafkaConfig),
    defaultCompatibility: config.defaultCompatibility,
    log,
  });
  try {
    const schemas = await loadSchemas(running.registry, config.schemasDir);
    return { ...running, schemas, topic: config.topic };
  } catch (error) {
    await running.stop();
    throw error;
  }
}
