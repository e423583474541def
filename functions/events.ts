/** Kafka-triggered: `events` to `events.processed`, in batches from MSK or self-managed Kafka (docs/consumers.md). */
import { eventsHandler } from '../src/shared/container.js';

export const handler = eventsHandler();
