/** Limits of the produce API, from the environment (README: configuration). */
import * as z from 'zod';
import { parseEnvironment } from '../config.js';

const ProduceEnvironment = z.object({
  PRODUCE_MAX_RECORDS: z.coerce.number().int().min(1).max(10_000).default(500),
  // Lambda's synchronous invocation payload limit: 6 MB.
  PRODUCE_MAX_BODY_BYTES: z.coerce.number().int().min(1).default(6_291_456),
  PRODUCE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  // Kafka's internal topics (__consumer_offsets, ...) are never writable by default.
  ALLOWED_TOPICS: z
    .string()
    .default('^(?!__).+$')
    .transform((pattern, context) => {
      try {
        return new RegExp(pattern);
      } catch {
        context.addIssue({ code: 'custom', message: 'not a valid regular expression' });
        return z.NEVER;
      }
    }),
});

export interface ProduceConfig {
  maxRecords: number;
  maxBodyBytes: number;
  timeoutMs: number;
  allowedTopics: RegExp;
}

export function loadProduceConfig(env: NodeJS.ProcessEnv = process.env): Readonly<ProduceConfig> {
  const parsed = parseEnvironment(ProduceEnvironment, env);
  return Object.freeze({
    maxRecords: parsed.PRODUCE_MAX_RECORDS,
    maxBodyBytes: parsed.PRODUCE_MAX_BODY_BYTES,
    timeoutMs: parsed.PRODUCE_TIMEOUT_MS,
    allowedTopics: parsed.ALLOWED_TOPICS,
  });
}
