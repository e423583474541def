/**
 * Turns whatever the Kafka client throws into the service's error vocabulary (../errors.ts), from one table
 * keyed by Kafka's error name (https://kafka.apache.org/protocol#protocol_error_codes) with Kafka's numeric
 * code, and one for the client's own errors. Each entry says which service error it becomes, whether the
 * same request may succeed later (`retriable`, which the error carries) and, for answers after which the
 * broker wrote nothing because the client's own state was out of date, which state (`stale`, read by the
 * one recovery of stale client state, stale.ts).
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
  type ServiceErrorClass,
  ThrottledError,
  TopicDeletionDisabledError,
  TopicExistsError,
  TopicNotFoundError,
  ValidationError,
} from '../errors.js';

/** Which of the client's caches an error shows out of date: the partition map, or the idempotent producer's state. */
export type StaleState = 'metadata' | 'producer';

/**
 * One row of the tables: Kafka's numeric code (none for the client's own errors), the service error, whether
 * it is retriable, its message (`reason: true` appends the broker's own words, which kafkajs carries as the
 * error code's description) and the client state it shows stale, if any.
 */
interface ErrorRow {
  kafkaCode?: number;
  error: ServiceErrorClass;
  retriable: boolean;
  message: string;
  reason?: true;
  stale?: StaleState;
}

/**
 * Kafka's errors the service meets, by Kafka's name. `retriable` is Kafka's own classification (its
 * RetriableException subclasses) except where the service's answer differs, said on the row.
 */
