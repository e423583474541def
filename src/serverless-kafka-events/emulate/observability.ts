/**
 * What a mapping's `metricsConfig` and `loggingConfig` make visible, emulated on the emulator's output.
 *
 * Metrics are CloudWatch embedded metric format (EMF) lines, one per mapping and interval with every count
 * that moved, in the `AWS/Lambda` namespace with the dimensions `FunctionName` and `EventSourceMappingUUID`
 * (the mapping's consumer group id: on AWS the default group id is the mapping's UUID). Groups, as
 * `metricsConfig.metrics` names them:
 * - `EventCount`: PolledEventCount, FilteredOutEventCount, InvokedEventCount, FailedInvokeEventCount,
 *   DroppedEventCount, OnFailureDestinationDeliveredEventCount (Lambda's event source mapping metrics);
 * - `ErrorCount`: SchemaRegistryErrorCount, SchemaNotFoundErrorCount, DeserializationErrorCount,
 *   OnFailureDestinationDeliveryErrorCount (the emulator's names, see docs/local-emulation.md);
 * - `KafkaMetrics`: OffsetLag, records between the committed offsets and the log end, summed over the
 *   mapping's partitions.
 * Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * (written here rather than with Powertools Metrics, which adds a `service` dimension Lambda's own metrics
 * do not have).
 */
import type { EmulatorLog } from './delivery.js';
import type { MetricGroup, SystemLogLevel } from './sources.js';

const GROUPS = {
  PolledEventCount: 'EventCount',
  FilteredOutEventCount: 'EventCount',
  InvokedEventCount: 'EventCount',
  FailedInvokeEventCount: 'EventCount',
  DroppedEventCount: 'EventCount',
  OnFailureDestinationDeliveredEventCount: 'EventCount',
  SchemaRegistryErrorCount: 'ErrorCount',
  SchemaNotFoundErrorCount: 'ErrorCount',
  DeserializationErrorCount: 'ErrorCount',
  OnFailureDestinationDeliveryErrorCount: 'ErrorCount',
} as const satisfies Record<string, MetricGroup>;

/** A count the delivery reports. */
export type CountMetric = keyof typeof GROUPS;

/** What the delivery (delivery.ts) reports as it goes. */
export interface MappingMetrics {
  count(metric: CountMetric, value: number): void;
  /** A partition's log end offset, as last fetched. */
  highWatermark(partition: number, offset: number): void;
  /** A partition's committed offset (the next to read). */
  committed(partition: number, offset: number): void;
}

export interface EmfMetricsOptions {
  groups: readonly MetricGroup[];
  functionName: string;
  mappingId: string;
  /** Where each EMF line goes (stdout in the emulator). */
  write: (line: string) => void;
  now?: () => number;
}

/** A mapping's metrics, as EMF lines written by {@link flush} (the plugin flushes on an interval and at stop). */
export class EmfMetrics implements MappingMetrics {
  private readonly counts = new Map<CountMetric, number>();
  private readonly ends = new Map<number, number>();
  private readonly commits = new Map<number, number>();
  private lagMoved = false;
  private readonly groups: ReadonlySet<MetricGroup>;

  constructor(private readonly options: EmfMetricsOptions) {
    this.groups = new Set(options.groups);
  }

  count(metric: CountMetric, value: number): void {
    if (!this.groups.has(GROUPS[metric])) return;
    this.counts.set(metric, (this.counts.get(metric) ?? 0) + value);
  }

  highWatermark(partition: number, offset: number): void {
    this.ends.set(partition, offset);
    this.lagMoved = true;
  }

  committed(partition: number, offset: number): void {
    this.commits.set(partition, offset);
    this.lagMoved = true;
  }

  /** Writes one EMF line with what moved since the last flush; nothing when nothing did. */
  flush(): void {
    const values: Record<string, number> = Object.fromEntries(this.counts);
    this.counts.clear();
    if (this.groups.has('KafkaMetrics') && this.lagMoved) {
      let lag = 0;
      for (const [partition, end] of this.ends) lag += Math.max(0, end - (this.commits.get(partition) ?? 0));
      values.OffsetLag = lag;
    }
    this.lagMoved = false;
    const names = Object.keys(values);
    if (names.length === 0) return;
    const { functionName, mappingId, write, now = Date.now } = this.options;
    write(
      JSON.stringify({
        _aws: {
          Timestamp: now(),
          CloudWatchMetrics: [
            {
              Namespace: 'AWS/Lambda',
              Dimensions: [['FunctionName', 'EventSourceMappingUUID']],
              Metrics: names.map((name) => ({ Name: name, Unit: 'Count' })),
            },
          ],
        },
        FunctionName: functionName,
        EventSourceMappingUUID: mappingId,
        ...values,
      }),
    );
  }
}

const LEVELS: Record<SystemLogLevel, number> = { DEBUG: 0, INFO: 1, WARN: 2 };

/**
 * The emulator's log for one mapping at its `loggingConfig.systemLogLevel`: WARN keeps warnings and errors,
 * INFO (the default) adds each invocation's line, DEBUG adds each record's registry step.
 */
export function leveledLog(log: EmulatorLog, level: SystemLogLevel): EmulatorLog {
  const at = (wanted: SystemLogLevel) => LEVELS[level] <= LEVELS[wanted];
  const skip = () => undefined;
  return {
    debug: at('DEBUG') ? (message) => (log.debug ?? log.info)(message) : skip,
    info: at('INFO') ? (message) => log.info(message) : skip,
    warn: (message) => log.warn(message),
    error: (message) => log.error(message),
  };
}
