/**
 * Per-invocation metrics of a consumer, as CloudWatch Embedded Metric Format log lines (Powertools Metrics):
 * CloudWatch extracts them from the function's log with no agent.
 *
 * From the classic formulas: throughput = size x rate (bytes / invocation time); latency = the time from a
 * record's Kafka timestamp to the end of its processing (its outputs written), so it includes the time the
 * record waited in Kafka and in Lambda's batching window.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** What one invocation did. */
export interface InvocationSummary {
  records: number;
  /** Key, value and header bytes of the event's records. */
  bytes: number;
  durationMs: number;
  /** Per record handled: end of processing minus the record's timestamp. */
  latenciesMs: number[];
  outputs: number;
  deadLettered: number;
  /** Records reported to Lambda as failed (or every record when the batch failed). */
  retried: number;
  /** Failed records by class (`poison` or `transient`) and error code. */
  failures: Map<string, { failureClass: 'poison' | 'transient'; code: string; count: number }>;
}

/** The p-th percentile (nearest rank) of `values`; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? 0;
}

/** The figures published for an invocation, by metric name. */
export function invocationFigures(summary: InvocationSummary): Record<string, number> {
  const seconds = summary.durationMs / 1000;
  return {
    Records: summary.records,
    Bytes: summary.bytes,
    BytesPerSecond: seconds > 0 ? summary.bytes / seconds : 0,
    RecordsPerSecond: seconds > 0 ? summary.records / seconds : 0,
    LatencyP50: percentile(summary.latenciesMs, 50),
    LatencyMax: summary.latenciesMs.reduce((max, value) => Math.max(max, value), 0),
    Outputs: summary.outputs,
    DeadLettered: summary.deadLettered,
    RetriedRecords: summary.retried,
  };
}

const UNITS: Record<string, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  Bytes: MetricUnit.Bytes,
  BytesPerSecond: MetricUnit.BytesPerSecond,
  RecordsPerSecond: MetricUnit.CountPerSecond,
  LatencyP50: MetricUnit.Milliseconds,
  LatencyMax: MetricUnit.Milliseconds,
};

/**
 * Publishes an invocation's figures with the dimension `function`, and one `Failures` metric per failure
 * class and error code (dimensions `function`, `failureClass`, `errorCode`).
 */
export function publishInvocation(metrics: Metrics, functionName: string, summary: InvocationSummary): void {
  metrics.addDimension('function', functionName);
  for (const [name, value] of Object.entries(invocationFigures(summary))) {
    metrics.addMetric(name, UNITS[name] ?? MetricUnit.Count, value);
  }
  metrics.publishStoredMetrics();
  for (const { failureClass, code, count } of summary.failures.values()) {
    const single = metrics.singleMetric();
    single.addDimensions({ function: functionName, failureClass, errorCode: code });
    single.addMetric('Failures', MetricUnit.Count, count);
  }
}
