/** Schemas shared by the HTTP routes: the one error body, and the `{topic}` path parameter. */
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
