/**
 * Errors of the offline Kafka emulator. Each has a stable `code`; none is retriable by a caller: they stop
 * `serverless offline start` with a message that says what to fix.
 */
export type OfflineKafkaErrorCode =
  | 'INVALID_EVENT_CONFIG'
  | 'INVALID_PLUGIN_CONFIG'
  | 'BROKER_UNREACHABLE'
  | 'TOPIC_MISSING'
  | 'INVALID_FILTER_PATTERN';

/** A start-up failure of the emulator: a stable `code` and a message that says what to fix. */
export class OfflineKafkaError extends Error {
  readonly code: OfflineKafkaErrorCode;
  readonly retriable = false;

  constructor(code: OfflineKafkaErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'OfflineKafkaError';
    this.code = code;
  }
}
