/**
 * Turns a record of the Lambda event into bytes, then into a typed value checked by the function's zod schema.
 * Values (and keys) are JSON, UTF-8 text, or a schema registry's Avro, Protobuf or JSON Schema records, either
 * already decoded by the event source mapping (its `eventRecordFormat: JSON`) or as bytes decoded here with
 * the registry (`SOURCE`); docs/consumers.md.
 *
 * Why not @aws-lambda-powertools/kafka (evaluated at 2.35.0, `kafkaConsumer`): it does accept both
 * `eventSource` spellings (it never reads the field), an absent key and an absent or null value, and its
 * `Buffer.from(number[])` happens to turn signed header bytes into the right bytes. But it cannot tell a
 * poison record apart or keep it intact: its JSON deserializer swallows a parse failure, writes the record's
 * raw base64 value to the log with `console.error` (unredacted secrets, for the log collector) and hands the
 * text on, so "undecodable" and "schema-invalid" become one error; UTF-8 is decoded leniently, so invalid
 * bytes silently become U+FFFD; headers come out as UTF-8 strings (binary headers are lost; the dead-letter
 * topic needs the original bytes); an empty key is reported as absent; and records lose their per-partition
 * grouping. Its Avro and Protobuf deserializers do not fit either: they take the schema from the code, never
 * from a registry (no schema id is looked up, so a producer's new version is misread), parse the Avro schema
 * again for every record, read Avro bytes as they come (a record still in Confluent's wire format, from a
 * mapping without a registry, fails), skip Protobuf message indexes by trying two varint readings in turn
 * instead of reading them, have no JSON Schema, and put the record's base64 bytes in their error messages.
 * So decoding is ours, and small; the formats are src/shared/schema's.
 */
import type * as z from 'zod';
import {
  RecordSchemaError,
  RecordUndecodableError,
  SchemaRegistryAuthenticationError,
  ServiceError,
} from '../errors.js';
import type { SchemaType } from '../schema/registry-client.js';
import { SCHEMA_TYPES, type SchemaFormat } from '../schema/serializer.js';
import { wireHeader } from '../schema/wire.js';
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

/** A record whose value (and key, when the function declares its format) passed the function's schemas. */
export interface ConsumerRecord<T, K = undefined> extends RawRecord {
  /** The decoded, validated value. */
  data: T;
  /** The decoded, validated key: null for a record without a key, undefined when no key format is declared. */
  keyData: K | null;
}

/**
 * How the event source mapping delivers a schema registry's records, as its `schemaRegistryConfig`
 * `eventRecordFormat` says: `JSON`, the decoded record as JSON text; `SOURCE`, the record's bytes, decoded
 * here with the registry (SCHEMA_REGISTRY_URL). `SOURCE` also reads records of a mapping without a registry,
 * still in Confluent's wire format as the producer wrote them.
 */
export type EventRecordFormat = 'JSON' | 'SOURCE';

/**
 * How a function's values (or keys) are encoded: JSON, UTF-8 text, or a schema registry's format (`avro`,
 * `protobuf`, `jsonschema`) as the mapping delivers it. Every one is validated by `schema` (zod), which
 * for a registry format checks the decoded record: the JSON shape of docs/consumers.md.
 */
export type ValueFormat<T> =
  | { format: 'json'; schema: z.ZodType<T> }
  | { format: 'text'; schema: z.ZodType<T, string> }
  | { format: SchemaFormat; eventRecordFormat: EventRecordFormat; schema: z.ZodType<T> };

/** A record's schema registry metadata, as the mapping sets it (`keySchemaMetadata`, `valueSchemaMetadata`). */
type SchemaMetadata = KafkaEventRecord['valueSchemaMetadata'];

/**
 * Decodes Confluent wire-format bytes with the registry (src/shared/schema/deserializer.ts): the schema
 * id's schema, its type, and the record as JSON. Throws the registry client's errors (SchemaNotFoundError,
 * SchemaRegistryUnavailableError, ...) and a decoding error for bytes that do not decode.
 */
export interface RecordDeserializer {
  deserialize(bytes: Uint8Array): Promise<{ schemaId: number; schemaType: SchemaType; value: unknown }>;
}

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

type Field = 'key' | 'value';

function utf8Text(bytes: Buffer, field: Field): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new RecordUndecodableError(`${field} is not valid UTF-8`);
  }
}

function parseJson(text: string, field: Field): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RecordUndecodableError(`${field} is not valid JSON`);
  }
}

/** A Confluent schema id, as the mapping writes it in the metadata; Glue's are UUIDs. */
const CONFLUENT_SCHEMA_ID = /^\d{1,10}$/;

/**
 * The record of a `SOURCE` key or value, as JSON. A mapping with a registry has removed the magic byte and
 * the schema id (its metadata carries the id; Protobuf's message indexes stay in the bytes): they are put
 * back, so one deserializer reads both. Registry failures other than a missing schema are transient (the
 * batch comes again once the registry answers); the rest is {@link RecordUndecodableError}.
 */
