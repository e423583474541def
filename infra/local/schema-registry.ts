/**
 * The local stack's schema registry as a supervised part: it runs in the `npm start` process itself
 * (src/schema-registry/local.ts), on SCHEMA_REGISTRY_PORT (8081), with the service's schemas/ registered.
 */
import { type LocalRegistry, startLocalRegistry } from '../../src/schema-registry/local.js';
import type { Part } from './supervisor.js';

/** Starts the registry against `brokers`; rejects as startLocalRegistry does (the message names the cause). */
export async function schemaRegistryPart(
  brokers: string,
  say: (message: string) => void,
): Promise<{ part: Part; registry: LocalRegistry }> {
  const registry = await startLocalRegistry({ ...process.env, KAFKA_BROKERS: brokers }, say);
  const part: Part = {
    name: `schema registry (${registry.url})`,
    // In this process: it only ends on its own if its HTTP server closes.
    exited: registry.closed.then(() => ({ code: 1, signal: null })),
    stop: () => registry.stop(),
  };
  return { part, registry };
}
