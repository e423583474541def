import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSMetadataNotLoaded,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  BrokerTimeoutError,
  InvalidRecordError,
  RecordTooLargeError,
  TopicNotFoundError,
} from '../../../src/shared/errors.js';
import { httpStatus } from '../../../src/shared/http/status.js';
import { fromKafkaError, isRecordRefusal, staleClientState } from '../../../src/shared/kafka/errors.js';

/** kafkajs' typings lag its constructors (cause, message-only forms); build errors as its code does. */
const make = (ErrorClass: unknown, ...args: unknown[]) =>
  new (ErrorClass as new (...a: unknown[]) => Error)(...args);

/** A protocol error as kafkajs builds it from a broker's error code. */
function protocol(type: string, code: number, retriable = false, message = `${type} happened`) {
  return new KafkaJSProtocolError({ type, code, retriable, message } as unknown as string);
}

describe('fromKafkaError', () => {
  it.each([
    [
      'UNKNOWN_TOPIC_OR_PARTITION',
      protocol('UNKNOWN_TOPIC_OR_PARTITION', 3, true),
      404,
      'TOPIC_NOT_FOUND',
      false,
    ],
    ['MESSAGE_TOO_LARGE', protocol('MESSAGE_TOO_LARGE', 10), 413, 'RECORD_TOO_LARGE', false],
    ['RECORD_LIST_TOO_LARGE', protocol('RECORD_LIST_TOO_LARGE', 18), 413, 'RECORD_TOO_LARGE', false],
    [
      'CORRUPT_MESSAGE (no key on a compacted topic)',
      protocol('CORRUPT_MESSAGE', 2),
      400,
      'INVALID_RECORD',
      false,
    ],
    [
      'OUT_OF_ORDER_SEQUENCE_NUMBER',
      protocol('OUT_OF_ORDER_SEQUENCE_NUMBER', 45),
      503,
      'BROKER_UNAVAILABLE',
      true,
    ],
    ['UNKNOWN_PRODUCER_ID', protocol('UNKNOWN_PRODUCER_ID', 59), 503, 'BROKER_UNAVAILABLE', true],
    ['INVALID_TIMESTAMP', protocol('INVALID_TIMESTAMP', 32), 400, 'INVALID_RECORD', false],
    ['INVALID_RECORD', protocol('INVALID_RECORD', 87), 400, 'INVALID_RECORD', false],
    ['POLICY_VIOLATION', protocol('POLICY_VIOLATION', 44), 400, 'INVALID_RECORD', false],
    ['TOPIC_AUTHORIZATION_FAILED', protocol('TOPIC_AUTHORIZATION_FAILED', 29), 403, 'FORBIDDEN', false],
    [
      'THROTTLING_QUOTA_EXCEEDED (code 89, unknown to kafkajs)',
      protocol('KAFKAJS_UNKNOWN_ERROR_CODE', -99, false, 'Unknown error code 89'),
      429,
      'THROTTLED',
      true,
    ],
    ['REQUEST_TIMED_OUT', protocol('REQUEST_TIMED_OUT', 7, true), 504, 'BROKER_TIMEOUT', true],
    ['NOT_ENOUGH_REPLICAS', protocol('NOT_ENOUGH_REPLICAS', 19, true), 503, 'BROKER_UNAVAILABLE', true],
    [
      'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
      protocol('NOT_ENOUGH_REPLICAS_AFTER_APPEND', 20, true),
      503,
      'BROKER_UNAVAILABLE',
      true,
    ],
    ['LEADER_NOT_AVAILABLE', protocol('LEADER_NOT_AVAILABLE', 5, true), 503, 'BROKER_UNAVAILABLE', true],
    [
      'NOT_LEADER_FOR_PARTITION',
      protocol('NOT_LEADER_FOR_PARTITION', 6, true),
      503,
      'BROKER_UNAVAILABLE',
      true,
    ],
    ['KAFKA_STORAGE_ERROR', protocol('KAFKA_STORAGE_ERROR', 56, true), 503, 'BROKER_UNAVAILABLE', true],
    [
      'SASL_AUTHENTICATION_FAILED',
      protocol('SASL_AUTHENTICATION_FAILED', 58),
      500,
      'BROKER_AUTHENTICATION_FAILED',
      false,
    ],
    ['an unknown protocol error', protocol('UNSUPPORTED_VERSION', 35), 500, 'INTERNAL_ERROR', false],
    [
      'KafkaJSConnectionError',
      new KafkaJSConnectionError('connect ECONNREFUSED'),
      503,
      'BROKER_UNAVAILABLE',
      true,
    ],
    [
      'KafkaJSRequestTimeoutError',
      new KafkaJSRequestTimeoutError('Request Produce timed out'),
      504,
      'BROKER_TIMEOUT',
      true,
    ],
    [
      'KafkaJSSASLAuthenticationError',
      make(KafkaJSSASLAuthenticationError, 'bad password'),
      500,
      'BROKER_AUTHENTICATION_FAILED',
      false,
    ],
    [
      'retries exceeded around a connection error',
      new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('connect ECONNREFUSED'), {
        retryCount: 3,
        retryTime: 900,
      }),
      503,
      'BROKER_UNAVAILABLE',
      true,
    ],
    [
      'a non-retriable wrapper around a protocol error',
      make(KafkaJSNonRetriableError, protocol('MESSAGE_TOO_LARGE', 10), {
        cause: protocol('MESSAGE_TOO_LARGE', 10),
      }),
      413,
      'RECORD_TOO_LARGE',
      false,
    ],
    ['a bare KafkaJSError', new KafkaJSError('something odd'), 500, 'INTERNAL_ERROR', false],
    ['a TypeError', new TypeError('x is undefined'), 500, 'INTERNAL_ERROR', false],
    ['a string', 'boom', 500, 'INTERNAL_ERROR', false],
  ])('maps %s', (_, error, status, code, retriable) => {
    // Act
    const mapped = fromKafkaError(error);

    // Assess
    expect({ status: httpStatus(mapped), code: mapped.code, retriable: mapped.retriable }).toEqual({
      status,
      code,
      retriable,
    });
    if (status >= 500) expect(mapped.message).not.toMatch(/ECONNREFUSED|bad password|undefined|Error/);
  });

  it('gives 429, 503 and 504 a Retry-After', () => {
    expect(fromKafkaError(new KafkaJSConnectionError('down')).retryAfterSeconds).toBe(1);
    expect(fromKafkaError(new KafkaJSRequestTimeoutError('slow')).retryAfterSeconds).toBe(1);
    expect(
      fromKafkaError(protocol('KAFKAJS_UNKNOWN_ERROR_CODE', -99, false, 'Unknown error code 89'))
        .retryAfterSeconds,
    ).toBe(1);
  });

  it('passes service errors through', () => {
    const error = new TopicNotFoundError('topic t does not exist');
    expect(fromKafkaError(error)).toBe(error);
  });
});

