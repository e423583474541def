/**
 * The produce API's request and response: the single source of its types, its validation and its
 * OpenAPI document (src/shared/http/openapi.ts).
 */
import * as z from 'zod';
import { exactRecord, NOT_UTF8_REPRESENTABLE, Timestamp, utf8Text } from '../http/schema.js';

const Base64 = z.base64();

const BinaryValue = z
  .strictObject({ base64: Base64 })
  .meta({ id: 'BinaryValue', description: 'Bytes, base64-encoded' });

const HeaderValue = z.union([utf8Text().meta({ description: 'UTF-8 text' }), BinaryValue]);

/** Kafka's header key: any string (the empty one included), sent as UTF-8. */
const HeaderName = utf8Text();

const Headers = exactRecord(HeaderName, z.union([HeaderValue, z.array(HeaderValue).min(1)])).meta({
  id: 'Headers',
  description:
    'Header name to value; an array repeats the header in order. Names are any text (`__proto__` too); values are UTF-8 text or {"base64"}.',
  example: { 'content-type': 'application/json', trace: { base64: 'AAEC' } },
});

/** The formats that serialize with a registered schema (src/shared/schema). */
export const SCHEMA_FORMATS = ['avro', 'protobuf', 'jsonschema'] as const;

export const ValueFormat = z.enum(['json', 'string', 'binary', ...SCHEMA_FORMATS]).meta({
  description:
    'json: any JSON value, written as UTF-8 JSON; string: UTF-8 text; binary: base64 bytes; ' +
    'avro, protobuf, jsonschema: a JSON value serialized with a schema of the schema registry, in its wire ' +
    'format (magic byte, schema id, Protobuf message indexes, payload); see keySchema and valueSchema',
});

const SchemaSelection = z
  .strictObject({
    subject: utf8Text().min(1).optional().meta({
      description: "The registry subject; by default the topic's (`<topic>-value` or `<topic>-key`)",
      example: 'orders-value',
    }),
    version: z
      .union([z.int().min(1).max(2_147_483_647), z.literal('latest')])
      .optional()
      .meta({ description: 'A version of the subject; `latest` when neither version nor id is given' }),
    id: z
      .int()
      .min(0)
      .max(2_147_483_647)
      .optional()
      .meta({ description: 'A schema id, instead of a version' }),
    message: z
      .string()
      .regex(/^\.?[A-Za-z_][\w.]*$/, 'a fully qualified message name')
      .optional()
      .meta({
        description:
          "protobuf only: the message type (fully qualified); the schema's first message by default",
        example: 'shop.v1.Order',
      }),
  })
  .meta({
    id: 'SchemaSelection',
    description:
      'Which registered schema serializes the keys or values (avro, protobuf, jsonschema formats). Values ' +
      'that do not fit it are refused with 400 naming the record and the field.',
    example: { subject: 'orders-value', version: 'latest' },
  });
export type SchemaSelection = z.infer<typeof SchemaSelection>;

const isSchemaFormat = (format: string) => (SCHEMA_FORMATS as readonly string[]).includes(format);

const ProduceRecord = z
  .strictObject({
    key: z.unknown().optional().meta({ description: 'Absent or null: no key. Encoded by keyFormat.' }),
    value: z.unknown().meta({ description: 'null is a tombstone. Encoded by valueFormat.' }),
    headers: Headers.optional(),
    partition: z.int().min(0).optional(),
    timestamp: Timestamp.optional().meta({ description: 'CreateTime; the time of the request when absent' }),
  })
  .meta({ id: 'ProduceRecord' });

const Acks = z.enum(['all', 'leader', 'none']).meta({
  description: 'all: every in-sync replica (idempotent producer); leader: the leader only; none: no answer',
});

