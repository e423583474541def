/** Limits of the produce API, from the environment (README: configuration). */
import * as z from 'zod';
import { readConfig } from '../config.js';

/** Reads the produce API's settings; throws ConfigurationError naming every wrong variable. */
export function loadProduceConfig(env: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      maxRecords: ['PRODUCE_MAX_RECORDS', z.coerce.number().int().min(1).max(10_000).default(500)],
      // Lambda's synchronous invocation payload limit: 6 MB.
      maxBodyBytes: ['PRODUCE_MAX_BODY_BYTES', z.coerce.number().int().min(1).default(6_291_456)],
      timeoutMs: ['PRODUCE_TIMEOUT_MS', z.coerce.number().int().min(100).default(10_000)],
      // Kafka's internal topics (__consumer_offsets, ...) are never writable by default.
      allowedTopics: [
        'ALLOWED_TOPICS',
        z
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
      ],
    },
    env,
  );
}

/** What loadProduceConfig read: each field as its variable's schema gives it. */
export type ProduceConfig = ReturnType<typeof loadProduceConfig>;