async function deserialized(
  bytes: Buffer,
  format: SchemaFormat,
  metadata: SchemaMetadata,
  field: Field,
  deserializer: RecordDeserializer | undefined,
): Promise<unknown> {
  if (!deserializer) {
    throw new RecordUndecodableError(
      `${field} is ${format} in SOURCE format, and this function has no schema registry (SCHEMA_REGISTRY_URL)`,
      { retriable: true },
    );
  }
  let framed = bytes;
  if (metadata?.schemaId !== undefined) {
    if (!CONFLUENT_SCHEMA_ID.test(metadata.schemaId)) {
      throw new RecordUndecodableError(
        `${field} has schema id ${metadata.schemaId}, not a Confluent registry's: read Glue registries' records with eventRecordFormat JSON`,
      );
    }
    framed = Buffer.concat([wireHeader(Number(metadata.schemaId)), bytes]);
  }
  let decoded: Awaited<ReturnType<RecordDeserializer['deserialize']>>;
  try {
    decoded = await deserializer.deserialize(framed);
  } catch (error) {
    if (error instanceof SchemaRegistryAuthenticationError) {
      // Wrong credentials are the deployment's to fix; every record would fail alike, so none is dead-lettered.
      throw new SchemaRegistryAuthenticationError(error.message, { retriable: true, cause: error });
    }
    if (error instanceof ServiceError) throw error;
    throw new RecordUndecodableError(`${field} does not decode: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (decoded.schemaType !== SCHEMA_TYPES[format]) {
    throw new RecordUndecodableError(
      `${field} is a ${decoded.schemaType} record (schema id ${decoded.schemaId}), the function reads ${format}`,
    );
  }
  return decoded.value;
}

/**
 * Decodes and validates a non-null key or value. Bytes that are not UTF-8, not JSON or not a record of the
 * registry are {@link RecordUndecodableError} (or the registry's SchemaNotFoundError); a value that breaks
 * the schema is {@link RecordSchemaError}. Messages name the problem and the path, never the value (it may
 * hold secrets).
 */
async function decodeField<T>(
  bytes: Buffer,
  format: ValueFormat<T>,
  metadata: SchemaMetadata,
  field: Field,
  deserializer: RecordDeserializer | undefined,
): Promise<T> {
  let input: unknown;
  if (format.format === 'text') input = utf8Text(bytes, field);
  else if (format.format === 'json' || format.eventRecordFormat === 'JSON')
    input = parseJson(utf8Text(bytes, field), field);
  else input = await deserialized(bytes, format.format, metadata, field, deserializer);
  const result = format.schema.safeParse(input);
  if (!result.success) throw new RecordSchemaError(schemaProblems(result.error, field));
  return result.data;
}

function schemaProblems(error: z.ZodError, field: Field): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : `(${field})`}: ${issue.message}`)
    .join('; ');
}

/** What decoding one record of the event gave. */
export type Decoded<T, K = undefined> =
  | { kind: 'record'; record: ConsumerRecord<T, K> }
  | { kind: 'tombstone'; record: RawRecord }
  | { kind: 'poison'; record: RawRecord; error: ServiceError }
  /** A retriable failure (the registry did not answer): the record comes again. */
  | { kind: 'failed'; record: RawRecord; error: ServiceError };

/** The formats of a function's records: its values', and its keys' when it reads them. */
export interface RecordFormats<T, K = undefined> {
  value: ValueFormat<T>;
  key?: ValueFormat<K>;
}

/**
 * Decodes one record of the event; never throws. `deserializer` reads `SOURCE` records of a registry
 * format (their schema looked up once per container).
 *
 * @example
 * const decoded = await decodeRecord(record, { value: { format: 'json', schema: Event } });
 * if (decoded.kind === 'record') console.log(decoded.record.data);
 */
export async function decodeRecord<T, K = undefined>(
  record: KafkaEventRecord,
  formats: RecordFormats<T, K>,
  deserializer?: RecordDeserializer,
): Promise<Decoded<T, K>> {
  let raw: RawRecord;
  try {
    raw = rawRecord(record);
  } catch (error) {
    return { kind: 'poison', record: lenientRawRecord(record), error: error as ServiceError };
  }
  if (raw.value === null) return { kind: 'tombstone', record: raw };
  try {
    const keyData =
      formats.key && raw.key !== null
        ? await decodeField(raw.key, formats.key, record.keySchemaMetadata, 'key', deserializer)
        : null;
    const data = await decodeField(
      raw.value,
      formats.value,
      record.valueSchemaMetadata,
      'value',
      deserializer,
    );
    return {
      kind: 'record',
      record: { ...raw, data, keyData: (formats.key ? keyData : undefined) as K | null },
    };
  } catch (error) {
    const failure =
      error instanceof ServiceError
        ? error
        : new RecordUndecodableError(`does not decode: ${String(error)}`, { cause: error });
    return { kind: failure.retriable ? 'failed' : 'poison', record: raw, error: failure };
  }
}
