/** The stand-alone registry's settings, from the environment (see docs/schema-registry.md). */
import { join } from 'node:path';
import * as z from 'zod';
import { parseEnvironment } from '../shared/config.js';
import { COMPATIBILITY_LEVELS } from './model.js';

const RegistryEnvironment = z.object({
  SCHEMA_REGISTRY_PORT: z.coerce.number().int().min(0).max(65_535).default(8081),
  SCHEMA_REGISTRY_HOST: z.string().default('127.0.0.1'),
  SCHEMA_REGISTRY_TOPIC: z.string().default('_schemas'),
  SCHEMA_REGISTRY_COMPATIBILITY: z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(COMPATIBILITY_LEVELS))
    .default('BACKWARD'),
  SCHEMAS_DIR: z.string().optional(),
});

export interface RegistryConfig {
  port: number;
  host: string;
  topic: string;
  defaultCompatibility: (typeof COMPATIBILITY_LEVELS)[number];
  /** Folder of the service's schemas, registered at start. */
  schemasDir: string;
}

export function loadRegistryConfig(env: NodeJS.ProcessEnv, repositoryRoot: string): Readonly<RegistryConfig> {
  const parsed = parseEnvironment(RegistryEnvironment, env);
  return Object.freeze({
    port: parsed.SCHEMA_REGISTRY_PORT,
    host: parsed.SCHEMA_REGISTRY_HOST,
    topic: parsed.SCHEMA_REGISTRY_TOPIC,
    defaultCompatibility: parsed.SCHEMA_REGISTRY_COMPATIBILITY,
    schemasDir: parsed.SCHEMAS_DIR ?? join(repositoryRoot, 'schemas'),
  });
}
