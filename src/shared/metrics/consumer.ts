/** The stream processing function: `metrics` to `metrics.aggregated` (docs/consumers.md). */
import * as z from 'zod';
import { parseEnvironment } from '../config.js';
import type { ConsumerDefinition } from '../consumer/runtime.js';
import { aggregateBatch } from './aggregate.js';
import { type Measurement, MeasurementValue } from './schema.js';

const MetricsEnvironment = z.object({
  METRICS_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
});

/** The window length (ms) from METRICS_WINDOW_SECONDS (default 60 s). */
export function loadWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  return parseEnvironment(MetricsEnvironment, env).METRICS_WINDOW_SECONDS * 1000;
}

/** The metrics function: measurements aggregated per key in windows of `windowMs` milliseconds. */
export function metricsConsumer(windowMs: number): ConsumerDefinition<Measurement> {
  return {
    name: 'metrics',
    value: { format: 'json', schema: MeasurementValue },
    handler: { batch: (records) => aggregateBatch(records, windowMs) },
  };
}
