/**
 * Turns whatever the Kafka client throws into the service's error vocabulary (../errors.ts).
 * Protocol error names follow Kafka's error table:
 * https://kafka.apache.org/protocol#protocol_error_codes
 */
import {
  BrokerAuthenticationError,
  BrokerTimeoutError,
  BrokerUnavailableError,
  ForbiddenError,
  GroupNotEmptyError,
  GroupNotFoundError,
  InternalError,
  InvalidPartitionCountError,
  InvalidRecordError,
  InvalidReplicationFactorError,
  InvalidTopicConfigError,
  InvalidTopicError,
  RecordTooLargeError,
  ServiceError,
  ThrottledError,
  TopicDeletionDisabledError,
  TopicExistsError,
  TopicNotFoundError,
  ValidationError,
} from '../errors.js';

type ErrorFactory = (message: string, cause: unknown) => ServiceError;

const producerOutOfStep: ErrorFactory = (_, cause) =>
  new BrokerUnavailableError('the producer state is out of step with the broker; try again', { cause });

const protocolErrors: Record<string, ErrorFactory> = {
  UNKNOWN_TOPIC_OR_PARTITION: (_, cause) => new TopicNotFoundError('topic not found', { cause }),
  // The writer sends one partition's records in batches under max.message.bytes and a record that alone is
  // over it never leaves (writer.ts), so these name one record the broker will never take.
  MESSAGE_TOO_LARGE: (_, cause) =>
    new RecordTooLargeError('the record is larger than the topic accepts (max.message.bytes)', { cause }),
  RECORD_LIST_TOO_LARGE: (_, cause) =>
    new RecordTooLargeError('the records are larger than the broker accepts in one request', { cause }),
  CORRUPT_MESSAGE: (_, cause) =>
    new InvalidRecordError('the broker refused the record as invalid (e.g. no key on a compacted topic)', {
      cause,
    }),
  INVALID_TIMESTAMP: (_, cause) =>
    new InvalidRecordError(
      'a timestamp is outside the range the topic accepts (message.timestamp.*.max.ms)',
      {
        cause,
      },
    ),
  INVALID_RECORD: (message, cause) =>
    new InvalidRecordError(`the broker rejected a record: ${message}`, { cause }),
  POLICY_VIOLATION: (message, cause) =>
    new InvalidRecordError(`the broker's policy refused: ${message}`, { cause }),
  TOPIC_AUTHORIZATION_FAILED: (_, cause) =>
    new ForbiddenError('this service is not authorized to write to the topic', { cause }),
  THROTTLING_QUOTA_EXCEEDED: (_, cause) =>
    new ThrottledError('the broker is throttling this client', { cause }),
  REQUEST_TIMED_OUT: (_, cause) => new BrokerTimeoutError('the broker did not answer in time', { cause }),
  NOT_ENOUGH_REPLICAS: (_, cause) =>
    new BrokerUnavailableError('not enough in-sync replicas to accept the write', { cause }),
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: (_, cause) =>
    new BrokerUnavailableError('written to the leader but not enough in-sync replicas acknowledged it', {
      cause,
    }),
  LEADER_NOT_AVAILABLE: (_, cause) =>
    new BrokerUnavailableError('the partition has no leader right now', { cause }),
  NOT_LEADER_FOR_PARTITION: (_, cause) =>
    new BrokerUnavailableError('the partition leader moved; try again', { cause }),
  NETWORK_EXCEPTION: (_, cause) => new BrokerUnavailableError('the broker connection failed', { cause }),
  KAFKA_STORAGE_ERROR: (_, cause) =>
    new BrokerUnavailableError('the broker could not store the records', { cause }),
  // The idempotent producer's state is not the broker's (e.g. the topic was recreated): a fresh producer fixes it.
  OUT_OF_ORDER_SEQUENCE_NUMBER: producerOutOfStep,
  UNKNOWN_PRODUCER_ID: producerOutOfStep,
  INVALID_PRODUCER_EPOCH: producerOutOfStep,
  SASL_AUTHENTICATION_FAILED: (_, cause) =>
    new BrokerAuthenticationError('the service could not authenticate to Kafka', { cause }),
  CLUSTER_AUTHORIZATION_FAILED: (_, cause) =>
    new BrokerAuthenticationError('the service is not authorized on the Kafka cluster', { cause }),
  // Administration. kafkajs drops the broker's free-text error_message, so Kafka's reason is the error
  // code's own description, which kafkajs carries as the message.
  TOPIC_ALREADY_EXISTS: (message, cause) => new TopicExistsError(`Kafka refused: ${message}`, { cause }),
  INVALID_PARTITIONS: (message, cause) =>
    new InvalidPartitionCountError(`Kafka refused the partition count: ${message}`, { cause }),
  INVALID_REPLICATION_FACTOR: (message, cause) =>
    new InvalidReplicationFactorError(`Kafka refused the replication factor: ${message}`, { cause }),
  INVALID_REPLICA_ASSIGNMENT: (message, cause) =>
    new InvalidReplicationFactorError(`Kafka refused the replica assignment: ${message}`, { cause }),
  INVALID_CONFIG: (message, cause) =>
    new InvalidTopicConfigError(`Kafka refused the configuration: ${message}`, { cause }),
  INVALID_TOPIC_EXCEPTION: (message, cause) =>
    new InvalidTopicError(`Kafka refused the topic: ${message}`, { cause }),
  INVALID_REQUEST: (message, cause) =>
    new ValidationError(`Kafka refused the request: ${message}`, { cause }),
  INVALID_GROUP_ID: (message, cause) =>
    new ValidationError(`Kafka refused the group id: ${message}`, { cause }),
  TOPIC_DELETION_DISABLED: (_, cause) =>
    new TopicDeletionDisabledError('topic deletion is disabled on the brokers (delete.topic.enable)', {
      cause,
    }),
  NON_EMPTY_GROUP: (_, cause) => new GroupNotEmptyError('the consumer group has active members', { cause }),
  GROUP_ID_NOT_FOUND: (_, cause) => new GroupNotFoundError('consumer group not found', { cause }),
  GROUP_AUTHORIZATION_FAILED: (_, cause) =>
    new ForbiddenError('this service is not authorized on the consumer group', { cause }),
  GROUP_LOAD_IN_PROGRESS: (_, cause) =>
    new BrokerUnavailableError('the group coordinator is loading', { cause }),
  NOT_COORDINATOR_FOR_GROUP: (_, cause) =>
    new BrokerUnavailableError('the group coordinator moved; try again', { cause }),
  GROUP_COORDINATOR_NOT_AVAILABLE: (_, cause) =>
    new BrokerUnavailableError('the group coordinator is not available', { cause }),
};

