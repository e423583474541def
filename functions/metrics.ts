/** Kafka-triggered: `metrics` to `metrics.aggregated` (windowed partials), from MSK or self-managed Kafka (docs/consumers.md). */
import { metricsHandler } from '../src/shared/container.js';

export const handler = metricsHandler();