const BROKER_ERRORS: Readonly<Record<string, ErrorRow>> = {
  // Kafka: retriable (a CRC failure); the broker also answers it for a record without a key on a compacted
  // topic, which no retry changes.
  CORRUPT_MESSAGE: {
    kafkaCode: 2,
    error: InvalidRecordError,
    retriable: false,
    message: 'the broker refused the record as invalid (e.g. no key on a compacted topic)',
  },
  // Kafka: retriable (metadata may catch up). The service answers it only after fresh metadata confirmed it.
  UNKNOWN_TOPIC_OR_PARTITION: {
    kafkaCode: 3,
    error: TopicNotFoundError,
    retriable: false,
    message: 'topic not found',
    stale: 'metadata',
  },
  LEADER_NOT_AVAILABLE: {
    kafkaCode: 5,
    error: BrokerUnavailableError,
    retriable: true,
    message: 'the partition has no leader right now',
    stale: 'metadata',
  },
  NOT_LEADER_OR_FOLLOWER: {
    kafkaCode: 6,
    error: BrokerUnavailableError,
    retriable: true,
    message: 'the partition leader moved; try again',
    stale: 'metadata',
  },
  REQUEST_TIMED_OUT: {
    kafkaCode: 7,
    error: BrokerTimeoutError,
    retriable: true,
    message: 'the broker did not answer in time',
  },
  // The writer sends one partition's records in batches under max.message.bytes and a record that alone is
  // over it never leaves (writer.ts), so these two name one record the broker will never take.
  MESSAGE_TOO_LARGE: {
    kafkaCode: 10,
    error: RecordTooLargeError,
    retriable: false,
    message: 'the record is larger than the topic accepts (max.message.bytes)',
  },
  NETWORK_EXCEPTION: {
    kafkaCode: 13,
    error: BrokerUnavailableError,
    retriable: true,
    message: 'the broker connection failed',
  },
  COORDINATOR_LOAD_IN_PROGRESS: {
    kafkaCode: 14,
    error: BrokerUnavailableError,
    retriable: true,
    message: 'the group coordinator is loading',
  },
  COORDINATOR_NOT_AVAILABLE: {
    kafkaCode: 15,
    error: BrokerUnavailableError,
    retriable: true,
    message: 'the group coordinator is not available',
  },
  NOT_COORDINATOR: {
    kafkaCode: 16,
    error: BrokerUnavailableError,
    retriable: true,
    message: 'the group coordinator moved; try again',
  },
  INVALID_TOPIC_EXCEPTION: {
    kafkaCode: 17,
    error: InvalidTopicError,
    retriable: false,
    message: 'Kafka refused the topic',
    reason: true,
  },
  RECORD_LIST_TOO_LARGE: {
    kafkaCode: 18,
    error: RecordTooLargeError,
    retriable: false,
    message: 'the records are larger than the broker accepts in one request',
  },
  NOT_ENOUGH_REPLICAS: {
    kafkaCode: 19,
    error: BrokerUnavailableError,
    retriable: true,
    message: 'not enough in-sync replicas to accept the write',
  },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: {
    kafkaCode: 20,
    error: BrokerUnavailableError,
    retriable: true,
    message: 'written to the leader but not enough in-sync replicas acknowledged it',
  },
  INVALID_GROUP_ID: {
    kafkaCode: 24,
    error: ValidationError,
    retriable: false,
    message: 'Kafka refused the group id',
    reason: true,
  },
  TOPIC_AUTHORIZATION_FAILED: {
    kafkaCode: 29,
    error: ForbiddenError,
    retriable: false,
    message: 'this service is not authorized to write to the topic',
  },
  GROUP_AUTHORIZATION_FAILED: {
    kafkaCode: 30,
    error: ForbiddenError,
    retriable: false,
    message: 'this service is not authorized on the consumer group',
  },
  CLUSTER_AUTHORIZATION_FAILED: {
    kafkaCode: 31,
    error: BrokerAuthenticationError,
    retriable: false,
    message: 'the service is not authorized on the Kafka cluster',
  },
  INVALID_TIMESTAMP: {
    kafkaCode: 32,
    error: InvalidRecordError,
    retriable: false,
    message: 'a timestamp is outside the range the topic accepts (message.timestamp.*.max.ms)',
  },
  TOPIC_ALREADY_EXISTS: {
    kafkaCode: 36,
    error: TopicExistsError,
    retriable: false,
    message: 'Kafka refused',
    reason: true,
  },
  INVALID_PARTITIONS: {
    kafkaCode: 37,
    error: InvalidPartitionCountError,
    retriable: false,
    message: 'Kafka refused the partition count',
    reason: true,
  },
  INVALID_REPLICATION_FACTOR: {
    kafkaCode: 38,
    error: InvalidReplicationFactorError,
    retriable: false,
    message: 'Kafka refused the replication factor',
    reason: true,
  },
  INVALID_REPLICA_ASSIGNMENT: {
    kafkaCode: 39,
    error: InvalidReplicationFactorError,
    retriable: false,
    message: 'Kafka refused the replica assignment',
    reason: true,
  },
  INVALID_CONFIG: {
    kafkaCode: 40,
    error: InvalidTopicConfigError,
    retriable: false,
    message: 'Kafka refused the configuration',
    reason: true,
  },
  INVALID_REQUEST: {
    kafkaCode: 42,
    error: ValidationError,
    retriable: false,
    message: 'Kafka refused the request',
    reason: true,
  },
  POLICY_VIOLATION: {
    kafkaCode: 44,
    error: InvalidRecordError,
    retriable: false,
    message: "the broker's policy refused",
    reason: true,
  },
  // Kafka: not retriable (fatal to the producer); a fresh producer fixes it, which the writer makes.
  OUT_OF_ORDER_SEQUENCE_NUMBER: {
    kafkaCode: 45,
    error: BrokerUnavailableError,
    retriable: true,
    message: 'the producer state is out of step with the broker; try again',
    stale: 'producer',
  },
  INVALID_PRODUCER_EPOCH: {
    kafkaCode: 47,
    error: BrokerUnavailableError,
    retriable: true,
    message: 'the producer state is out of step with the broker; try again',
    stale: 'producer',
  },
  KAFKA_STORAGE_ERROR: {
    kafkaCode: 56,
    error: BrokerUnavailableError,
    retriable: true,
    message: 'the broker could not store the records',
  },
  SASL_AUTHENTICATION_FAILED: {
    kafkaCode: 58,
    error: BrokerAuthenticationError,
    retriable: false,
    message: 'the service could not authenticate to Kafka',
  },
  UNKNOWN_PRODUCER_ID: {
    kafkaCode: 59,
    error: BrokerUnavailableError,
    retriable: true,
    message: 'the producer state is out of step with the broker; try again',
    stale: 'producer',
  },
  NON_EMPTY_GROUP: {
    kafkaCode: 68,
    error: GroupNotEmptyError,
    retriable: false,
    message: 'the consumer group has active members',
  },
  GROUP_ID_NOT_FOUND: {
    kafkaCode: 69,
    error: GroupNotFoundError,
    retriable: false,
    message: 'consumer group not found',
  },
  TOPIC_DELETION_DISABLED: {
    kafkaCode: 73,
    error: TopicDeletionDisabledError,
    retriable: false,
    message: 'topic deletion is disabled on the brokers (delete.topic.enable)',
  },
  INVALID_RECORD: {
    kafkaCode: 87,
    error: InvalidRecordError,
    retriable: false,
    message: 'the broker rejected a record',
    reason: true,
  },
  THROTTLING_QUOTA_EXCEEDED: {
    kafkaCode: 89,
    error: ThrottledError,
    retriable: true,
    message: 'the broker is throttling this client',
  },
};

