/** Measurements on the `metrics` topic: `{name, value, time, tags}`. */
import * as z from 'zod';

export const MeasurementValue = z.object({
  name: z.string().trim().min(1).max(256),
  value: z.number().refine(Number.isFinite, 'expected a finite number'),
  /** Event time: ISO 8601 or epoch milliseconds; windows are by this time, not by arrival. */
  time: z.union([
    z.iso.datetime({ offset: true }).transform((time) => Date.parse(time)),
    z.number().int().nonnegative(),
  ]),
  tags: z.record(z.string(), z.string()).default({}),
});

export type Measurement = z.output<typeof MeasurementValue>;
