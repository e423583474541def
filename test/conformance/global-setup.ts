/**
 * The conformance suite runs against one broker per run: the embedded one (default,
 * CONFORMANCE_BROKER=embedded, in memory; embedded-disk keeps its log in a temporary data directory) or
 * Apache Kafka from infra/kafka (CONFORMANCE_BROKER=kafka), or an existing cluster named by KAFKA_BROKERS. The same scenarios and the same expectations run against each, so a
 * green run on both says the two behave alike for what the scenarios observe.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startKafka } from '../../infra/kafka/broker.js';
import { startBroker } from '../../src/broker/index.js';

export type BrokerKind = 'embedded' | 'kafka';

/**
 * Both brokers check retention and look for logs to compact every second instead of Kafka's 5 minutes and
 * 15 s, so the log-maintenance scenarios finish quickly; the behaviour is otherwise the brokers' own.
 */
const MAINTENANCE_INTERVAL_MS = 1000;

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    brokerKind: BrokerKind;
  }
}

export default async function setup(project: TestProject) {
  const kind: BrokerKind = process.env.CONFORMANCE_BROKER === 'kafka' ? 'kafka' : 'embedded';
  project.provide('brokerKind', kind);
  const existing = process.env.KAFKA_BROKERS;
  if (existing) {
    project.provide('kafkaBrokers', existing);
    return;
  }
  if (kind === 'kafka') {
    const kafka = await startKafka({
      properties: {
        'log.retention.check.interval.ms': String(MAINTENANCE_INTERVAL_MS),
        'log.cleaner.backoff.ms': String(MAINTENANCE_INTERVAL_MS),
      },
    });
    project.provide('kafkaBrokers', kafka.bootstrap);
    return async () => {
      await kafka.stop();
      await rm(kafka.dataDir, { recursive: true, force: true });
    };
  }
  const dataDir =
    process.env.CONFORMANCE_BROKER === 'embedded-disk'
      ? await mkdtemp(join(tmpdir(), 'conformance-broker-'))
      : undefined;
  const broker = await startBroker({
    port: 0,
    ...(dataDir ? { dataDir } : {}),
    logLevel: process.env.BROKER_LOG_LEVEL === 'debug' ? 'debug' : 'warn',
    retentionCheckIntervalMs: MAINTENANCE_INTERVAL_MS,
    cleanerBackoffMs: MAINTENANCE_INTERVAL_MS,
  });
  project.provide('kafkaBrokers', broker.bootstrap);
  return async () => {
    await broker.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