const clientErrors: Record<string, ErrorFactory> = {
  KafkaJSConnectionError: (_, cause) =>
    new BrokerUnavailableError('the Kafka broker is unreachable', { cause }),
  KafkaJSConnectionClosedError: (_, cause) =>
    new BrokerUnavailableError('the Kafka broker closed the connection', { cause }),
  KafkaJSBrokerNotFound: (_, cause) => new BrokerUnavailableError('no Kafka broker is available', { cause }),
  KafkaJSNoBrokerAvailableError: (_, cause) =>
    new BrokerUnavailableError('no Kafka broker is available', { cause }),
  KafkaJSMetadataNotLoaded: (_, cause) =>
    new BrokerUnavailableError('cluster metadata is not available', { cause }),
  KafkaJSRequestTimeoutError: (_, cause) =>
    new BrokerTimeoutError('the Kafka broker did not answer in time', { cause }),
  KafkaJSTimeout: (_, cause) => new BrokerTimeoutError('the Kafka broker did not answer in time', { cause }),
  KafkaJSLockTimeout: (_, cause) =>
    new BrokerTimeoutError('the Kafka broker did not answer in time', { cause }),
  KafkaJSSASLAuthenticationError: (_, cause) =>
    new BrokerAuthenticationError('the service could not authenticate to Kafka', { cause }),
};

interface ClientErrorShape {
  name?: string;
  type?: string;
  message?: string;
  cause?: unknown;
  originalError?: unknown;
  /** KafkaJSAggregateError (CreateTopics). */
  errors?: unknown[];
  /** KafkaJSDeleteGroupsError. */
  groups?: { error?: unknown }[];
}

/** kafkajs' error table predates THROTTLING_QUOTA_EXCEEDED (code 89) and reports it by number only. */
function protocolType(error: ClientErrorShape): string | undefined {
  if (error.type === 'KAFKAJS_UNKNOWN_ERROR_CODE' && /\b89\b/.test(error.message ?? '')) {
    return 'THROTTLING_QUOTA_EXCEEDED';
  }
  return error.type;
}

/**
 * Maps a Kafka client error (or anything else) to a {@link ServiceError}. Wrapped errors (retries exceeded)
 * are unwrapped to the cause that decided the outcome. Unknown errors become a 500 whose message hides internals.
 */
export function fromKafkaError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const shape = current as ClientErrorShape;
    const type = protocolType(shape);
    const message = shape.message ?? '';
    const byType = type ? protocolErrors[type] : undefined;
    if (byType) return byType(message, error);
    const byName = shape.name ? clientErrors[shape.name] : undefined;
    if (byName) return byName(message, error);
    current = shape.originalError ?? shape.cause ?? shape.errors?.[0] ?? shape.groups?.[0]?.error;
  }
  return new InternalError('unexpected error', { cause: error });
}

/**
 * The broker will never take this record as it stands (too large, invalid, refused by policy): retrying
 * cannot help. A consumer's output failing so is dead-lettered, not retried.
 */
export function isRecordRefusal(error: ServiceError): boolean {
  return error instanceof InvalidRecordError || error instanceof RecordTooLargeError;
}

/** Answers meaning the client's partition map is out of date; the broker wrote nothing. */
const staleMetadataTypes = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'NOT_LEADER_FOR_PARTITION',
  'LEADER_NOT_AVAILABLE',
]);
/** kafkajs' own "this partition or topic is not in my metadata": nothing was sent. */
const staleMetadataNames = new Set(['KafkaJSMetadataNotLoaded', 'KafkaJSTopicMetadataNotLoaded']);
/** Answers meaning the idempotent producer's sequence state is not the broker's; the broker wrote nothing. */
const producerStateTypes = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

/**
 * Which of the client's own caches a failed produce call shows to be out of date, when that is why it failed
 * and the records were therefore not written: `metadata` (the partition map) or `producer` (the idempotent
 * producer's sequence state). Undefined for any other failure, including those after which the records may
 * have been written (timeouts, closed connections).
 */
export function staleClientState(error: unknown): 'metadata' | 'producer' | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const shape = current as ClientErrorShape;
    if (shape.type && staleMetadataTypes.has(shape.type)) return 'metadata';
    if (shape.name && staleMetadataNames.has(shape.name)) return 'metadata';
    if (shape.type && producerStateTypes.has(shape.type)) return 'producer';
    current = shape.originalError ?? shape.cause;
  }
  return undefined;
}
