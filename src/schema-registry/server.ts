/**
 * Starting and stopping a registry: a store, the state it holds, and the HTTP server in front.
 *
 * @example
 * const registry = await startSchemaRegistry({ port: 8081, brokers: ['localhost:9092'] });
 * // ... http://localhost:8081/subjects
 * await registry.stop();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KafkaConnection } from '../shared/kafka/client.js';
import { loadKafkaConfig } from '../shared/kafka/config.js';
import { requestListener } from './http.js';
import { KafkaStore } from './kafka-store.js';
import type { CompatibilityLevel } from './model.js';
import { SchemaRegistry } from './registry.js';
import { MemoryStore, type Store } from './store.js';

export interface SchemaRegistryOptions {
  /** TCP port; 0 picks a free one (see `url` of the result). */
  port: number;
  /** Listening address; loopback unless told otherwise, as this is a development tool. */
  host?: string;
  /** Kafka bootstrap brokers for the `_schemas` topic; without them (or `kafka`, or `store`) nothing survives a restart. */
  brokers?: string[];
  /** A connection to use instead of `brokers` (e.g. one with SASL, from loadKafkaConfig). */
  kafka?: KafkaConnection;
  /** The compacted topic holding the schemas (Confluent's `kafkastore.topic`). */
  topic?: string;
  /** A store to use instead of Kafka or memory (tests). */
  store?: Store;
  defaultCompatibility?: CompatibilityLevel;
  log?: (message: string) => void;
}

export interface RunningSchemaRegistry {
  /** e.g. http://127.0.0.1:8081 */
  url: string;
  port: number;
  registry: SchemaRegistry;
  /** Settles if the HTTP server closes on its own (never after `stop()`): a supervisor watches it. */
  closed: Promise<void>;
  /** Closes the HTTP server, then the store. */
  stop(): Promise<void>;
}

const DEFAULT_TOPIC = '_schemas';

/**
 * Loads the registry's state from its store (reading `_schemas` to its end) and starts serving.
 * Rejects when the store cannot be read or the port cannot be bound.
 */
export async function startSchemaRegistry(options: SchemaRegistryOptions): Promise<RunningSchemaRegistry> {
  const log = options.log ?? ((message: string) => console.error(message));
  const kafka =
    options.kafka ??
    (options.brokers
      ? new KafkaConnection(
          loadKafkaConfig({ KAFKA_BROKERS: options.brokers.join(','), KAFKA_CLIENT_ID: 'schema-registry' }),
        )
      : undefined);
  const store =
    options.store ?? (kafka ? new KafkaStore(kafka, options.topic ?? DEFAULT_TOPIC, log) : new MemoryStore());
  const registry = await SchemaRegistry.open(store, {
    defaultCompatibility: options.defaultCompatibility,
  }).catch(async (error: unknown) => {
    await store.close().catch(() => undefined);
    throw error;
  });
  const server: Server = createServer(requestListener(registry, log));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await registry.close();
    throw error;
  }
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let stopping = false;
  const closed = new Promise<void>((resolve) =>
    server.once('close', () => {
      if (!stopping) resolve();
    }),
  );
  return {
    url: `http://${host}:${port}`,
    port,
    registry,
    closed,
    async stop() {
      stopping = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await registry.close();
    },
  };
}
