/** The emulator's log, and its Kafka clients (built behind src/shared/kafka). */
import { type EmulatorKafka, emulatorKafka } from '../../shared/kafka/emulator-client.js';

export type KafkaClient = EmulatorKafka;

export interface EmulatorLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A Kafka client whose own warnings and errors go to the emulator's log, prefixed with `context`. */
export function kafkaClient(
  brokers: string[],
  clientId: string,
  log: EmulatorLog,
  context: string,
): KafkaClient {
  return emulatorKafka(brokers, clientId, (message) => log.warn(`${context}: ${message}`));
}
