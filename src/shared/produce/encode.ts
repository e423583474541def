/**
 * Turns validated API records into the bytes Kafka stores. Formats: json (UTF-8 JSON of any value),
 * string (UTF-8), binary (base64). A null value is a tombstone; a null or absent key is no key.
 */
import { epochMillis } from '../http/schema.js';
import type { OutgoingRecord } from '../kafka/writer.js';
import type { ProduceRequest } from './schema.js';
import { type RecordSource, recordSources } from './source.js';

type Format = ProduceRequest['valueFormat'];
type HeaderValue = string | { base64: string };

/**
 * Keys or values already serialized with a schema (schema-encode.ts), one per record: the avro, protobuf
 * and jsonschema formats.
 */
export interface SchemaEncoded {
  key?: (Buffer | null)[];
  value?: (Buffer | null)[];
}

/** `source`: the JSON text `data` was parsed from, written as it is when the format is json. */
export function encodeData(data: unknown, format: Format, source?: Buffer): Buffer | null {
  if (data === null || data === undefined) return null;
  switch (format) {
    case 'json':
      return source ?? Buffer.from(JSON.stringify(data), 'utf8');
    case 'string':
      return Buffer.from(data as string, 'utf8');
    case 'binary':
      return Buffer.from(data as string, 'base64');
    default:
      throw new Error(`${format} data is serialized with its schema, not here`);
  }
}

function encodeHeaderValue(value: HeaderValue): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.base64, 'base64');
}

/**
 * Header name to values, as the writer takes them. Without a prototype, so every name is an own key:
 * `encoded.__proto__ = ...` on a plain object would set its prototype and drop the header.
 */
export function encodeHeaders(headers: Record<string, HeaderValue | HeaderValue[]> | undefined) {
  const encoded: Record<string, Buffer[]> = Object.create(null);
  for (const [name, value] of Object.entries(headers ?? {})) {
    encoded[name] = (Array.isArray(value) ? value : [value]).map(encodeHeaderValue);
  }
  return encoded;
}

/** A record's CreateTime in epoch ms: `timestamp` (epoch ms or ISO-8601), else `now`. */
export function toEpochMillis(timestamp: number | string | undefined, now: number): number {
  return timestamp === undefined ? now : epochMillis(timestamp);
}

/**
 * `body`: the request's JSON bytes, when the request was parsed from them: json keys and values are then
 * written as the client's own text (see source.ts) rather than serialised again.
 */
export function encodeRecords(
  request: ProduceRequest,
  now: number,
  body?: Buffer,
  schemaEncoded: SchemaEncoded = {},
): OutgoingRecord[] {
  const json = (field: 'key' | 'value') => !schemaEncoded[field] && request[`${field}Format`] === 'json';
  const usable = json('key') || json('value') ? usableSources(request, body) : undefined;
  return request.records.map((record, index) => {
    const source: RecordSource | undefined = usable?.[index];
    return {
      key: schemaEncoded.key
        ? (schemaEncoded.key[index] ?? null)
        : encodeData(record.key, request.keyFormat, source?.key),
      value: schemaEncoded.value
        ? (schemaEncoded.value[index] ?? null)
        : encodeData(record.value, request.valueFormat, source?.value),
      headers: encodeHeaders(record.headers),
      partition: record.partition,
      timestamp: toEpochMillis(record.timestamp, now),
    };
  });
}

/**
 * The JSON text of each record's key and value, when a format writes it as sent (json, jsonschema) and the
 * request was parsed from `body`: always as many as there are records then; if not, values are serialized.
 */
export function usableSources(request: ProduceRequest, body: Buffer | undefined): RecordSource[] | undefined {
  const asSent = (format: Format) => format === 'json' || format === 'jsonschema';
  if (!body || !(asSent(request.keyFormat) || asSent(request.valueFormat))) return undefined;
  const sources = recordSources(body);
  return sources.length === request.records.length ? sources : undefined;
}
