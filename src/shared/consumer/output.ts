/**
 * What a consumer function emits, and how each output and dead letter becomes a Kafka record.
 *
 * Idempotence: an output's key, value, headers and timestamp are functions of the input records only
 * (never of the time of processing), and its `source.*` headers name the input record that identifies it.
 * A replayed batch therefore produces the same records again; a reader that needs each output once keeps
 * the first per (`source.topic`, `source.partition`, `source.offset`) (docs/consumers.md).
 */
import type { ServiceError } from '../errors.js';
import type { OutgoingRecord } from '../kafka/writer.js';
import type { Coordinates, RawRecord } from './decode.js';

/** An output of a record handler: the runtime adds where it came from. */
export interface OutputDraft {
  key: string | Buffer | null;
  /** A Buffer is written as is, a string as UTF-8, null as a tombstone, anything else as JSON. */
  value: unknown;
  /** Epoch ms; derived from the input (never `Date.now()`), so a replay writes the same record. */
  timestamp: number;
  /** Extra headers (UTF-8 values). */
  headers?: Record<string, string>;
  /** Partitions by this instead of the key, when the key is finer than the grouping readers need. */
  partitionKey?: string;
}

/** An output with the input records it derives from. */
export interface Output extends OutputDraft {
  /** The input record whose coordinates identify this output (its `source.*` headers). */
  origin: Coordinates;
  /** Every input record whose processing fails if this output cannot be written. */
  sources: readonly Coordinates[];
}

/** A side effect of the function besides its output topic (e.g. an S3 archive). */
export interface Sink {
  readonly name: string;
  /** Writes the outputs; returns, per output in order, undefined when written or the error. */
  write(outputs: readonly Output[], deadline: number): Promise<(ServiceError | undefined)[]>;
}

/** Headers every output carries: the coordinates of the input record that identifies it. */
const SOURCE_HEADERS = {
  topic: 'source.topic',
  partition: 'source.partition',
  offset: 'source.offset',
} as const;

/**
 * Headers of a dead-letter record, besides the original ones (kept as they were). Names are stable:
 * operators' replay tools read them.
 */
const DEAD_LETTER_HEADERS = {
  topic: 'dlq.source.topic',
  partition: 'dlq.source.partition',
  offset: 'dlq.source.offset',
  timestamp: 'dlq.source.timestamp',
  timestampType: 'dlq.source.timestamp.type',
  errorClass: 'dlq.error.class',
  errorMessage: 'dlq.error.message',
  functionName: 'dlq.function.name',
} as const;

/** The dead-letter topic of a source topic. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

const text = (value: string) => [Buffer.from(value)];

function encodeValue(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
}

/** The Kafka record of an output. */
export function outgoingOutput(output: Output): OutgoingRecord {
  const headers: Record<string, Buffer[]> = {
    [SOURCE_HEADERS.topic]: text(output.origin.topic),
    [SOURCE_HEADERS.partition]: text(String(output.origin.partition)),
    [SOURCE_HEADERS.offset]: text(String(output.origin.offset)),
  };
  for (const [name, value] of Object.entries(output.headers ?? {})) headers[name] = text(value);
  return {
    key: typeof output.key === 'string' ? Buffer.from(output.key) : output.key,
    value: encodeValue(output.value),
    headers,
    partition: undefined,
    partitionKey: output.partitionKey === undefined ? undefined : Buffer.from(output.partitionKey),
    timestamp: output.timestamp,
  };
}

/**
 * The dead-letter record of a poison record: its original key, value and headers byte for byte, plus
 * {@link DEAD_LETTER_HEADERS}. Its timestamp is the time of dead-lettering, so the DLQ's retention counts
 * from then; the source timestamp is a header.
 */
export function deadLetterRecord(
  record: RawRecord,
  error: ServiceError,
  functionName: string,
  now: number,
): OutgoingRecord {
  // No prototype, so that a header named `__proto__` is copied like any other.
  const headers: Record<string, Buffer[]> = Object.create(null);
  const ours = new Set<string>(Object.values(DEAD_LETTER_HEADERS));
  // A record dead-lettered twice (replayed from a DLQ) describes its latest failure only.
  for (const [name, values] of Object.entries(record.headers)) if (!ours.has(name)) headers[name] = values;
  Object.assign(headers, {
    [DEAD_LETTER_HEADERS.topic]: text(record.topic),
    [DEAD_LETTER_HEADERS.partition]: text(String(record.partition)),
    [DEAD_LETTER_HEADERS.offset]: text(String(record.offset)),
    [DEAD_LETTER_HEADERS.timestamp]: text(String(record.timestamp)),
    [DEAD_LETTER_HEADERS.timestampType]: text(record.timestampType),
    [DEAD_LETTER_HEADERS.errorClass]: text(error.code),
    [DEAD_LETTER_HEADERS.errorMessage]: text(error.message),
    [DEAD_LETTER_HEADERS.functionName]: text(functionName),
  });
  return { key: record.key, value: record.value, headers, partition: undefined, timestamp: now };
}
