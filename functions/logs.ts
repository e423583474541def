/** Kafka-triggered: `logs` to `logs.normalized` (and an S3 archive), from MSK or self-managed Kafka (docs/consumers.md). */
import { logsHandler } from '../src/shared/container.js';

export const handler = logsHandler();
