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
  /** How long to wait before retrying, in seconds; the class's default when absent. */
  retryAfterSeconds?: number;
  /**
   * Whether the same request may succeed later; the class's default when absent. Errors mapped from the
   * broker take it from Kafka's error table (src/shared/kafka/errors.ts).
   */
  retriable?: boolean;
  cause?: unknown;
}

/**
 * A failure a caller can see: a stable `code` (one per class), `retriable`, a message without internals for
 * the broker's and the service's side, and field-level `details` for the caller's mistakes.
 */
export abstract class ServiceError extends Error {
  abstract readonly code: string;
  readonly retriable: boolean;
  readonly details: ErrorDetail[];
  /** How long to wait before retrying, in seconds (HTTP sends it as `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: ServiceErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
    this.details = options.details ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A concrete error class of the vocabulary, `new XError(message, options?)`, whose errors carry `Code`. */
export type ServiceErrorClass<Code extends string = string> = new (
  message: string,
  options?: ServiceErrorOptions,
) => ServiceError & { readonly code: Code };

/** One error class: its stable code, whether it is retriable by default, and its default Retry-After (s). */
type ErrorSpec = readonly [code: string, retriable: boolean, retryAfterSeconds?: number];

/**
 * Builds one class per entry, named after its key: what Lambda reports as `errorType` and logs show. (A
 * class expression returned from a function has an empty name otherwise.)
 */
function errorClasses<const Table extends Record<string, ErrorSpec>>(
  table: Table,
): { readonly [Name in keyof Table]: ServiceErrorClass<Table[Name][0]> } {
  const classes: Record<string, ServiceErrorClass> = {};
  for (const [name, [code, retriable, retryAfterSeconds]] of Object.entries(table)) {
    const ErrorClass = class extends ServiceError {
      readonly code = code;
      constructor(message: string, options: ServiceErrorOptions = {}) {
        super(message, { retriable, retryAfterSeconds, ...options });
      }
    };
    Object.defineProperty(ErrorClass, 'name', { value: name });
    classes[name] = ErrorClass;
  }
  return classes as { readonly [Name in keyof Table]: ServiceErrorClass<Table[Name][0]> };
}

/**
 * Every error class, by name: `[code, retriable, Retry-After seconds]`. The HTTP status of each code is
 * src/shared/http/status.ts's business.
 */
export const {
  // Caller mistakes.
  BadRequestError,
  InvalidJsonError,
  ValidationError,
  PartitionNotFoundError,
  InvalidRecordError,
  ForbiddenError,
  TopicNotAllowedError,
  NotFoundError,
  TopicNotFoundError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  RecordTooLargeError,
  UnsupportedMediaTypeError,
  RequestHeadersTooLargeError,
  ThrottledError,
  // Administration (src/shared/admin): caller mistakes and conflicts with the cluster's state.
  InvalidPartitionCountError,
  InvalidReplicationFactorError,
  InvalidTopicConfigError,
  InvalidTopicError,
  InvalidOffsetError,
  InternalTopicError,
  TopicDeletionDisabledError,
  GroupNotFoundError,
  TopicExistsError,
  GroupNotEmptyError,
  ConfigNotReadableError,
  // Schema registry formats (src/shared/schema): the caller's references and values, and the registry's side.
  /** A key or value does not fit its schema; `details` name each record and field. */
  SchemaValidationError,
  SchemaSubjectNotFoundError,
  SchemaVersionNotFoundError,
  SchemaNotFoundError,
  /** The schema exists but cannot serialize the request: another type than the format, no such message, ... */
  SchemaUnusableError,
  SchemaRegistryUnavailableError,
  SchemaRegistryAuthenticationError,
  /**
   * Bytes are not in the schema registry wire format, or their payload does not decode with the schema their
   * header names (deserializer.ts); a record that will never decode (what Lambda calls DESERIALIZATION_ERROR).
   */
  SchemaDeserializationError,
  // The broker's or the service's side.
  InternalError,
  BrokerAuthenticationError,
  BrokerUnavailableError,
  BrokerTimeoutError,
  /**
   * The broker gave no offset for a record's partition, so the record is not known to be written (e.g. the
   * client's metadata lacked the partition and nothing was sent). Never reported as success.
   */
  NotAcknowledgedError,
  // Kafka-triggered consumers (src/shared/consumer). A poison record (never retriable) goes to the
  // dead-letter topic; a retriable failure is reported to Lambda so the record is delivered again.
  InvalidEventError,
  RecordUndecodableError,
  RecordSchemaError,
  RecordRejectedError,
  DownstreamUnavailableError,
  BatchFailedError,
} = errorClasses({
  BadRequestError: ['BAD_REQUEST', false],
  InvalidJsonError: ['INVALID_JSON', false],
  ValidationError: ['VALIDATION_FAILED', false],
  PartitionNotFoundError: ['PARTITION_NOT_FOUND', false],
  InvalidRecordError: ['INVALID_RECORD', false],
  ForbiddenError: ['FORBIDDEN', false],
  TopicNotAllowedError: ['TOPIC_NOT_ALLOWED', false],
  NotFoundError: ['NOT_FOUND', false],
  TopicNotFoundError: ['TOPIC_NOT_FOUND', false],
  MethodNotAllowedError: ['METHOD_NOT_ALLOWED', false],
  PayloadTooLargeError: ['PAYLOAD_TOO_LARGE', false],
  RecordTooLargeError: ['RECORD_TOO_LARGE', false],
  UnsupportedMediaTypeError: ['UNSUPPORTED_MEDIA_TYPE', false],
  RequestHeadersTooLargeError: ['REQUEST_HEADERS_TOO_LARGE', false],
  InvalidPartitionCountError: ['INVALID_PARTITION_COUNT', false],
  InvalidReplicationFactorError: ['INVALID_REPLICATION_FACTOR', false],
  InvalidTopicConfigError: ['INVALID_CONFIG', false],
  InvalidTopicError: ['INVALID_TOPIC', false],
  InvalidOffsetError: ['INVALID_OFFSET', false],
  InternalTopicError: ['INTERNAL_TOPIC', false],
  TopicDeletionDisabledError: ['TOPIC_DELETION_DISABLED', false],
  GroupNotFoundError: ['GROUP_NOT_FOUND', false],
  TopicExistsError: ['TOPIC_EXISTS', false],
  GroupNotEmptyError: ['GROUP_NOT_EMPTY', false],
  ConfigNotReadableError: ['CONFIG_NOT_READABLE', false],
  SchemaValidationError: ['SCHEMA_VALIDATION_FAILED', false],
  SchemaSubjectNotFoundError: ['SCHEMA_SUBJECT_NOT_FOUND', false],
  SchemaVersionNotFoundError: ['SCHEMA_VERSION_NOT_FOUND', false],
  SchemaNotFoundError: ['SCHEMA_NOT_FOUND', false],
  SchemaUnusableError: ['SCHEMA_UNUSABLE', false],
  SchemaRegistryAuthenticationError: ['SCHEMA_REGISTRY_AUTHENTICATION_FAILED', false],
  SchemaDeserializationError: ['SCHEMA_DESERIALIZATION_FAILED', false],
  InternalError: ['INTERNAL_ERROR', false],
  BrokerAuthenticationError: ['BROKER_AUTHENTICATION_FAILED', false],
  InvalidEventError: ['INVALID_EVENT', false],
  RecordUndecodableError: ['RECORD_UNDECODABLE', false],
  RecordSchemaError: ['RECORD_SCHEMA_INVALID', false],
  RecordRejectedError: ['RECORD_REJECTED', false],
  // Retriable: the same request may succeed later.
  ThrottledError: ['THROTTLED', true, 1],
  BrokerUnavailableError: ['BROKER_UNAVAILABLE', true, 1],
  BrokerTimeoutError: ['BROKER_TIMEOUT', true, 1],
  NotAcknowledgedError: ['NOT_ACKNOWLEDGED', true, 1],
  SchemaRegistryUnavailableError: ['SCHEMA_REGISTRY_UNAVAILABLE', true, 1],
  DownstreamUnavailableError: ['DOWNSTREAM_UNAVAILABLE', true, 1],
  BatchFailedError: ['BATCH_FAILED', true],
});