/** The client's own errors (kafkajs' names): nothing the broker said, so no Kafka code. */
const CLIENT_ERRORS: Readonly<Record<string, ErrorRow>> = {
  KafkaJSConnectionError: {
    error: BrokerUnavailableError,
    retriable: true,
    message: 'the Kafka broker is unreachable',
  },
  KafkaJSConnectionClosedError: {
    error: BrokerUnavailableError,
    retriable: true,
    message: 'the Kafka broker closed the connection',
  },
  KafkaJSBrokerNotFound: {
    error: BrokerUnavailableError,
    retriable: true,
    message: 'no Kafka broker is available',
  },
  KafkaJSNoBrokerAvailableError: {
    error: BrokerUnavailableError,
    retriable: true,
    message: 'no Kafka broker is available',
  },
  // Its partition map lacks the topic or partition: nothing was sent.
  KafkaJSMetadataNotLoaded: {
    error: BrokerUnavailableError,
    retriable: true,
    message: 'cluster metadata is not available',
    stale: 'metadata',
  },
  KafkaJSTopicMetadataNotLoaded: {
    error: BrokerUnavailableError,
    retriable: true,
    message: 'cluster metadata is not available',
    stale: 'metadata',
  },
  KafkaJSRequestTimeoutError: {
    error: BrokerTimeoutError,
    retriable: true,
    message: 'the Kafka broker did not answer in time',
  },
  KafkaJSTimeout: {
    error: BrokerTimeoutError,
    retriable: true,
    message: 'the Kafka broker did not answer in time',
  },
  KafkaJSLockTimeout: {
    error: BrokerTimeoutError,
    retriable: true,
    message: 'the Kafka broker did not answer in time',
  },
  KafkaJSSASLAuthenticationError: {
    error: BrokerAuthenticationError,
    retriable: false,
    message: 'the service could not authenticate to Kafka',
  },
};

const BY_KAFKA_CODE = new Map(
  Object.values(BROKER_ERRORS).flatMap((row) => (row.kafkaCode === undefined ? [] : [[row.kafkaCode, row]])),
);

interface ClientErrorShape {
  name?: string;
  /** kafkajs' protocol errors: Kafka's error name (kafkajs spells some the old way) and numeric code. */
  type?: string;
  code?: unknown;
  message?: string;
  cause?: unknown;
  originalError?: unknown;
  /** KafkaJSAggregateError (CreateTopics). */
  errors?: unknown[];
  /** KafkaJSDeleteGroupsError. */
  groups?: { error?: unknown }[];
}

/**
 * The row of one error object (not of what it wraps): by Kafka's error name, else by Kafka's numeric code
 * (kafkajs spells some names the old way, e.g. NOT_LEADER_FOR_PARTITION, and reports codes it does not know,
 * such as 89, as KAFKAJS_UNKNOWN_ERROR_CODE with the code in the message), else by the client error's name.
 */
function rowOf(shape: ClientErrorShape): ErrorRow | undefined {
  const byName = shape.type === undefined ? undefined : BROKER_ERRORS[shape.type];
  if (byName) return byName;
  if (typeof shape.code === 'number' && BY_KAFKA_CODE.has(shape.code)) return BY_KAFKA_CODE.get(shape.code);
  if (shape.type === 'KAFKAJS_UNKNOWN_ERROR_CODE') {
    const code = /\b(\d+)\b/.exec(shape.message ?? '')?.[1];
    if (code !== undefined) return BY_KAFKA_CODE.get(Number(code));
  }
  return shape.name === undefined ? undefined : CLIENT_ERRORS[shape.name];
}

/** Walks from an error to what it wraps, at most five levels down, until `found` returns something. */
function unwrap<T>(
  error: unknown,
  next: (shape: ClientErrorShape) => unknown,
  found: (shape: ClientErrorShape) => T | undefined,
): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const shape = current as ClientErrorShape;
    const result = found(shape);
    if (result !== undefined) return result;
    current = next(shape);
  }
  return undefined;
}

/**
 * Maps a Kafka client error (or anything else) to a {@link ServiceError}; a ServiceError is returned as it
 * is. Wrapped errors (retries exceeded, aggregates) are unwrapped to the cause that decided the outcome.
 * Unknown errors become an InternalError (500) whose message hides internals. Never throws.
 *
 * @example
 * try { await producer.send(...) } catch (error) { throw fromKafkaError(error) }
 */
export function fromKafkaError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  const mapped = unwrap(
    error,
    (shape) => shape.originalError ?? shape.cause ?? shape.errors?.[0] ?? shape.groups?.[0]?.error,
    (shape) => {
      const row = rowOf(shape);
      if (!row) return undefined;
      const message = row.reason ? `${row.message}: ${shape.message ?? ''}` : row.message;
      return new row.error(message, { cause: error, retriable: row.retriable });
    },
  );
  return mapped ?? new InternalError('unexpected error', { cause: error });
}

/**
 * The broker will never take this record as it stands (too large, invalid, refused by policy): retrying
 * cannot help. A consumer's output failing so is dead-lettered, not retried.
 */
export function isRecordRefusal(error: ServiceError): boolean {
  return error instanceof InvalidRecordError || error instanceof RecordTooLargeError;
}

/**
 * Which of the client's own caches a failed produce call shows to be out of date, when that is why it failed
 * and the records were therefore not written: `metadata` (the partition map) or `producer` (the idempotent
 * producer's sequence state). Undefined for any other failure, including those after which the records may
 * have been written (timeouts, closed connections).
 */
export function staleClientState(error: unknown): StaleState | undefined {
  return unwrap(
    error,
    (shape) => shape.originalError ?? shape.cause,
    (shape) => rowOf(shape)?.stale,
  );
}
