/** How the service reaches a Confluent-compatible schema registry, from the environment (README). */
import * as z from 'zod';
import { readConfig } from '../config.js';

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

/** Reads the registry's settings; throws ConfigurationError naming every wrong variable. */
export function loadSchemaRegistryConfig(
  env: NodeJS.ProcessEnv = process.env,
): Readonly<SchemaRegistryConfig> {
  const settings = readConfig(
    {
      url: [
        'SCHEMA_REGISTRY_URL',
        z
          .url({ protocol: /^https?$/ })
          .refine(
            (url) => !/^https?:\/\/[^/]*@/.test(url),
            'credentials go in SCHEMA_REGISTRY_SECRET_ARN, not the URL',
          )
          .optional(),
      ],
      secretArn: [
        'SCHEMA_REGISTRY_SECRET_ARN',
        z
          .string()
          .regex(/^arn:aws[\w-]*:secretsmanager:/, 'expected a Secrets Manager secret ARN')
          .optional(),
      ],
      username: ['SCHEMA_REGISTRY_USERNAME', z.string().optional()],
      password: ['SCHEMA_REGISTRY_PASSWORD', z.string().optional()],
      cacheSeconds: ['SCHEMA_REGISTRY_CACHE_SECONDS', z.coerce.number().int().min(0).max(86_400).default(60)],
      timeoutMs: ['SCHEMA_REGISTRY_TIMEOUT_MS', z.coerce.number().int().min(100).max(60_000).default(5000)],
      region: ['AWS_REGION', z.string().optional()],
    },
    env,
    ({ username, password }, issue) => {
      if (Boolean(username) !== Boolean(password)) {
        issue(
          'SCHEMA_REGISTRY_PASSWORD',
          'SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD go together',
        );
      }
    },
  );
  const credentials: RegistryCredentials = settings.secretArn
    ? { kind: 'secret', secretArn: settings.secretArn, region: settings.region }
    : settings.username && settings.password
      ? { kind: 'inline', username: settings.username, password: settings.password }
      : { kind: 'none' };
  return Object.freeze({
    url: settings.url?.replace(/\/+$/, ''),
    credentials,
    latestTtlMs: settings.cacheSeconds * 1000,
    timeoutMs: settings.timeoutMs,
  });
}
