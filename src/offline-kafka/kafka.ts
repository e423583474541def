/**
 * The emulator's Kafka clients for reading (consumers, admin). The service's own KafkaConnection
 * (src/shared/kafka/client.ts) has no consumer, and the emulator is a development tool that never ships to
 * Lambda, so it builds that kafkajs client here, from the ESM-safe re-export of src/shared/kafka/kafkajs.ts,
 * and nowhere else. It writes (on-failure destinations) only through src/shared/kafka's KafkaRecordWriter,
 * the service's one write path.
 */
import type { Kafka as KafkaClient, LogEntry } from 'kafkajs';
import { Kafka, logLevel } from '../shared/kafka/kafkajs.js';

export type { KafkaClient };

export interface EmulatorLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A kafkajs client whose own warnings and errors go to the emulator's log, prefixed with `context`. */
export function kafkaClient(
  brokers: string[],
  clientId: string,
  log: EmulatorLog,
  context: string,
): KafkaClient {
  return new Kafka({
    clientId,
    brokers,
    // Fail fast at start-up when the broker does not answer, instead of kafkajs' long default backoff.
    connectionTimeout: 3000,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5000 },
    logLevel: logLevel.ERROR,
    logCreator:
      () =>
      ({ log: entry }: LogEntry) =>
        log.warn(`${context}: kafkajs: ${entry.message}`),
  });
}
