/**
 * An embedded, single-node, Kafka-compatible broker for local runs and tests: the Kafka wire protocol
 * over TCP, in this process, with its log in memory or in a data directory. Never shipped to Lambda.
 * See docs/broker.md for what it implements and where it deliberately differs from Apache Kafka.
 *
 * @example
 * const broker = await startBroker({ port: 0 });
 * // KAFKA_BROKERS=broker.bootstrap
 * await broker.stop();
 */
import { Broker, type BrokerSettings } from './broker.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { listen } from './server.js';

export interface StartBrokerOptions {
  /** TCP port; 0 picks a free one. Default 9092. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Host clients are told to connect to. Default: `host`, or 127.0.0.1 when listening on 0.0.0.0. */
  advertisedHost?: string;
  /** Folder for segment files, group offsets and metadata; in memory when absent. */
  dataDir?: string;
  /** Default 1, as a single-node Kafka usually has. */
  nodeId?: number;
  /** Create unknown topics on Metadata requests that allow it. Default false. */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics with -1. Default 1. */
  numPartitions?: number;
  /** Default 0 (Kafka: 3000). */
  groupInitialRebalanceDelayMs?: number;
  /** Default 6000, as Kafka. */
  groupMinSessionTimeoutMs?: number;
  /** Default 1800000, as Kafka. */
  groupMaxSessionTimeoutMs?: number;
  /** How often retention runs. Default 300000, as Kafka. */
  retentionCheckIntervalMs?: number;
  /** How often the log cleaner looks for compactable partitions. Default 15000, as Kafka. */
  cleanerBackoffMs?: number;
  /** Default 'info'. */
  logLevel?: LogLevel;
  /** Where log lines go; stderr by default. */
  logger?: Logger;
}

export interface RunningBroker {
  /** `host:port`, ready for KAFKA_BROKERS. */
  bootstrap: string;
  port: number;
  dataDir: string | undefined;
  /** Closes every connection, flushes and closes the log files. */
  stop(): Promise<void>;
  /** The broker's state, for tests that inspect it. */
  readonly broker: Broker;
}

/** Starts a broker and resolves once it accepts connections. */
export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? createLogger(options.logLevel ?? 'info');
  let broker: Broker | undefined;
  const { server, port, sockets } = await listen(host, options.port ?? 9092, () => {
    if (!broker) throw new Error('broker not ready');
    return broker;
  });
  const advertisedHost = options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  const settings: BrokerSettings = {
    nodeId: options.nodeId ?? 1,
    advertisedHost,
    advertisedPort: port,
    dataDir: options.dataDir,
    autoCreateTopics: options.autoCreateTopics ?? false,
    numPartitions: options.numPartitions ?? 1,
    groupMinSessionTimeoutMs: options.groupMinSessionTimeoutMs ?? 6000,
    groupMaxSessionTimeoutMs: options.groupMaxSessionTimeoutMs ?? 1_800_000,
    groupInitialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 0,
    retentionCheckIntervalMs: options.retentionCheckIntervalMs ?? 300_000,
    cleanerBackoffMs: options.cleanerBackoffMs ?? 15_000,
  };
  try {
    broker = new Broker(settings, logger);
  } catch (error) {
    server.close();
    throw error;
  }
  const running = broker;
  logger.info(
    `listening on ${host}:${port} (advertised ${advertisedHost}:${port}), ${options.dataDir ? `data in ${options.dataDir}` : 'data in memory'}, cluster ${running.clusterId}`,
  );
  let stopped: Promise<void> | undefined;
  return {
    bootstrap: `${advertisedHost}:${port}`,
    port,
    dataDir: options.dataDir,
    broker: running,
    stop: () => {
      stopped ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        running.close();
        for (const socket of sockets) socket.destroy();
        await closed;
        logger.info('stopped');
      })();
      return stopped;
    },
  };
}

export type { LogLevel } from './logger.js';
