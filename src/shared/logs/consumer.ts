/** The logs function: `logs` to `logs.normalized`, and optionally an S3 archive (docs/consumers.md). */
import * as z from 'zod';
import type { ConsumerDefinition } from '../consumer/runtime.js';
import { handleLogLine } from './process.js';

/** The logs function: parses, normalizes and redacts each log line (docs/consumers.md). */
export const logsConsumer: ConsumerDefinition<string> = {
  name: 'logs',
  value: { format: 'text', schema: z.string() },
  handler: { record: handleLogLine },
};
