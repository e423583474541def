/** Settings of the administration API, from the environment (docs/admin-api.md: configuration). */
import * as z from 'zod';
import { flag, readConfig } from '../config.js';
import { MAX_PARTITIONS } from './schema.js';

/** Reads the admin API's settings; throws ConfigurationError naming every wrong variable. */
export function loadAdminConfig(env: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      // Off unless a stage turns it on (serverless.yml param adminAllowTopicDeletion): deletion is not undoable.
      allowTopicDeletion: ['ADMIN_ALLOW_TOPIC_DELETION', flag(false)],
      maxBodyBytes: ['ADMIN_MAX_BODY_BYTES', z.coerce.number().int().min(1).default(65_536)],
      maxPartitions: [
        'ADMIN_MAX_PARTITIONS',
        z.coerce.number().int().min(1).max(MAX_PARTITIONS).default(MAX_PARTITIONS),
      ],
      // Below the function timeout (29 s), so a slow broker gets a 504 from the service, not a Lambda timeout.
      timeoutMs: ['ADMIN_TIMEOUT_MS', z.coerce.number().int().min(100).default(20_000)],
    },
    env,
  );
}

/** What loadAdminConfig read: each field as its variable's schema gives it. */
export type AdminConfig = ReturnType<typeof loadAdminConfig>;
