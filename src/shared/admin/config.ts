/** Settings of the administration API, from the environment (docs/admin-api.md: configuration). */
import * as z from 'zod';
import { parseEnvironment } from '../config.js';
import { MAX_PARTITIONS } from './schema.js';

const AdminEnvironment = z.object({
  // Off unless a stage turns it on (serverless.yml param adminAllowTopicDeletion): deletion is not undoable.
  ADMIN_ALLOW_TOPIC_DELETION: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  ADMIN_MAX_BODY_BYTES: z.coerce.number().int().min(1).default(65_536),
  // The most partitions a topic may be created with or grown to through this API.
  ADMIN_MAX_PARTITIONS: z.coerce.number().int().min(1).max(MAX_PARTITIONS).default(MAX_PARTITIONS),
  // Below the function timeout (29 s), so a slow broker gets a 504 from the service, not a Lambda timeout.
  ADMIN_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
});

export interface AdminConfig {
  allowTopicDeletion: boolean;
  maxBodyBytes: number;
  maxPartitions: number;
  timeoutMs: number;
}

export function loadAdminConfig(env: NodeJS.ProcessEnv = process.env): Readonly<AdminConfig> {
  const parsed = parseEnvironment(AdminEnvironment, env);
  return Object.freeze({
    allowTopicDeletion: parsed.ADMIN_ALLOW_TOPIC_DELETION,
    maxBodyBytes: parsed.ADMIN_MAX_BODY_BYTES,
    maxPartitions: parsed.ADMIN_MAX_PARTITIONS,
    timeoutMs: parsed.ADMIN_TIMEOUT_MS,
  });
}
