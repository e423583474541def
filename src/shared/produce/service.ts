/**
 * Producing: checks what can be checked before writing (the allow-list, partitions, record sizes), writes,
 * and reports every record's outcome. Input is typed and already validated (the route parses it with
 * schema.ts); the result is a domain result, and the route chooses the HTTP status (200, 202 or 207).
 * Never reports a record as written that the broker did not acknowledge.
 */
import {
  type ErrorDetail,
  type ServiceError,
  type ServiceErrorOptions,
  TopicNotAllowedError,
} from '../errors.js';
import { fieldName } from '../http/request.js';
import { type RecordWriter, recordRefusal, type WriteResult } from '../kafka/writer.js';
import { SchemaSerializer } from '../schema/serializer.js';
import type { ProduceConfig } from './config.js';
import type { ProduceRequest } from './schema.js';
import { encodeRecordsWithSchemas } from './schema-encode.js';

/** One produce request, validated. */
export interface ProduceInput {
  /** A valid Kafka topic name (see `TopicName` in src/shared/http/schema.ts). */
  topic: string;
  request: ProduceRequest;
  /**
   * The JSON text `request` was parsed from, when there is one: json keys and values are then written
   * as the client sent them (encode.ts).
   */
  body?: Buffer | undefined;
  /** Epoch milliseconds: the CreateTime of records without a timestamp, and the start of the deadline. */
  now: number;
}

/**
 * What a request wrote, when at least one record was written. `records` has one entry per input record,
 * in order: where it landed (`offset` null with acks `none`), or why it was not written.
 */
export interface ProduceResult {
  topic: string;
  /** False with acks `none`: the broker answers nothing, so nothing is known to be written. */
  acknowledged: boolean;
  records: WriteResult[];
  written: number;
  failed: number;
}

function detail(path: (string | number)[], message: string): ErrorDetail {
  return { field: fieldName(path), path, message };
}

/**
 * The produce API's service, one per container (src/shared/container.ts).
 *
 * @example
 * const service = new ProduceService(writer, loadProduceConfig());
 * const request = parseWith(produceRequestSchema(service.maxRecords), body);
 * const result = await service.produce({ topic: 'events', request, now: Date.now() });
 * // result.failed === 0: every record was acknowledged at result.records[i].offset
 */
export class ProduceService {
  constructor(
    private readonly writer: RecordWriter,
    private readonly config: Readonly<ProduceConfig>,
    private readonly schemas = new SchemaSerializer(undefined),
  ) {}

  /** PRODUCE_MAX_BODY_BYTES: the largest request body the route reads, in bytes. */
  get maxBodyBytes(): number {
    return this.config.maxBodyBytes;
  }

  /** PRODUCE_MAX_RECORDS: the most records one request may carry. */
  get maxRecords(): number {
    return this.config.maxRecords;
  }

  /** Throws TopicNotAllowedError (naming the `topic` field) unless ALLOWED_TOPICS matches `topic`. */
  assertAllowed(topic: string): void {
    if (!this.config.allowedTopics.test(topic)) {
      throw new TopicNotAllowedError(`topic ${topic} is not open to producers here`, {
        details: [detail(['topic'], `does not match the allowed pattern`)],
      });
    }
  }

  /**
   * Writes the request's records, within PRODUCE_TIMEOUT_MS from `now`.
   *
   * Throws, before anything is written, TopicNotAllowedError, TopicNotFoundError, and the refusal of any
   * record the topic can never take (PartitionNotFoundError, RecordTooLargeError, InvalidRecordError;
   * `details` names every such record), and for the schema formats SchemaValidationError (`details` names
   * every record and field) or what the schema cannot be had for (schema-encode.ts). When no record was
   * written, throws the first record's error with
   * every record named in `details`. Otherwise returns the {@link ProduceResult}.
   */
  async produce({ topic, request, body, now }: ProduceInput): Promise<ProduceResult> {
    this.assertAllowed(topic);
    const records = await encodeRecordsWithSchemas(this.schemas, topic, request, now, body);
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
    const failed = results.filter((result) => !result.ok).length;
    const firstFailure = results.find((result) => !result.ok);
    if (firstFailure && failed === results.length) {
      // Nothing was written: the error itself, naming every record and why it failed.
      throw withRecordDetails(firstFailure.error, results);
    }
    return {
      topic,
      acknowledged: request.acks !== 'none',
      records: results,
      written: results.length - failed,
      failed,
    };
  }
}

/** The error of a request of which nothing was written, naming every record and why it failed. */
function withRecordDetails(error: ServiceError, results: WriteResult[]): ServiceError {
  const details = results.flatMap((result, index) =>
    result.ok ? [] : [{ ...detail(['records', index], result.error.message), code: result.error.code }],
  );
  error.details.push(...details);
  return error;
}
