/**
 * The Kafka client of the local event-source emulator (src/serverless-kafka-events/emulate), which never
 * ships to Lambda: the service's own KafkaConnection has no consumer. Built here so that kafkajs stays
 * behind src/shared/kafka.
 *
 * The emulator's poller still uses this kafkajs client's consumer and admin directly; the follow-up of
 * issue 11 puts them behind plain types of ours as well. Its Kafka destinations write through the
 * service's KafkaRecordWriter (writer.ts), not through this client.
 */
import type { Kafka as KafkajsClient, LogEntry } from 'kafkajs';
import { Kafka, logLevel } from './kafkajs.js';

/** The kafkajs client the emulator polls with. */
export type EmulatorKafka = KafkajsClient;

/** A kafkajs client for `brokers`; its own errors go to `warn`. */
export function emulatorKafka(
  brokers: string[],
  clientId: string,
  warn: (message: string) => void,
): EmulatorKafka {
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
        warn(`kafkajs: ${entry.message}`),
  });
}
