/**
 * The handle phase of a consumer invocation: each partition's records decoded and handed to the function in
 * offset order. Decoding failures and the function's own errors are poison unless they say they are
 * retriable; after a retriable failure a partition's later records are not handled (they come again).
 */
import { RecordRejectedError, ServiceError } from '../errors.js';
import {
  type ConsumerRecord,
  type Coordinates,
  coordinatesOf,
  decodeRecord,
  type RawRecord,
  type RecordDeserializer,
} from './decode.js';
import type { KafkaEventRecord } from './event.js';
import type { Output } from './output.js';
import type { ConsumerDefinition } from './runtime.js';

/** A record that failed, and why. */
export interface Failure {
  record: Coordinates;
  error: ServiceError;
}

/** What handling one partition's records gave. */
export interface HandledPartition {
  /** Every record of the partition, decoded to bytes (dead letters carry them). */
  raw: RawRecord[];
  /** Records handed to the function (tombstones and poison excluded). */
  handled: ConsumerRecord<unknown, unknown>[];
  tombstones: number;
  outputs: Output[];
  /** Never retried: dead-lettered. */
  poison: Failure[];
  /** Retried by Lambda. */
  failures: Failure[];
}

/** Errors of a function's own code are poison (retrying cannot help) unless they say they are retriable. */
function asHandlerError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return new RecordRejectedError(`${name}: ${message}`, { cause: error });
}

/**
 * Decodes one partition's records (offset order) and runs the definition's record or batch handler on
 * them. Never throws: every failure is in the result, as poison or as a retriable failure. A record that
 * cannot be decoded for now (the schema registry did not answer) ends the partition's records handed on:
 * it and the later ones come again. `deserializer` reads records in a registry's SOURCE format.
 *
 * @example
 * const handled = await handlePartition(definition, event.records['orders-0'] ?? []);
 * // handled.outputs to write, handled.poison to dead-letter, handled.failures for Lambda to retry
 */
export async function handlePartition<T, K = undefined>(
  definition: ConsumerDefinition<T, K>,
  records: KafkaEventRecord[],
  deserializer?: RecordDeserializer,
): Promise<HandledPartition> {
  const result: HandledPartition = {
    raw: [],
    handled: [],
    tombstones: 0,
    outputs: [],
    poison: [],
    failures: [],
  };
  const valid: ConsumerRecord<T, K>[] = [];
  for (const record of records) {
    const decoded = await decodeRecord(record, definition, deserializer);
    result.raw.push(decoded.record);
    if (decoded.kind === 'poison') result.poison.push({ record: decoded.record, error: decoded.error });
    else if (decoded.kind === 'tombstone') result.tombstones++;
    else if (decoded.kind === 'record') valid.push(decoded.record);
    else {
      // Handing on the later records now would process them out of order: they come again with this one.
      result.failures.push({ record: decoded.record, error: decoded.error });
      break;
    }
  }
  const { handler } = definition;
  if ('batch' in handler) {
    try {
      result.outputs = await handler.batch(valid);
      result.handled = valid;
    } catch (error) {
      const failure = asHandlerError(error);
      for (const record of valid)
        (failure.retriable ? result.failures : result.poison).push({ record, error: failure });
    }
    return result;
  }
  for (const record of valid) {
    try {
      const draft = await handler.record(record);
      result.handled.push(record);
      if (draft) result.outputs.push({ ...draft, origin: coordinatesOf(record), sources: [record] });
    } catch (error) {
      const failure = asHandlerError(error);
      if (!failure.retriable) {
        result.poison.push({ record, error: failure });
        continue;
      }
      // Later records of this partition come again after this one: handling them now would be out of order.
      result.failures.push({ record, error: failure });
      break;
    }
  }
  return result;
}
