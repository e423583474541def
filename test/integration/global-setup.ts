/**
 * Starts one real Kafka broker for the integration run (on a free port), unless KAFKA_BROKERS names an
 * existing cluster. Tests read the address with `inject('kafkaBrokers')`.
 */
import { rm } from 'node:fs/promises';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startKafka } from '../../infra/kafka/broker.js';

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
  const kafka = await startKafka();
  project.provide('kafkaBrokers', kafka.bootstrap);
  return async () => {
    await kafka.stop();
    await rm(kafka.dataDir, { recursive: true, force: true });
  };
}
