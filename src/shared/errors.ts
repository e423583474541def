/**
 * The service's error vocabulary. Every failure a caller can see is a {@link ServiceError} with a stable
 * `code` and a `retriable` flag. Errors carry no HTTP status: `src/shared/http/status.ts` assigns those,
 * and `src/shared/http/response.ts` is the one place that turns errors into responses.
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
  abstract readonly retriable: boolean;
  readonly details: ErrorDetail[];
  /** How long to wait before retrying, in seconds (HTTP sends it as `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: ServiceErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Builds a concrete error class for one code, so every code is declared in one line. */
function errorClass(code: string, retriable: boolean, retryAfterSeconds?: number) {
  return class extends ServiceError {
    readonly code = code;
    readonly retriable = retriable;
    constructor(message: string, options: ServiceErrorOptions = {}) {
      super(message, { retryAfterSeconds, ...options });
    }
  };
}

// Caller mistakes.
export const InvalidJsonError = errorClass('INVALID_JSON', false);
export const ValidationError = errorClass('VALIDATION_FAILED', false);
export const PartitionNotFoundError = errorClass('PARTITION_NOT_FOUND', false);
export const InvalidRecordError = errorClass('INVALID_RECORD', false);
export const ForbiddenError = errorClass('FORBIDDEN', false);
export const TopicNotAllowedError = errorClass('TOPIC_NOT_ALLOWED', false);
export const NotFoundError = errorClass('NOT_FOUND', false);
export const TopicNotFoundError = errorClass('TOPIC_NOT_FOUND', false);
export const MethodNotAllowedError = errorClass('METHOD_NOT_ALLOWED', false);
export const PayloadTooLargeError = errorClass('PAYLOAD_TOO_LARGE', false);
export const RecordTooLargeError = errorClass('RECORD_TOO_LARGE', false);
export const UnsupportedMediaTypeError = errorClass('UNSUPPORTED_MEDIA_TYPE', false);
export const ThrottledError = errorClass('THROTTLED', true, 1);

// Administration (src/shared/admin): caller mistakes and conflicts with the cluster's state.
export const InvalidPartitionCountError = errorClass('INVALID_PARTITION_COUNT', false);
export const InvalidReplicationFactorError = errorClass('INVALID_REPLICATION_FACTOR', false);
export const InvalidTopicConfigError = errorClass('INVALID_CONFIG', false);
export const InvalidTopicError = errorClass('INVALID_TOPIC', false);
export const InvalidOffsetError = errorClass('INVALID_OFFSET', false);
export const InternalTopicError = errorClass('INTERNAL_TOPIC', false);
export const TopicDeletionDisabledError = errorClass('TOPIC_DELETION_DISABLED', false);
export const GroupNotFoundError = errorClass('GROUP_NOT_FOUND', false);
export const TopicExistsError = errorClass('TOPIC_EXISTS', false);
export const GroupNotEmptyError = errorClass('GROUP_NOT_EMPTY', false);
export const ConfigNotReadableError = errorClass('CONFIG_NOT_READABLE', false);

// The broker's or the service's side.
export const InternalError = errorClass('INTERNAL_ERROR', false);
export const BrokerAuthenticationError = errorClass('BROKER_AUTHENTICATION_FAILED', false);
export const BrokerUnavailableError = errorClass('BROKER_UNAVAILABLE', true, 1);
export const BrokerTimeoutError = errorClass('BROKER_TIMEOUT', true, 1);

// Kafka-triggered consumers (src/shared/consumer). A poison record (never retriable) goes to the dead-letter
// topic; a retriable failure is reported to Lambda so the record is delivered again.
export const InvalidEventError = errorClass('INVALID_EVENT', false);
export const RecordUndecodableError = errorClass('RECORD_UNDECODABLE', false);
export const RecordSchemaError = errorClass('RECORD_SCHEMA_INVALID', false);
export const RecordRejectedError = errorClass('RECORD_REJECTED', false);
export const DownstreamUnavailableError = errorClass('DOWNSTREAM_UNAVAILABLE', true, 1);
export const BatchFailedError = errorClass('BATCH_FAILED', true);
