/**
 * Turns validated API records into the bytes Kafka stores. Formats: json (UTF-8 JSON of any value),
 * string (UTF-8), binary (base64). A null value is a tombstone; a null or absent key is no key.
 */
import type { OutgoingRecord } from '../kafka/writer.js';
import type { ProduceRequest } from './schema.js';

type Format = ProduceRequest['valueFormat'];
type HeaderValue = string | { base64: string };

export function encodeData(data: unknown, format: Format): Buffer | null {
  if (data === null || data === undefined) return null;
  switch (format) {
    case 'json':
      return Buffer.from(JSON.stringify(data), 'utf8');
    case 'string':
      return Buffer.from(data as string, 'utf8');
    case 'binary':
      return Buffer.from(data as string, 'base64');
  }
}

function encodeHeaderValue(value: HeaderValue): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.base64, 'base64');
}

export function encodeHeaders(headers: Record<string, HeaderValue | HeaderValue[]> | undefined) {
  const encoded: Record<string, Buffer[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    encoded[name] = (Array.isArray(value) ? value : [value]).map(encodeHeaderValue);
  }
  return encoded;
}

export function toEpochMillis(timestamp: number | string | undefined, now: number): number {
  if (timestamp === undefined) return now;
  return typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
}

export function encodeRecords(request: ProduceRequest, now: number): OutgoingRecord[] {
  return request.records.map((record) => ({
    key: encodeData(record.key, request.keyFormat),
    value: encodeData(record.value, request.valueFormat),
    headers: encodeHeaders(record.headers),
    partition: record.partition,
    timestamp: toEpochMillis(record.timestamp, now),
  }));
}
