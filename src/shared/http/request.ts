/**
 * Reading API Gateway HTTP API (payload v2) requests: content type, size limit, UTF-8, JSON, zod validation.
 * Whatever a caller sends ends as a value or as a 4xx naming what is wrong, never as a 500 or a silent change.
 */
import { isUtf8 } from 'node:buffer';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getLocation } from 'jsonc-parser';
import type * as z from 'zod';
import {
  type ErrorDetail,
  InvalidJsonError,
  PayloadTooLargeError,
  type ServiceError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.js';
import { unescapeRecordKey } from './schema.js';

/** `records[0].value` from `['records', 0, 'value']`. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** zod issues as error details, each naming its field (`records[0].value`) under `prefix`. */
export function issuesToDetails(
  issues: readonly z.core.$ZodIssue[],
  prefix: (string | number)[] = [],
): ErrorDetail[] {
  return issues.map((issue) => {
    const path = [
      ...prefix,
      ...issue.path.map((part) =>
        typeof part === 'symbol' ? String(part) : typeof part === 'string' ? unescapeRecordKey(part) : part,
      ),
    ];
    // A record key's own problems are nested in a generic "Invalid key in record".
    const message =
      issue.code === 'invalid_key'
        ? `the name ${issue.issues.map((inner) => inner.message).join('; ')}`
        : issue.message;
    return { field: fieldName(path), path, message, code: issue.code };
  });
}

/** Validates `input` or throws a 400 naming every wrong field. */
export function parseWith<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  prefix: (string | number)[] = [],
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const details = issuesToDetails(result.error.issues, prefix);
    throw new ValidationError(
      `invalid request: ${details.map((d) => `${d.field || '(body)'}: ${d.message}`).join('; ')}`,
      {
        details,
      },
    );
  }
  return result.data;
}

/** `application/json` or any `+json` type; a charset, when given, must be UTF-8 (RFC 8259 §8.1). */
function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [mediaType = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(mediaType)) return false;
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

/** Throws a 415 unless `contentType` (the header's value; undefined when absent) names JSON. */
export function checkJsonContentType(contentType: string | undefined): void {
  if (!isJsonContentType(contentType)) {
    throw new UnsupportedMediaTypeError(
      `Content-Type must be application/json (got ${contentType ? JSON.stringify(contentType.slice(0, 100)) : 'none'})`,
    );
  }
}

/** Returns the parsed JSON body, enforcing content type and the byte limit first. */
export function readJsonBody(event: APIGatewayProxyEventV2, maxBytes: number): unknown {
  return parseJsonBody(readJsonBodyBytes(event, maxBytes));
}

/**
 * The body's bytes. API Gateway sends text as a string and other payloads base64-encoded; a platform that
 * parsed a JSON body itself may hand over the value (serverless-offline does for `false` and `0`), which
 * is turned back into JSON text so that it is judged like any other body.
 */
function bodyBytes(event: APIGatewayProxyEventV2): Buffer {
  const body: unknown = event.body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body !== 'string') return Buffer.from(JSON.stringify(body) ?? '', 'utf8');
  return event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** The bytes of a JSON body, after the content type and byte limit checks; see {@link parseJsonBody}. */
export function readJsonBodyBytes(event: APIGatewayProxyEventV2, maxBytes: number): Buffer {
  const bytes = bodyBytes(event);
  // A missing body is what is wrong, whatever the Content-Type says (or that there is none).
  if (bytes.length === 0) throw new InvalidJsonError('the body is empty; expected a JSON object');
  checkJsonContentType(event.headers?.['content-type']);
  if (bytes.length > maxBytes) {
    throw new PayloadTooLargeError(`the body is ${bytes.length} bytes; the limit is ${maxBytes}`);
  }
  return bytes;
}

/**
 * Parses the bytes {@link readJsonBodyBytes} returned, or throws a 400. JSON text is UTF-8 (RFC 8259
 * §8.1): bytes that are not are refused, naming the field they are in, rather than read as U+FFFD.
 */
export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new InvalidJsonError('the body is empty; expected a JSON object');
  if (!isUtf8(bytes)) throw notUtf8(bytes);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new InvalidJsonError(`the body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The offset of the first byte of the first invalid UTF-8 sequence in `bytes`. */
function firstInvalidUtf8(bytes: Buffer): number {
  // Valid sequences survive a decode and re-encode; the first invalid one becomes U+FFFD (EF BF BD).
  const again = Buffer.from(bytes.toString('utf8'), 'utf8');
  let offset = 0;
  while (offset < bytes.length && bytes[offset] === again[offset]) offset++;
  // A truncated sequence may share its first bytes with EF BF BD: step back to where it starts.
  for (let back = 1; back <= 2 && offset - back >= 0; back++) {
    if (((bytes[offset - back] ?? 0) & 0xc0) === 0xc0) return offset - back;
  }
  return offset;
}

function notUtf8(bytes: Buffer): ServiceError {
  const offset = firstInvalidUtf8(bytes);
  // One character per byte, so the JSON structure (all ASCII) is found at byte offsets.
  const location = getLocation(bytes.toString('latin1'), offset);
  const inName = location.isAtPropertyKey;
  const path = inName ? location.path.slice(0, -1) : location.path;
  const message = `${inName ? 'a member name' : 'the text'} at byte ${offset} is not valid UTF-8`;
  return new InvalidJsonError(`the body is not valid UTF-8 (byte ${offset})`, {
    details: [{ field: fieldName(path), path, message }],
  });
}
