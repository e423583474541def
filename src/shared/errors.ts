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

/**
 * Builds a concrete error class for one code, so every code is declared in one line. `name` becomes the
 * class's name and so every instance's `name`: what Lambda reports as `errorType` and logs show. (A class
 * expression returned from a function has an empty name otherwise.)
 */
function errorClass(name: string, code: string, retriable: boolean, retryAfterSeconds?: number) {
  const ErrorClass = class extends ServiceError {
    readonly code = code;
    readonly retriable = retriable;
    constructor(message: string, options: ServiceErrorOptions = {}) {
      super(message, { retryAfterSeconds, ...options });
    }
  };
  Object.defineProperty(ErrorClass, 'name', { value: name });
  return ErrorClass;
}

// Caller mistakes.
export const BadRequestError = errorClass('BadRequestError', 'BAD_REQUEST', false);
export const InvalidJsonError = errorClass('InvalidJsonError', 'INVALID_JSON', false);
export const ValidationError = errorClass('ValidationError', 'VALIDATION_FAILED', false);
export const PartitionNotFoundError = errorClass('PartitionNotFoundError', 'PARTITION_NOT_FOUND', false);
export const InvalidRecordError = errorClass('InvalidRecordError', 'INVALID_RECORD', false);
export const ForbiddenError = errorClass('ForbiddenError', 'FORBIDDEN', false);
export const TopicNotAllowedError = errorClass('TopicNotAllowedError', 'TOPIC_NOT_ALLOWED', false);
export const NotFoundError = errorClass('NotFoundError', 'NOT_FOUND', false);
export const TopicNotFoundError = errorClass('TopicNotFoundError', 'TOPIC_NOT_FOUND', false);
export const MethodNotAllowedError = errorClass('MethodNotAllowedError', 'METHOD_NOT_ALLOWED', false);
export const PayloadTooLargeError = errorClass('PayloadTooLargeError', 'PAYLOAD_TOO_LARGE', false);
export const RecordTooLargeError = errorClass('RecordTooLargeError', 'RECORD_TOO_LARGE', false);
export const UnsupportedMediaTypeError = errorClass(
  'UnsupportedMediaTypeError',
  'UNSUPPORTED_MEDIA_TYPE',
  false,
);
export const RequestHeadersTooLargeError = errorClass(
  'RequestHeadersTooLargeError',
  'REQUEST_HEADERS_TOO_LARGE',
  false,
);
export const ThrottledError = errorClass('ThrottledError', 'THROTTLED', true, 1);

// Administration (src/shared/admin): caller mistakes and conflicts with the cluster's state.
export const InvalidPartitionCountError = errorClass(
  'InvalidPartitionCountError',
  'INVALID_PARTITION_COUNT',
  false,
);
export const InvalidReplicationFactorError = errorClass(
  'InvalidReplicationFactorError',
  'INVALID_REPLICATION_FACTOR',
  false,
);
export const InvalidTopicConfigError = errorClass('InvalidTopicConfigError', 'INVALID_CONFIG', false);
export const InvalidTopicError = errorClass('InvalidTopicError', 'INVALID_TOPIC', false);
export const InvalidOffsetError = errorClass('InvalidOffsetError', 'INVALID_OFFSET', false);
export const InternalTopicError = errorClass('InternalTopicError', 'INTERNAL_TOPIC', false);
export const TopicDeletionDisabledError = errorClass(
  'TopicDeletionDisabledError',
  'TOPIC_DELETION_DISABLED',
  false,
);
export const GroupNotFoundError = errorClass('GroupNotFoundError', 'GROUP_NOT_FOUND', false);
export const TopicExistsError = errorClass('TopicExistsError', 'TOPIC_EXISTS', false);
export const GroupNotEmptyError = errorClass('GroupNotEmptyError', 'GROUP_NOT_EMPTY', false);
export const ConfigNotReadableError = errorClass('ConfigNotReadableError', 'CONFIG_NOT_READABLE', false);

// The broker's or the service's side.
export const InternalError = errorClass('InternalError', 'INTERNAL_ERROR', false);
export const BrokerAuthenticationError = errorClass(
  'BrokerAuthenticationError',
  'BROKER_AUTHENTICATION_FAILED',
  false,
);
export const BrokerUnavailableError = errorClass('BrokerUnavailableError', 'BROKER_UNAVAILABLE', true, 1);
export const BrokerTimeoutError = errorClass('BrokerTimeoutError', 'BROKER_TIMEOUT', true, 1);
/**
 * The broker gave no offset for a record's partition, so the record is not known to be written (e.g. the
 * client's metadata lacked the partition and nothing was sent). Never reported as success.
 */
export const NotAcknowledgedError = errorClass('NotAcknowledgedError', 'NOT_ACKNOWLEDGED', true, 1);

// Kafka-triggered consumers (src/shared/consumer). A poison record (never retriable) goes to the dead-letter
// topic; a retriable failure is reported to Lambda so the record is delivered again.
export const InvalidEventError = errorClass('InvalidEventError', 'INVALID_EVENT', false);
export const RecordUndecodableError = errorClass('RecordUndecodableError', 'RECORD_UNDECODABLE', false);
export const RecordSchemaError = errorClass('RecordSchemaError', 'RECORD_SCHEMA_INVALID', false);
export const RecordRejectedError = errorClass('RecordRejectedError', 'RECORD_REJECTED', false);
export const DownstreamUnavailableError = errorClass(
  'DownstreamUnavailableError',
  'DOWNSTREAM_UNAVAILABLE',
  true,
  1,
);
export const BatchFailedError = errorClass('BatchFailedError', 'BATCH_FAILED', true);
