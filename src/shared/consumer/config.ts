/** Settings every consumer function reads from its environment (serverless.yml sets them per function). */
import * as z from 'zod';
import { flag, readConfig } from '../config.js';

/**
 * The consumer's settings; `outputTopic` defaults to the function's declared output (src/shared/topics.ts).
 * Throws ConfigurationError naming every wrong variable.
 */
export function loadConsumerConfig(defaultOutputTopic: string, env: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      outputTopic: ['OUTPUT_TOPIC', z.string().min(1).default(defaultOutputTopic)],
      // Must equal the event source's FunctionResponseTypes: [ReportBatchItemFailures] (serverless.yml sets
      // both from one variable). Off, a failure throws and Lambda retries the whole batch, which never loses
      // a record.
      reportBatchItemFailures: ['REPORT_BATCH_ITEM_FAILURES', flag(false)],
      writeTimeoutMs: ['CONSUMER_WRITE_TIMEOUT_MS', z.coerce.number().int().min(100).default(30_000)],
    },
    env,
  );
}

/**
 * How the function's event source mapping delivers schema registry records: EVENT_RECORD_FORMAT must equal
 * its `schemaRegistryConfig.eventRecordFormat` (serverless.yml sets both from one param). Throws
 * ConfigurationError.
 */
export function loadEventRecordFormat(env: NodeJS.ProcessEnv = process.env): 'JSON' | 'SOURCE' {
  return readConfig({ format: ['EVENT_RECORD_FORMAT', z.enum(['JSON', 'SOURCE']).default('JSON')] }, env)
    .format;
}
