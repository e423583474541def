/** The logs function's archive settings (README: configuration). */
import * as z from 'zod';
import { parseEnvironment } from '../config.js';

const LogsEnvironment = z.object({
  /** Archive each batch to this bucket; no archive when unset. */
  LOG_ARCHIVE_BUCKET: z.string().min(3).optional(),
  LOG_ARCHIVE_PREFIX: z
    .string()
    .default('logs/')
    .transform((prefix) => (prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`)),
  /** An S3-compatible endpoint (local use: s3rver, MinIO); path-style addressing then. */
  S3_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().default('us-east-1'),
});

export interface LogsConfig {
  archive: { bucket: string; prefix: string; endpoint: string | undefined; region: string } | undefined;
}

/** The logs function's archive settings; throws ConfigurationError naming a wrong variable. */
export function loadLogsConfig(env: NodeJS.ProcessEnv = process.env): Readonly<LogsConfig> {
  const parsed = parseEnvironment(LogsEnvironment, env);
  return Object.freeze({
    archive: parsed.LOG_ARCHIVE_BUCKET
      ? {
          bucket: parsed.LOG_ARCHIVE_BUCKET,
          prefix: parsed.LOG_ARCHIVE_PREFIX,
          endpoint: parsed.S3_ENDPOINT,
          region: parsed.AWS_REGION,
        }
      : undefined,
  });
}
