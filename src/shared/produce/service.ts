/**
 * Producing over HTTP: checks what can be checked before writing (topic name, allow-list, schema,
 * partitions, record sizes), writes, and classifies the outcome. Never reports success for a record
 * that was not acknowledged: 200 only when every record was written, 207 when some were.
 */
import {
  type ErrorDetail,
  type ServiceError,
  type ServiceErrorOptions,
  TopicNotAllowedError,
} from '../errors.js';
import { fieldName, parseWith } from '../http/request.js';
import { TopicName } from '../http/schema.js';
import { httpStatus } from '../http/status.js';
import { type RecordWriter, recordRefusal, type WriteResult } from '../kafka/writer.js';
import type { ProduceConfig } from './config.js';
import { encodeRecords } from './encode.js';
import {
  type FailedRecord,
  type ProducePartialResponse,
  type ProduceResponse,
  produceRequestSchema,
  type WrittenRecord,
} from './schema.js';

export type ProduceOutcome =
  | { status: 200 | 202; body: ProduceResponse }
  | { status: 207; body: ProducePartialResponse };

function detail(path: (string | number)[], message: string): ErrorDetail {
  return { field: fieldName(path), path, message };
}

/**
 * Epoch milliseconds as ISO-8601, remembering the last one: the records of a response mostly share
 * one timestamp (the request's time, or the broker's LogAppendTime), and toISOString is not cheap.
 */
function isoTimestamps(): (millis: number) => string {
  let lastMillis = Number.NaN;
  let lastText = '';
  return (millis) => {
    if (millis !== lastMillis) {
      lastMillis = millis;
      lastText = new Date(millis).toISOString();
    }
    return lastText;
  };
}

function written(result: Extract<WriteResult, { ok: true }>, iso: (millis: number) => string): WrittenRecord {
  return { partition: result.partition, offset: result.offset, timestamp: iso(result.timestamp) };
}

function failed(result: Extract<WriteResult, { ok: false }>): FailedRecord {
  const { error } = result;
  return {
    partition: result.partition,
    error: {
      code: error.code,
      status: httpStatus(error),
      message: error.message,
      retriable: error.retriable,
    },
  };
}

export class ProduceService {
  private readonly requestSchema;

  constructor(
    private readonly writer: RecordWriter,
    private readonly config: Readonly<ProduceConfig>,
  ) {
    this.requestSchema = produceRequestSchema(config.maxRecords);
  }

  get maxBodyBytes(): number {
    return this.config.maxBodyBytes;
  }

  /** Validates the topic path parameter against Kafka's rules and the allow-list. */
  checkTopic(topic: unknown): string {
    const name = parseWith(TopicName, topic, ['topic']);
    if (!this.config.allowedTopics.test(name)) {
      throw new TopicNotAllowedError(`topic ${name} is not open to producers here`, {
        details: [detail(['topic'], `does not match the allowed pattern`)],
      });
    }
    return name;
  }

  /**
   * `body`: the parsed request; `bodyBytes`: the JSON it was parsed from, when there is one, so json keys
   * and values are written as the client sent them (encode.ts).
   */
  async produce(
    topicParameter: unknown,
    body: unknown,
    now = Date.now(),
    bodyBytes?: Buffer,
  ): Promise<ProduceOutcome> {
    const topic = this.checkTopic(topicParameter);
    const request = parseWith(this.requestSchema, body);
    const records = encodeRecords(request, now, bodyBytes);
    // Metadata that lacks a partition a record names is looked up again before the record is refused.
    const highest = records.reduce<number | undefined>(
      (max, { partition }) =>
        partition !== undefined && (max === undefined || partition > max) ? partition : max,
      undefined,
    );
    const info = await this.writer.topicInfo(topic, highest);
    // A record the topic can never take refuses the whole request, before anything is written.
    const refusals = records.flatMap((record, index) => {
      const refusal = recordRefusal(info, record);
      return refusal ? [{ index, ...refusal }] : [];
    });
    const [first] = refusals;
    if (first) {
      const Refusal = first.error.constructor as new (
        message: string,
        options: ServiceErrorOptions,
      ) => ServiceError;
      const more = refusals.length > 1 ? ` (and ${refusals.length - 1} more record(s), see details)` : '';
      throw new Refusal(`${first.error.message}${more}`, {
        details: refusals.map(({ index, field, error }) => ({
          ...detail(field ? ['records', index, field] : ['records', index], error.message),
          code: error.code,
        })),
      });
    }

    const results = await this.writer.write(topic, records, {
      acks: request.acks,
      compression: request.compression,
      deadline: now + this.config.timeoutMs,
    });
    return classify(topic, results, request.acks === 'none');
  }
}

function classify(topic: string, results: WriteResult[], unacknowledged: boolean): ProduceOutcome {
  const failures = results.filter((result) => !result.ok);
  const iso = isoTimestamps();
  if (failures.length === 0) {
    const records = results.map((result) => written(result as Extract<WriteResult, { ok: true }>, iso));
    return { status: unacknowledged ? 202 : 200, body: { topic, records } };
  }
  if (failures.length === results.length) {
    // Nothing was written: answer with the error itself, and say which record failed how.
    const first = failures[0] as Extract<WriteResult, { ok: false }>;
    throw withRecordDetails(first.error, results);
  }
  return {
    status: 207,
    body: {
      topic,
      written: results.length - failures.length,
      failed: failures.length,
      records: results.map((result) => (result.ok ? written(result, iso) : failed(result))),
    },
  };
}

/** The error of a request of which nothing was written, naming every record and why it failed. */
function withRecordDetails(error: ServiceError, results: WriteResult[]): ServiceError {
  const details = results.flatMap((result, index) =>
    result.ok ? [] : [{ ...detail(['records', index], result.error.message), code: result.error.code }],
  );
  error.details.push(...details);
  return error;
}
