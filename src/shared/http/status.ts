/**
 * The one place HTTP statuses are assigned: each error code a route can answer with, and its status.
 * Domain errors (src/shared/errors.ts) carry a code and `retriable`, never a status.
 */
import type { ServiceError } from '../errors.js';

/** Error code to HTTP status. A code missing here is a 500. */
export const HTTP_STATUS: Readonly<Record<string, number>> = Object.freeze({
  // The caller's mistakes.
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  PARTITION_NOT_FOUND: 400,
  INVALID_RECORD: 400,
  INVALID_PARTITION_COUNT: 400,
  INVALID_REPLICATION_FACTOR: 400,
  INVALID_CONFIG: 400,
  INVALID_TOPIC: 400,
  INVALID_OFFSET: 400,
  SCHEMA_VALIDATION_FAILED: 400,
  FORBIDDEN: 403,
  TOPIC_NOT_ALLOWED: 403,
  INTERNAL_TOPIC: 403,
  TOPIC_DELETION_DISABLED: 403,
  NOT_FOUND: 404,
  TOPIC_NOT_FOUND: 404,
  GROUP_NOT_FOUND: 404,
  SCHEMA_SUBJECT_NOT_FOUND: 404,
  SCHEMA_VERSION_NOT_FOUND: 404,
  SCHEMA_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  // Conflicts with the cluster's state.
  TOPIC_EXISTS: 409,
  GROUP_NOT_EMPTY: 409,
  CONFIG_NOT_READABLE: 409,
  PAYLOAD_TOO_LARGE: 413,
  RECORD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SCHEMA_UNUSABLE: 422,
  THROTTLED: 429,
  REQUEST_HEADERS_TOO_LARGE: 431,
  // The broker's or the service's side.
  INTERNAL_ERROR: 500,
  BROKER_AUTHENTICATION_FAILED: 500,
  BROKER_UNAVAILABLE: 503,
  BROKER_TIMEOUT: 504,
  NOT_ACKNOWLEDGED: 503,
  SCHEMA_REGISTRY_UNAVAILABLE: 503,
  SCHEMA_REGISTRY_AUTHENTICATION_FAILED: 500,
});

/** The HTTP status of an error: by its code, 500 for a code no route answers with. */
export function httpStatus(error: Pick<ServiceError, 'code'>): number {
  return HTTP_STATUS[error.code] ?? 500;
}