describe('staleClientState', () => {
  const retriesExceeded = (cause: Error) =>
    new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 3, retryTime: 900 });

  it.each([
    ['UNKNOWN_TOPIC_OR_PARTITION', protocol('UNKNOWN_TOPIC_OR_PARTITION', 3, true), 'metadata'],
    ['NOT_LEADER_FOR_PARTITION', protocol('NOT_LEADER_FOR_PARTITION', 6, true), 'metadata'],
    ['LEADER_NOT_AVAILABLE', protocol('LEADER_NOT_AVAILABLE', 5, true), 'metadata'],
    [
      "a partition kafkajs' metadata lacks, after its retries",
      retriesExceeded(make(KafkaJSMetadataNotLoaded, 'partition 2 of t is not in the client metadata')),
      'metadata',
    ],
    ['OUT_OF_ORDER_SEQUENCE_NUMBER', protocol('OUT_OF_ORDER_SEQUENCE_NUMBER', 45), 'producer'],
    ['UNKNOWN_PRODUCER_ID', retriesExceeded(protocol('UNKNOWN_PRODUCER_ID', 59)), 'producer'],
    [
      'a request timeout (maybe written)',
      new KafkaJSRequestTimeoutError('Request Produce timed out'),
      undefined,
    ],
    ['a closed connection (maybe written)', new KafkaJSConnectionError('closed'), undefined],
    ['MESSAGE_TOO_LARGE', protocol('MESSAGE_TOO_LARGE', 10), undefined],
  ])('%s', (_, error, expected) => {
    expect(staleClientState(error)).toBe(expected);
  });
});

describe('isRecordRefusal', () => {
  it('is true for what the broker will never take, false for what may pass later', () => {
    expect(isRecordRefusal(new RecordTooLargeError('big'))).toBe(true);
    expect(isRecordRefusal(new InvalidRecordError('no key'))).toBe(true);
    expect(isRecordRefusal(fromKafkaError(protocol('MESSAGE_TOO_LARGE', 10)))).toBe(true);
    expect(isRecordRefusal(new BrokerTimeoutError('slow'))).toBe(false);
    expect(isRecordRefusal(new TopicNotFoundError('gone'))).toBe(false);
  });
});
