/**
 * Starts one broker for the integration run (on a free port, nothing kept): the embedded broker, or Apache
 * Kafka with LOCAL_BROKER=apache-kafka (infra/local/broker.ts), unless KAFKA_BROKERS names an existing
 * cluster. Tests read the address with `inject('kafkaBrokers')`.
 */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startLocalBroker } from '../../infra/local/broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

export default async function setup(project: TestProject) {
  const existing = process.env.KAFKA_BROKERS;
  if (existing) {
    project.provide('kafkaBrokers', existing);
    return;
  }
  const broker = await startLocalBroker();
  project.provide('kafkaBrokers', broker.bootstrap);
  return () => broker.stop();
}
