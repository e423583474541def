/** How the service reaches a Confluent-compatible schema registry, from the environment (README). */
import * as z from 'zod';
import { parseEnvironment } from '../config.js';

const SchemaRegistryEnvironment = z
  .object({
    SCHEMA_REGISTRY_URL: z
      .url({ protocol: /^https?$/ })
      .refine(
        (url) => !/^https?:\/\/[^/]*@/.test(url),
        'credentials go in SCHEMA_REGISTRY_SECRET_ARN, not the URL',
      )
      .optional(),
    SCHEMA_REGISTRY_SECRET_ARN: z
      .string()
      .regex(/^arn:aws[\w-]*:secretsmanager:/, 'expected a Secrets Manager secret ARN')
      .optional(),
    SCHEMA_REGISTRY_USERNAME: z.string().optional(),
    SCHEMA_REGISTRY_PASSWORD: z.string().optional(),
    SCHEMA_REGISTRY_CACHE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
    SCHEMA_REGISTRY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    AWS_REGION: z.string().optional(),
  })
  .superRefine((env, context) => {
    if (Boolean(env.SCHEMA_REGISTRY_USERNAME) !== Boolean(env.SCHEMA_REGISTRY_PASSWORD)) {
      context.addIssue({
        code: 'custom',
        path: ['SCHEMA_REGISTRY_PASSWORD'],
        message: 'SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD go together',
      });
    }
  });

/** Where basic-auth credentials come from: none, the environment, or a Secrets Manager secret. */
export type RegistryCredentials =
  | { kind: 'none' }
  | { kind: 'inline'; username: string; password: string }
  | { kind: 'secret'; secretArn: string; region: string | undefined };

export interface SchemaRegistryConfig {
  /** The registry's base URL; undefined when the deployment has none (schema formats are then refused). */
  url: string | undefined;
  credentials: RegistryCredentials;
  /**
   * How long a `latest` version is reused before it is looked up again, in milliseconds: the staleness
   * bound of a container's view of a subject. Ids and numbered versions never change and are kept.
   */
  latestTtlMs: number;
  /** Each registry request's time limit, in milliseconds. */
  timeoutMs: number;
}

export function loadSchemaRegistryConfig(
  env: NodeJS.ProcessEnv = process.env,
): Readonly<SchemaRegistryConfig> {
  const parsed = parseEnvironment(SchemaRegistryEnvironment, env);
  const credentials: RegistryCredentials = parsed.SCHEMA_REGISTRY_SECRET_ARN
    ? { kind: 'secret', secretArn: parsed.SCHEMA_REGISTRY_SECRET_ARN, region: parsed.AWS_REGION }
    : parsed.SCHEMA_REGISTRY_USERNAME && parsed.SCHEMA_REGISTRY_PASSWORD
      ? {
          kind: 'inline',
          username: parsed.SCHEMA_REGISTRY_USERNAME,
          password: parsed.SCHEMA_REGISTRY_PASSWORD,
        }
      : { kind: 'none' };
  return Object.freeze({
    url: parsed.SCHEMA_REGISTRY_URL?.replace(/\/+$/, ''),
    credentials,
    latestTtlMs: parsed.SCHEMA_REGISTRY_CACHE_SECONDS * 1000,
    timeoutMs: parsed.SCHEMA_REGISTRY_TIMEOUT_MS,
  });
}
