/**
 * The service's error vocabulary. Every failure a caller can see is a {@link ServiceError} with a stable
 * `code`, an HTTP `statusCode` and a `retriable` flag; `src/shared/http/response.ts` is the one place that
 * turns errors into responses.
 */

/** A field-level problem, e.g. one zod issue. `field` is the path in dotted/bracket form. */
export interface ErrorDetail {
  field: string;
  path: (string | number)[];
  message: string;
  code?: string;
}

export interface ServiceErrorOptions {
  details?: ErrorDetail[];
  retryAfterSeconds?: number;
  cause?: unknown;
}

export abstract class ServiceError extends Error {
  abstract readonly code: string;
  abstract readonly statusCode: number;
  abstract readonly retriable: boolean;
  readonly details: ErrorDetail[];
  /** Sent as `Retry-After` with 429, 503 and 504. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: ServiceErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Builds a concrete error class for one code, so every code is declared in one line. */
function errorClass(code: string, statusCode: number, retriable: boolean, retryAfterSeconds?: number) {
  return class extends ServiceError {
    readonly code = code;
    readonly statusCode = statusCode;
    readonly retriable = retriable;
    constructor(message: string, options: ServiceErrorOptions = {}) {
      super(message, { retryAfterSeconds, ...options });
    }
  };
}

// Caller mistakes (4xx).
export const BadRequestError = errorClass('BAD_REQUEST', 400, false);
export const InvalidJsonError = errorClass('INVALID_JSON', 400, false);
export const ValidationError = errorClass('VALIDATION_FAILED', 400, false);
export const PartitionNotFoundError = errorClass('PARTITION_NOT_FOUND', 400, false);
export const InvalidRecordError = errorClass('INVALID_RECORD', 400, false);
export const ForbiddenError = errorClass('FORBIDDEN', 403, false);
export const TopicNotAllowedError = errorClass('TOPIC_NOT_ALLOWED', 403, false);
export const NotFoundError = errorClass('NOT_FOUND', 404, false);
export const TopicNotFoundError = errorClass('TOPIC_NOT_FOUND', 404, false);
export const MethodNotAllowedError = errorClass('METHOD_NOT_ALLOWED', 405, false);
export const PayloadTooLargeError = errorClass('PAYLOAD_TOO_LARGE', 413, false);
export const RecordTooLargeError = errorClass('RECORD_TOO_LARGE', 413, false);
export const UnsupportedMediaTypeError = errorClass('UNSUPPORTED_MEDIA_TYPE', 415, false);
export const RequestHeadersTooLargeError = errorClass('REQUEST_HEADERS_TOO_LARGE', 431, false);
export const ThrottledError = errorClass('THROTTLED', 429, true, 1);

// Administration (src/shared/admin): caller mistakes and conflicts with the cluster's state.
export const InvalidPartitionCountError = errorClass('INVALID_PARTITION_COUNT', 400, false);
export const InvalidReplicationFactorError = errorClass('INVALID_REPLICATION_FACTOR', 400, false);
export const InvalidTopicConfigError = errorClass('INVALID_CONFIG', 400, false);
export const InvalidTopicError = errorClass('INVALID_TOPIC', 400, false);
export const InvalidOffsetError = errorClass('INVALID_OFFSET', 400, false);
export const InternalTopicError = errorClass('INTERNAL_TOPIC', 403, false);
export const TopicDeletionDisabledError = errorClass('TOPIC_DELETION_DISABLED', 403, false);
export const GroupNotFoundError = errorClass('GROUP_NOT_FOUND', 404, false);
export const TopicExistsError = errorClass('TOPIC_EXISTS', 409, false);
export const GroupNotEmptyError = errorClass('GROUP_NOT_EMPTY', 409, false);
export const ConfigNotReadableError = errorClass('CONFIG_NOT_READABLE', 409, false);

// The broker's or the service's side (5xx).
export const InternalError = errorClass('INTERNAL_ERROR', 500, false);
export const BrokerAuthenticationError = errorClass('BROKER_AUTHENTICATION_FAILED', 500, false);
export const BrokerUnavailableError = errorClass('BROKER_UNAVAILABLE', 503, true, 1);
export const BrokerTimeoutError = errorClass('BROKER_TIMEOUT', 504, true, 1);

// Kafka-triggered consumers (src/shared/consumer). A poison record (never retriable) goes to the dead-letter
// topic; a retriable failure is reported to Lambda so the record is delivered again.
export const InvalidEventError = errorClass('INVALID_EVENT', 400, false);
export const RecordUndecodableError = errorClass('RECORD_UNDECODABLE', 400, false);
export const RecordSchemaError = errorClass('RECORD_SCHEMA_INVALID', 400, false);
export const RecordRejectedError = errorClass('RECORD_REJECTED', 422, false);
export const DownstreamUnavailableError = errorClass('DOWNSTREAM_UNAVAILABLE', 503, true, 1);
export const BatchFailedError = errorClass('BATCH_FAILED', 500, true);
