/**
 * Turns a record of the Lambda event into bytes, then into a typed value checked by the function's zod schema.
 *
 * Why not @aws-lambda-powertools/kafka (evaluated at 2.35.0, `kafkaConsumer`): it does accept both
 * `eventSource` spellings (it never reads the field), an absent key and an absent or null value, and its
 * `Buffer.from(number[])` happens to turn signed header bytes into the right bytes. But it cannot tell a
 * poison record apart or keep it intact: its JSON deserializer swallows a parse failure, writes the record's
 * raw base64 value to the log with `console.error` (unredacted secrets, for the log collector) and hands the
 * text on, so "undecodable" and "schema-invalid" become one error; UTF-8 is decoded leniently, so invalid
 * bytes silently become U+FFFD; headers come out as UTF-8 strings (binary headers are lost; the dead-letter
 * topic needs the original bytes); an empty key is reported as absent; and records lose their per-partition
 * grouping. So decoding is ours, and small.
 */
import type * as z from 'zod';
import { RecordSchemaError, RecordUndecodableError, type ServiceError } from '../errors.js';
import type { KafkaEventRecord } from './event.js';

/** A record's coordinates: what identifies it for Lambda, the dead-letter topic and idempotent outputs. */
export interface Coordinates {
  topic: string;
  partition: number;
  offset: number;
}

/** Only the coordinates of a record (never its contents). */
export function coordinatesOf({ topic, partition, offset }: Coordinates): Coordinates {
  return { topic, partition, offset };
}

/** Header name to its values (a name may repeat), as bytes. */
export type RecordHeaders = Record<string, Buffer[]>;

/** A record's bytes: base64 and signed bytes undone, nothing interpreted yet. */
export interface RawRecord extends Coordinates {
  timestamp: number;
  timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  key: Buffer | null;
  /** null for a tombstone (`"value": null` or no `value` at all). */
  value: Buffer | null;
  headers: RecordHeaders;
  /** Key, value and header bytes: the record's size for throughput. */
  bytes: number;
}

/** A record whose value passed the function's schema. */
export interface ConsumerRecord<T> extends RawRecord {
  /** The decoded, validated value. */
  data: T;
}

/** How a function's values are encoded: JSON, or UTF-8 text. Both are validated by `schema`. */
export type ValueFormat<T> =
  | { format: 'json'; schema: z.ZodType<T> }
  | { format: 'text'; schema: z.ZodType<T, string> };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fromBase64(text: string | null | undefined, field: string): Buffer | null {
  if (text === null || text === undefined) return null;
  if (!BASE64.test(text)) throw new RecordUndecodableError(`${field} is not valid base64`);
  return Buffer.from(text, 'base64');
}

/** Header bytes arrive as Java's signed bytes; `& 0xff` gives the unsigned byte (-61 -> 0xc3). */
function headerBytes(values: number[]): Buffer {
  return Buffer.from(values.map((byte) => byte & 0xff));
}

/**
 * The record's bytes. Throws {@link RecordUndecodableError} for base64 Lambda would never send, and then
 * {@link lenientRawRecord} gives what bytes there are, for the dead-letter topic.
 */
export function rawRecord(record: KafkaEventRecord): RawRecord {
  return toRaw(record, fromBase64);
}

/** The record's bytes even when its base64 is broken (Node decodes what it can). */
function lenientRawRecord(record: KafkaEventRecord): RawRecord {
  return toRaw(record, (text) => (text === null || text === undefined ? null : Buffer.from(text, 'base64')));
}

function toRaw(
  record: KafkaEventRecord,
  decode: (text: string | null | undefined, field: string) => Buffer | null,
): RawRecord {
  const key = decode(record.key, 'key');
  const value = decode(record.value, 'value');
  // No prototype: every header name, `__proto__` and `constructor` included, is an own key.
  const headers: RecordHeaders = Object.create(null);
  let bytes = (key?.length ?? 0) + (value?.length ?? 0);
  for (const header of record.headers ?? []) {
    for (const [name, values] of Object.entries(header)) {
      const buffer = headerBytes(values);
      headers[name] = [...(headers[name] ?? []), buffer];
      bytes += Buffer.byteLength(name) + buffer.length;
    }
  }
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    timestampType: record.timestampType,
    key,
    value,
    headers,
    bytes,
  };
}

/**
 * Decodes and validates a non-null value. Bytes that are not UTF-8 or not JSON are
 * {@link RecordUndecodableError}; a value that breaks the schema is {@link RecordSchemaError}. Messages name
 * the problem and the path, never the value (it may hold secrets).
 */
function decodeValue<T>(value: Buffer, format: ValueFormat<T>): T {
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    throw new RecordUndecodableError('value is not valid UTF-8');
  }
  let input: unknown = text;
  if (format.format === 'json') {
    try {
      input = JSON.parse(text);
    } catch {
      throw new RecordUndecodableError('value is not valid JSON');
    }
  }
  const result = format.schema.safeParse(input);
  if (!result.success) throw new RecordSchemaError(schemaProblems(result.error));
  return result.data;
}

function schemaProblems(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(value)'}: ${issue.message}`)
    .join('; ');
}

/** What decoding one record of the event gave. */
export type Decoded<T> =
  | { kind: 'record'; record: ConsumerRecord<T> }
  | { kind: 'tombstone'; record: RawRecord }
  | { kind: 'poison'; record: RawRecord; error: ServiceError };

/** Decodes one record of the event; never throws. */
export function decodeRecord<T>(record: KafkaEventRecord, format: ValueFormat<T>): Decoded<T> {
  let raw: RawRecord;
  try {
    raw = rawRecord(record);
  } catch (error) {
    return { kind: 'poison', record: lenientRawRecord(record), error: error as ServiceError };
  }
  if (raw.value === null) return { kind: 'tombstone', record: raw };
  try {
    return { kind: 'record', record: { ...raw, data: decodeValue(raw.value, format) } };
  } catch (error) {
    return { kind: 'poison', record: raw, error: error as ServiceError };
  }
}
