/** HTTP statuses are assigned by error code in one table (src/shared/http/status.ts). */
import { describe, expect, it } from 'vitest';
import * as errors from '../../../src/shared/errors.js';
import { errorResponse } from '../../../src/shared/http/response.js';
import { HTTP_STATUS, httpStatus } from '../../../src/shared/http/status.js';

/** Errors only the consumer functions raise: they never reach an HTTP response. */
const CONSUMER_CODES = [
  'INVALID_EVENT',
  'RECORD_UNDECODABLE',
  'RECORD_SCHEMA_INVALID',
  'RECORD_REJECTED',
  'DOWNSTREAM_UNAVAILABLE',
  'BATCH_FAILED',
  // Decoding what a consumer or the emulator reads; no route raises it.
  'SCHEMA_DESERIALIZATION_FAILED',
];

const errorClasses = (Object.values(errors) as unknown[]).filter(
  (value): value is new (message: string) => errors.ServiceError =>
    typeof value === 'function' && value.prototype instanceof errors.ServiceError,
);

describe('httpStatus', () => {
  it.each([
    ['BAD_REQUEST', 400],
    ['INVALID_JSON', 400],
    ['VALIDATION_FAILED', 400],
    ['PARTITION_NOT_FOUND', 400],
    ['INVALID_RECORD', 400],
    ['INVALID_PARTITION_COUNT', 400],
    ['INVALID_REPLICATION_FACTOR', 400],
    ['INVALID_CONFIG', 400],
    ['INVALID_TOPIC', 400],
    ['INVALID_OFFSET', 400],
    ['FORBIDDEN', 403],
    ['TOPIC_NOT_ALLOWED', 403],
    ['INTERNAL_TOPIC', 403],
    ['TOPIC_DELETION_DISABLED', 403],
    ['NOT_FOUND', 404],
    ['TOPIC_NOT_FOUND', 404],
    ['GROUP_NOT_FOUND', 404],
    ['METHOD_NOT_ALLOWED', 405],
    ['TOPIC_EXISTS', 409],
    ['GROUP_NOT_EMPTY', 409],
    ['CONFIG_NOT_READABLE', 409],
    ['PAYLOAD_TOO_LARGE', 413],
    ['RECORD_TOO_LARGE', 413],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['THROTTLED', 429],
    ['REQUEST_HEADERS_TOO_LARGE', 431],
    ['INTERNAL_ERROR', 500],
    ['BROKER_AUTHENTICATION_FAILED', 500],
    ['BROKER_UNAVAILABLE', 503],
    ['BROKER_TIMEOUT', 504],
    ['NOT_ACKNOWLEDGED', 503],
  ])('answers %s with %i', (code, status) => {
    expect(httpStatus({ code })).toBe(status);
  });

  it('has a status for every error a route can raise, and none for the consumer-only ones', () => {
    const codes = errorClasses.map((ErrorClass) => new ErrorClass('x').code);
    expect(codes.filter((code) => !CONSUMER_CODES.includes(code)).sort()).toEqual(
      Object.keys(HTTP_STATUS).sort(),
    );
  });

  it("answers a record without the broker's offset with 503 and Retry-After", () => {
    const response = errorResponse(new errors.NotAcknowledgedError('no offset for partition 0'), 'r1');

    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('1');
  });

  it('answers 500 for a code no route raises', () => {
    expect(httpStatus({ code: 'RECORD_REJECTED' })).toBe(500);
  });

  it('leaves HTTP out of the errors themselves', () => {
    for (const ErrorClass of errorClasses) expect(new ErrorClass('x')).not.toHaveProperty('statusCode');
  });
});
