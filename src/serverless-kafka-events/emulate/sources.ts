/**
 * The event source mappings of a service, read from the functions' `msk` and `kafka` events in the one
 * serverless.yml used for deploy, and the emulator's own settings (`custom.offlineKafka`).
 */
import * as z from 'zod';
import { OfflineKafkaError } from './errors.js';
import type { EventEnvelope } from './event.js';

/** AWS's ceiling on retries when they are infinite but a destination is set (kafka-retry-configurations). */
const RETRIES_WITH_DESTINATION = 10;

const startingPosition = z.enum(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']);

/** The keys osls knows for both event types, plus the retry controls this plugin adds (see ../keys.ts). */
const commonEvent = z.object({
  topic: z.string().min(1),
  batchSize: z.number().int().min(1).max(10_000).default(100),
  maximumBatchingWindow: z.number().min(0).max(300).optional(),
  enabled: z.boolean().default(true),
  startingPosition: startingPosition.default('TRIM_HORIZON'),
  startingPositionTimestamp: z.number().optional(),
  consumerGroupId: z.string().min(1).optional(),
  filterPatterns: z.array(z.record(z.string(), z.unknown())).optional(),
  onFailureDestination: z.string().min(1).optional(),
  maximumRetryAttempts: z.number().int().min(-1).max(10_000).optional(),
  maximumRecordAgeInSeconds: z.number().int().min(-1).max(604_800).optional(),
  bisectBatchOnFunctionError: z.boolean().optional(),
  functionResponseTypes: z.array(z.literal('ReportBatchItemFailures')).optional(),
});

const mskEvent = commonEvent.extend({ arn: z.unknown() });
const kafkaEvent = commonEvent.extend({ bootstrapServers: z.array(z.string()).min(1) });

/** `custom.offlineKafka` in serverless.yml. */
export const PluginConfig = z
  .object({
    /** The broker every mapping reads from. Default: KAFKA_BROKERS, else localhost:9092. */
    brokers: z.string().optional(),
    /** Opt-in: `kafka` events read from their own `bootstrapServers` instead of the local broker. */
    useEventBootstrapServers: z.boolean().default(false),
    /** Create missing source and destination topics (one partition each) instead of failing. */
    createTopics: z.boolean().default(false),
    /** Where on-failure destinations that are not Kafka topics (SQS, SNS, S3 ARNs) are written. */
    destinationsDir: z.string().default('.local/offline-kafka/destinations'),
    /** Backoff between retries of a failed batch. */
    retryInitialDelayMs: z.number().int().min(0).default(1000),
    retryMaxDelayMs: z.number().int().min(0).default(30_000),
    /** Turns the whole emulator off. */
    enabled: z.boolean().default(true),
  })
  .strict();
export type PluginConfig = z.infer<typeof PluginConfig>;

export interface EventSource {
  /** The function's key in serverless.yml. */
  functionKey: string;
  /** e.g. `functions[events].events[0].msk`: how messages name the mapping. */
  label: string;
  functionArn: string;
  topic: string;
  groupId: string;
  envelope: EventEnvelope;
  /** The brokers this mapping polls. */
  brokers: string[];
  batchSize: number;
  windowMs: number;
  startingPosition: z.infer<typeof startingPosition>;
  startingPositionTimestampMs: number | undefined;
  enabled: boolean;
  filterPatterns: Record<string, unknown>[] | undefined;
  destination: string | undefined;
  /** -1: until the batch succeeds. */
  maximumRetryAttempts: number;
  /** -1: no limit. */
  maximumRecordAgeSeconds: number;
  bisectOnError: boolean;
  reportBatchItemFailures: boolean;
}

export interface ServiceDescription {
  service: string;
  stage: string;
  region: string;
  functions: Record<string, { name?: string; events?: unknown[] }>;
}

/** Kafka group ids allow these characters; anything else in a derived id becomes `_`. */
const groupIdSafe = (text: string) => text.replace(/[^a-zA-Z0-9._-]/g, '_');

/**
 * The group a mapping polls with when serverless.yml sets none. AWS uses the mapping's UUID, fixed for the
 * mapping's life; this id is fixed as long as service, stage, function and topic are, so a restart resumes
 * from the committed offsets.
 */
function derivedGroupId(service: string, stage: string, functionKey: string, topic: string): string {
  return groupIdSafe(`${service}-${stage}-${functionKey}-${topic}`);
}

function localArn(region: string, kind: string, name: string): string {
  return `arn:aws:${kind}:${region}:000000000000:${name}`;
}

function parseEvent<T extends z.ZodType>(schema: T, raw: unknown, label: string): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`,
    );
    throw new OfflineKafkaError('INVALID_EVENT_CONFIG', `${label}: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** Reads every function's `msk` and `kafka` events into the mappings to emulate. */
export function readEventSources(
  description: ServiceDescription,
  config: PluginConfig,
  localBrokers: string[],
): EventSource[] {
  const sources: EventSource[] = [];
  for (const [functionKey, definition] of Object.entries(description.functions)) {
    const functionName = definition.name ?? `${description.service}-${description.stage}-${functionKey}`;
    (definition.events ?? []).forEach((event, index) => {
      const kind = ['msk', 'kafka'].find(
        (key) => typeof event === 'object' && event !== null && key in event,
      );
      if (kind === undefined) return;
      const raw = (event as Record<string, unknown>)[kind];
      const label = `functions.${functionKey}.events[${index}].${kind}`;
      const common = kind === 'msk' ? parseEvent(mskEvent, raw, label) : parseEvent(kafkaEvent, raw, label);
      if (common.startingPosition === 'AT_TIMESTAMP' && common.startingPositionTimestamp === undefined) {
        throw new OfflineKafkaError(
          'INVALID_EVENT_CONFIG',
          `${label}: startingPositionTimestamp is required with startingPosition AT_TIMESTAMP`,
        );
      }
      let envelope: EventEnvelope;
      let brokers = localBrokers;
      if ('arn' in common) {
        // The ARN may be a CloudFormation reference, which only resolves on deploy.
        const arn =
          typeof common.arn === 'string'
            ? common.arn
            : localArn(description.region, 'kafka', 'cluster/local/0');
        envelope = {
          eventSource: 'aws:kafka',
          eventSourceArn: arn,
          bootstrapServers: localBrokers.join(','),
        };
      } else {
        const remote = 'bootstrapServers' in common ? (common.bootstrapServers as string[]) : [];
        if (config.useEventBootstrapServers) brokers = remote;
        envelope = { eventSource: 'SelfManagedKafka', bootstrapServers: brokers.join(',') };
      }
      const infinite = common.maximumRetryAttempts === undefined || common.maximumRetryAttempts === -1;
      sources.push({
        functionKey,
        label,
        functionArn: localArn(description.region, 'lambda', `function:${functionName}`),
        topic: common.topic,
        groupId:
          common.consumerGroupId ??
          derivedGroupId(description.service, description.stage, functionKey, common.topic),
        envelope,
        brokers,
        batchSize: common.batchSize,
        // Lambda's default window for Kafka is 500 ms (with-msk-configure).
        windowMs: common.maximumBatchingWindow === undefined ? 500 : common.maximumBatchingWindow * 1000,
        startingPosition: common.startingPosition,
        startingPositionTimestampMs:
          common.startingPositionTimestamp === undefined
            ? undefined
            : common.startingPositionTimestamp * 1000,
        enabled: common.enabled,
        filterPatterns: common.filterPatterns,
        destination: common.onFailureDestination,
        maximumRetryAttempts:
          infinite && common.onFailureDestination !== undefined
            ? RETRIES_WITH_DESTINATION
            : (common.maximumRetryAttempts ?? -1),
        maximumRecordAgeSeconds: common.maximumRecordAgeInSeconds ?? -1,
        bisectOnError: common.bisectBatchOnFunctionError ?? false,
        reportBatchItemFailures: common.functionResponseTypes?.includes('ReportBatchItemFailures') ?? false,
      });
    });
  }
  return sources;
}
