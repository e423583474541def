import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type InvocationSummary,
  invocationFigures,
  percentile,
  publishInvocation,
} from '../../../src/shared/consumer/telemetry.js';

const summary = (): InvocationSummary => ({
  records: 4,
  bytes: 4000,
  durationMs: 500,
  latenciesMs: [40, 10, 30, 20],
  outputs: 3,
  deadLettered: 1,
  retried: 0,
  failures: new Map([
    ['poison:RECORD_SCHEMA_INVALID', { failureClass: 'poison', code: 'RECORD_SCHEMA_INVALID', count: 1 }],
  ]),
});

describe('invocation metrics', () => {
  afterEach(() => vi.restoreAllMocks());

  it('takes nearest-rank percentiles', () => {
    expect(percentile([40, 10, 30, 20], 50)).toBe(20);
    expect(percentile([5], 50)).toBe(5);
    expect(percentile([], 50)).toBe(0);
  });

  it('derives throughput as size x rate and latency as p50 and max', () => {
    // Act
    const figures = invocationFigures(summary());

    // Assess
    expect(figures).toMatchObject({
      Records: 4,
      Bytes: 4000,
      BytesPerSecond: 8000,
      RecordsPerSecond: 8,
      LatencyP50: 20,
      LatencyMax: 40,
      DeadLettered: 1,
    });
  });

  it('publishes Embedded Metric Format lines, failures by class and code', () => {
    // Prepare
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const metrics = new Metrics({ namespace: 'Test', serviceName: 'svc' });

    // Act
    publishInvocation(metrics, 'events-dev', summary());

    // Assess
    const emf = lines.map((line) => JSON.parse(line));
    expect(emf).toHaveLength(2);
    expect(emf[0]._aws.CloudWatchMetrics[0].Namespace).toBe('Test');
    expect(emf[0]).toMatchObject({
      function: 'events-dev',
      Records: 4,
      LatencyP50: 20,
      BytesPerSecond: 8000,
    });
    expect(emf[1]).toMatchObject({
      function: 'events-dev',
      failureClass: 'poison',
      errorCode: 'RECORD_SCHEMA_INVALID',
      Failures: 1,
    });
  });
});
