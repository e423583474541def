/**
 * The conformance suite runs against one broker per run, chosen as everywhere by LOCAL_BROKER
 * (infra/local/broker.ts): the embedded broker (default; in this process, in memory, or in a temporary data
 * directory with CONFORMANCE_STORAGE=disk) or Apache Kafka from infra/kafka (LOCAL_BROKER=apache-kafka), or
 * an existing cluster named by KAFKA_BROKERS. The same scenarios and the same expectations run against
 * each, so a green run on both says the two behave alike for what the scenarios observe.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { localBrokerKind, startLocalBroker } from '../../infra/local/broker.js';
import { startBroker } from '../../src/broker/index.js';

/**
 * Both brokers check retention and look for logs to compact every second instead of Kafka's 5 minutes and
 * 15 s, so the log-maintenance scenarios finish quickly; the behaviour is otherwise the brokers' own.
 */
const MAINTENANCE_INTERVAL_MS = 1000;

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

function storage(): 'memory' | 'disk' {
  const value = process.env.CONFORMANCE_STORAGE?.trim() || 'memory';
  if (value !== 'memory' && value !== 'disk')
    throw new Error(`CONFORMANCE_STORAGE must be memory or disk; got '${value}'`);
  return value;
}

export default async function setup(project: TestProject) {
  const existing = process.env.KAFKA_BROKERS;
  if (existing) {
    project.provide('kafkaBrokers', existing);
    return;
  }
  if (localBrokerKind() === 'apache-kafka') {
    const kafka = await startLocalBroker({
      kind: 'apache-kafka',
      properties: {
        'log.retention.check.interval.ms': String(MAINTENANCE_INTERVAL_MS),
        'log.cleaner.backoff.ms': String(MAINTENANCE_INTERVAL_MS),
      },
    });
    project.provide('kafkaBrokers', kafka.bootstrap);
    return () => kafka.stop();
  }
  const dataDir = storage() === 'disk' ? await mkdtemp(join(tmpdir(), 'conformance-broker-')) : undefined;
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
