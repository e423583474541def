/**
 * Reading API Gateway HTTP API (payload v2) requests: content type, size limit, JSON, zod validation.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import {
  type ErrorDetail,
  InvalidJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.js';

/** `records[0].value` from `['records', 0, 'value']`. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

export function issuesToDetails(
  issues: readonly z.core.$ZodIssue[],
  prefix: (string | number)[] = [],
): ErrorDetail[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))];
    return { field: fieldName(path), path, message: issue.message, code: issue.code };
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

/** Returns the parsed JSON body, enforcing content type and the byte limit first. */
export function readJsonBody(event: APIGatewayProxyEventV2, maxBytes: number): unknown {
  return parseJsonBody(readJsonBodyBytes(event, maxBytes));
}

/** The bytes of a JSON body, after the content type and byte limit checks; see {@link parseJsonBody}. */
export function readJsonBodyBytes(event: APIGatewayProxyEventV2, maxBytes: number): Buffer {
  const contentType = event.headers?.['content-type'];
  if (!isJsonContentType(contentType)) {
    throw new UnsupportedMediaTypeError(
      `Content-Type must be application/json (got ${contentType ? JSON.stringify(contentType.slice(0, 100)) : 'none'})`,
    );
  }
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) {
    throw new PayloadTooLargeError(`the body is ${bytes.length} bytes; the limit is ${maxBytes}`);
  }
  return bytes;
}

/** Parses the bytes {@link readJsonBodyBytes} returned, or throws a 400. */
export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new InvalidJsonError('the body is empty; expected a JSON object');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new InvalidJsonError(`the body is not valid JSON: ${(error as Error).message}`);
  }
}