/** The produce request's schema at a deployment's PRODUCE_MAX_RECORDS; its output is the service's ProduceRequest. */
export function produceRequestSchema(maxRecords: number) {
  return z
    .strictObject({
      records: z.array(ProduceRecord).min(1).max(maxRecords),
      keyFormat: ValueFormat.default('string'),
      valueFormat: ValueFormat.default('json'),
      keySchema: SchemaSelection.optional(),
      valueSchema: SchemaSelection.optional(),
      acks: Acks.default('all'),
      compression: z.enum(['none', 'gzip']).default('none'),
    })
    .superRefine((request, context) => {
      for (const field of ['key', 'value'] as const) {
        const format = request[`${field}Format`];
        const selection = request[`${field}Schema`];
        if (selection === undefined) continue;
        const path = [`${field}Schema`];
        if (!isSchemaFormat(format)) {
          context.addIssue({
            code: 'custom',
            path,
            message: `applies to ${SCHEMA_FORMATS.join(', ')} (${field}Format is ${format})`,
          });
        }
        if (selection.id !== undefined && selection.version !== undefined) {
          context.addIssue({
            code: 'custom',
            path: [...path, 'version'],
            message: 'give a version or an id, not both',
          });
        }
        if (selection.message !== undefined && format !== 'protobuf') {
          context.addIssue({
            code: 'custom',
            path: [...path, 'message'],
            message: `applies to protobuf (${field}Format is ${format})`,
          });
        }
      }
      request.records.forEach((record, index) => {
        const check = (field: 'key' | 'value', format: z.infer<typeof ValueFormat>, data: unknown) => {
          // Schema formats take any JSON; their schema checks it (src/shared/produce/schema-encode.ts).
          if (data === null || data === undefined || format === 'json' || isSchemaFormat(format)) return;
          const path = ['records', index, field];
          if (format === 'string' && typeof data !== 'string') {
            context.addIssue({
              code: 'custom',
              path,
              message: `must be a string (${field}Format is string)`,
            });
          }
          if (format === 'string' && typeof data === 'string' && !data.isWellFormed()) {
            context.addIssue({ code: 'custom', path, message: NOT_UTF8_REPRESENTABLE });
          }
          if (format === 'binary' && !(typeof data === 'string' && Base64.safeParse(data).success)) {
            context.addIssue({ code: 'custom', path, message: `must be base64 (${field}Format is binary)` });
          }
        };
        if (!('value' in record)) {
          context.addIssue({
            code: 'custom',
            path: ['records', index, 'value'],
            message: 'required (null for a tombstone)',
          });
        }
        check('key', request.keyFormat, record.key);
        check('value', request.valueFormat, record.value);
      });
    })
    .meta({
      id: 'ProduceRequest',
      example: {
        records: [
          { key: 'user-42', value: { type: 'click', page: '/home' }, headers: { source: 'web' } },
          { value: null, key: 'user-7' },
        ],
      },
    });
}

/** The schema for documentation, at the default limit. */
export const ProduceRequest = produceRequestSchema(500);
export type ProduceRequest = z.infer<typeof ProduceRequest>;

const RecordError = z
  .object({
    code: z.string().meta({ example: 'BROKER_UNAVAILABLE' }),
    status: z.int().meta({ description: 'The HTTP status this failure alone would have had', example: 503 }),
    message: z.string(),
    retriable: z.boolean(),
  })
  .meta({ id: 'RecordError' });

export const WrittenRecord = z
  .object({
    partition: z.int(),
    offset: z
      .string()
      .regex(/^\d+$/)
      .nullable()
      .meta({ description: 'A 64-bit offset as a string; null with acks=none (unknown)', example: '42' }),
    timestamp: z.iso.datetime().meta({ description: 'CreateTime sent, or the LogAppendTime the broker set' }),
  })
  .meta({ id: 'WrittenRecord' });

export const FailedRecord = z
  .object({ partition: z.int().nullable(), error: RecordError })
  .meta({ id: 'FailedRecord' });

export const ProduceResponse = z.object({ topic: z.string(), records: z.array(WrittenRecord) }).meta({
  id: 'ProduceResponse',
  description: 'Every record was written: one entry per input record, in order',
});

export const ProducePartialResponse = z
  .object({
    topic: z.string(),
    written: z.int(),
    failed: z.int(),
    records: z.array(z.union([WrittenRecord, FailedRecord])),
  })
  .meta({
    id: 'ProducePartialResponse',
    description: 'Some records were written and some not, in request order',
  });

export type WrittenRecord = z.infer<typeof WrittenRecord>;
export type FailedRecord = z.infer<typeof FailedRecord>;
export type ProduceResponse = z.infer<typeof ProduceResponse>;
export type ProducePartialResponse = z.infer<typeof ProducePartialResponse>;
