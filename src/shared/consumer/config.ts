/** Settings every consumer function reads from its environment (serverless.yml sets them per function). */
import * as z from 'zod';
import { parseEnvironment } from '../config.js';

const ConsumerEnvironment = z.object({
  OUTPUT_TOPIC: z.string().min(1).optional(),
  // Must equal the event source's FunctionResponseTypes: [ReportBatchItemFailures] (serverless.yml sets both
  // from one variable). Off, a failure throws and Lambda retries the whole batch, which never loses a record.
  REPORT_BATCH_ITEM_FAILURES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  CONSUMER_WRITE_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
});

export interface ConsumerConfig {
  outputTopic: string;
  reportBatchItemFailures: boolean;
  writeTimeoutMs: number;
}

/** The consumer's settings; `outputTopic` defaults to the function's declared output (src/shared/topics.ts). */
export function loadConsumerConfig(
  defaultOutputTopic: string,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<ConsumerConfig> {
  const parsed = parseEnvironment(ConsumerEnvironment, env);
  return Object.freeze({
    outputTopic: parsed.OUTPUT_TOPIC ?? defaultOutputTopic,
    reportBatchItemFailures: parsed.REPORT_BATCH_ITEM_FAILURES,
    writeTimeoutMs: parsed.CONSUMER_WRITE_TIMEOUT_MS,
  });
}
