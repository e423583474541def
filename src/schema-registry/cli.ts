/**
 * `npm run schema-registry`: the registry in the foreground until Ctrl-C, on SCHEMA_REGISTRY_PORT (8081),
 * storing schemas in the `_schemas` topic of KAFKA_BROKERS (localhost:9092 by default, the local stack's
 * broker; the rest of the Kafka settings as for the service), and registering the files of schemas/.
 */
import { startLocalRegistry } from './local.js';

const registry = await startLocalRegistry(process.env, (message) => console.error(message)).catch(
  (error: unknown) => {
    console.error(`schema registry: ${(error as Error).message}`);
    process.exit(1);
  },
);
for (const schema of registry.schemas)
  console.log(`schema ${schema.subject} version ${schema.version} id ${schema.id} (${schema.schemaType})`);
console.log(`Schema registry ready on ${registry.url} (topic ${registry.topic}); Ctrl-C stops it`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void registry.stop().then(() => process.exit(0));
  });
}
