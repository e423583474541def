/**
 * The produce API's schema formats (avro, protobuf, jsonschema): each key or value is checked against its
 * registered schema and serialized in Confluent's wire format before anything is written. A request whose
 * values do not all fit is refused whole, with a 400 naming every record and field at fault.
 */
import { type ErrorDetail, SchemaValidationError } from '../errors.js';
import { fieldName } from '../http/request.js';
import { NOT_UTF8_REPRESENTABLE } from '../http/schema.js';
import type { OutgoingRecord } from '../kafka/writer.js';
import { type FieldIssue, SchemaValueError } from '../schema/codec.js';
import type { SchemaFormat, SchemaSerializer, ValueEncoder } from '../schema/serializer.js';
import { encodeRecords, type SchemaEncoded, usableSources } from './encode.js';
import { type ProduceRequest, SCHEMA_FORMATS } from './schema.js';

type Field = 'key' | 'value';

function isSchemaFormat(format: string): format is SchemaFormat {
  return (SCHEMA_FORMATS as readonly string[]).includes(format);
}

/**
 * Strings that UTF-8 cannot hold (a lone surrogate), which Avro and Protobuf would write as U+FFFD: refused,
 * as everywhere else in the API, rather than changed.
 */
function illFormedText(value: unknown, path: (string | number)[] = []): FieldIssue[] {
  if (typeof value === 'string')
    return value.isWellFormed() ? [] : [{ path, message: NOT_UTF8_REPRESENTABLE }];
  if (Array.isArray(value)) return value.flatMap((item, index) => illFormedText(item, [...path, index]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) =>
      key.isWellFormed()
        ? illFormedText(item, [...path, key])
        : [{ path: [...path, key], message: NOT_UTF8_REPRESENTABLE }],
    );
  }
  return [];
}

/** Null keys and values for the schema-format fields: what all-null fields encode to. */
function nullsFor(request: ProduceRequest): SchemaEncoded {
  const nulls = () => request.records.map(() => null);
  return {
    key: isSchemaFormat(request.keyFormat) ? nulls() : undefined,
    value: isSchemaFormat(request.valueFormat) ? nulls() : undefined,
  };
}

/**
 * The request's records as the writer takes them: schema-format keys and values serialized with their
 * schemas (subject `<topic>-key` / `<topic>-value`, latest version, unless the request names one), the
 * others as encode.ts does. `body` is the JSON the request was parsed from (jsonschema values are written
 * as their own text). Throws SchemaValidationError (400) when a value does not fit, and what
 * {@link SchemaSerializer.encoder} throws when a schema cannot be had.
 */
export async function encodeRecordsWithSchemas(
  serializer: SchemaSerializer,
  topic: string,
  request: ProduceRequest,
  now: number,
  body?: Buffer,
): Promise<OutgoingRecord[]> {
  // A field whose records are all null (tombstones, no keys) needs no schema, as with Confluent's serializers.
  const fields = (['key', 'value'] as const).filter(
    (field) =>
      isSchemaFormat(request[`${field}Format`]) &&
      request.records.some((record) => record[field] !== null && record[field] !== undefined),
  );
  if (fields.length === 0) return encodeRecords(request, now, body, nullsFor(request));

  const encoders = new Map<Field, ValueEncoder>();
  for (const field of fields) {
    const format = request[`${field}Format`] as SchemaFormat;
    const { subject, version, id, message } = request[`${field}Schema`] ?? {};
    const selector =
      id !== undefined
        ? { id }
        : { subject: subject ?? `${topic}-${field}`, version: version ?? ('latest' as const) };
    encoders.set(field, await serializer.encoder({ format, selector, message }));
  }

  const sources =
    request.valueFormat === 'jsonschema' || request.keyFormat === 'jsonschema'
      ? usableSources(request, body)
      : undefined;
  const encoded: SchemaEncoded = nullsFor(request);
  const details: ErrorDetail[] = [];
  for (const field of fields) {
    const encode = encoders.get(field) as ValueEncoder;
    const checkText = request[`${field}Format`] !== 'jsonschema';
    encoded[field] = request.records.map((record, index) => {
      const data = record[field];
      if (data === null || data === undefined) return null;
      const issues = checkText ? illFormedText(data) : [];
      if (issues.length === 0) {
        try {
          return encode(data, sources?.[index]?.[field]);
        } catch (error) {
          if (!(error instanceof SchemaValueError)) throw error;
          issues.push(...error.issues);
        }
      }
      for (const issue of issues) {
        const path = ['records', index, field, ...issue.path];
        details.push({
          field: fieldName(path),
          path,
          message: issue.message,
          code: 'SCHEMA_VALIDATION_FAILED',
        });
      }
      return null;
    });
  }
  const [first] = details;
  if (first) {
    const records = new Set(details.map((detail) => detail.path[1])).size;
    const more =
      details.length > 1 ? ` (${details.length} problems in ${records} record(s), see details)` : '';
    throw new SchemaValidationError(`${first.field} does not fit its schema: ${first.message}${more}`, {
      details,
    });
  }
  return encodeRecords(request, now, body, encoded);
}
