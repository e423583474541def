/**
 * Schemas shared by every HTTP route: the one error body, the `{topic}` path parameter, and the building
 * blocks that make every input either stored exactly or refused (text that UTF-8 can carry, records that
 * keep every key, timestamps Kafka can hold).
 */
import * as z from 'zod';

/** Kafka's topic name rule (org.apache.kafka.common.internals.Topic#validate). */
export const TopicName = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[a-zA-Z0-9._-]+$/, 'may contain only ASCII letters, digits, ".", "_" and "-"')
  .refine((name) => name !== '.' && name !== '..', 'cannot be "." or ".."')
  .meta({ id: 'TopicName', description: "A Kafka topic name (Kafka's rules)", example: 'events' });

const ErrorDetail = z
  .object({
    field: z.string().meta({ example: 'records[0].value' }),
    path: z.array(z.union([z.string(), z.number()])),
    message: z.string(),
    code: z.string().optional(),
  })
  .meta({ id: 'ErrorDetail' });

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable, machine-readable', example: 'VALIDATION_FAILED' }),
      message: z.string(),
      retriable: z.boolean().meta({ description: 'Whether the same request may succeed later' }),
      requestId: z.string(),
      details: z.array(ErrorDetail),
    }),
  })
  .meta({ id: 'ErrorResponse' });

/** Why a string with a lone surrogate is refused: UTF-8 has no bytes for it. */
export const NOT_UTF8_REPRESENTABLE =
  'not representable in UTF-8: contains a lone surrogate (an unpaired \\ud800-\\udfff escape)';

/**
 * Text that becomes UTF-8 bytes unchanged. JSON can carry a lone surrogate (`"\ud800"`) that UTF-8
 * cannot; encoding it would write U+FFFD instead, so it is refused (RFC 8259 §8.2).
 */
export function utf8Text() {
  return z.string().refine((text) => text.isWellFormed(), NOT_UTF8_REPRESENTABLE);
}

// zod drops a record key named `__proto__` (so that parsing cannot replace an output's prototype).
// exactRecord keeps it: before zod sees the object, that one name is escaped (one NUL in front; names
// that already are NULs + `__proto__` get one more, so the escape is reversible), and the output is an
// object without a prototype, where `__proto__` is an ordinary key.
const ESCAPABLE = /^\0*__proto__$/;
const ESCAPED = /^\0+__proto__$/;

/** The key the caller sent, from a key {@link exactRecord} escaped (zod issue paths carry escaped keys). */
export function unescapeRecordKey(key: string): string {
  return ESCAPED.test(key) ? key.slice(1) : key;
}

function escapeRecordKeys(input: unknown): unknown {
  if (
    input === null ||
    typeof input !== 'object' ||
    Array.isArray(input) ||
    !Object.hasOwn(input, '__proto__')
  )
    return input;
  const escaped: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(input)) escaped[ESCAPABLE.test(key) ? `\0${key}` : key] = value;
  return escaped;
}

/**
 * `z.record(key, value)` that keeps every own key of the input, `__proto__` and `constructor` included:
 * header and config names are data, and any name the protocol allows must survive. The output has no
 * prototype, so `in` and indexing see only the caller's keys. Documented as the plain record.
 */
export function exactRecord<Key extends z.ZodType<string, string>, Value extends z.ZodType>(
  key: Key,
  value: Value,
) {
  const escapedKey = z.string().superRefine((escaped, context) => {
    const result = key.safeParse(unescapeRecordKey(escaped));
    for (const issue of result.error?.issues ?? []) {
      context.addIssue({ code: 'custom', message: issue.message, path: issue.path as PropertyKey[] });
    }
  });
  return z.preprocess(escapeRecordKeys, z.record(escapedKey, value)).transform((record) => {
    const exact: Record<string, z.output<Value>> = Object.create(null);
    for (const [name, data] of Object.entries(record))
      exact[unescapeRecordKey(name)] = data as z.output<Value>;
    return exact;
  });
}

/** The largest instant a JavaScript Date holds (ECMA-262 §21.4.1.1): 8.64e15 ms after the epoch. */
const MAX_EPOCH_MILLIS = 8_640_000_000_000_000;

/**
 * A record timestamp: epoch milliseconds or ISO-8601 with an offset. Kafka stores a non-negative int64
 * and reads -1 as "no timestamp", so anything before the epoch is refused rather than changed.
 */
export const Timestamp = z
  .union([
    z.int().min(0).max(MAX_EPOCH_MILLIS),
    z.iso
      .datetime({ offset: true })
      // Not `>= 0`: a text that is no date-time at all (NaN) has its own issue already.
      .refine((text) => !(Date.parse(text) < 0), 'before 1970-01-01T00:00:00Z: Kafka cannot hold it'),
  ])
  .meta({ description: 'Epoch milliseconds, or ISO-8601 with an offset; not before 1970-01-01T00:00:00Z' });

/** Epoch milliseconds of a validated {@link Timestamp}. */
export function epochMillis(timestamp: z.output<typeof Timestamp>): number {
  return typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
}
