/** Event source mappings for in-process pollers (tests and the bench); no test-runner imports here. */
import { randomUUID } from 'node:crypto';
import type { EventSource } from '../../src/serverless-kafka-events/emulate/sources.js';

/** A mapping as sources.ts reads it from serverless.yml, with a fresh group. */
export function testSource(
  bootstrap: string,
  topic: string,
  overrides: Partial<EventSource> = {},
): EventSource {
  return {
    functionKey: 'consumer',
    label: 'functions.consumer.events[0].msk',
    functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:svc-test-consumer',
    topic,
    groupId: `test.group.${randomUUID().slice(0, 8)}`,
    envelope: {
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:eu-west-1:000000000000:cluster/test/1',
      bootstrapServers: bootstrap,
    },
    brokers: [bootstrap],
    batchSize: 100,
    windowMs: 200,
    startingPosition: 'TRIM_HORIZON',
    startingPositionTimestampMs: undefined,
    enabled: true,
    filterPatterns: undefined,
    destination: undefined,
    maximumRetryAttempts: -1,
    maximumRecordAgeSeconds: -1,
    bisectOnError: false,
    reportBatchItemFailures: false,
    ...overrides,
  };
}
