/** Schemas shared by every HTTP route: the one error body. */
import * as z from 'zod';

export const ErrorDetail = z
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
