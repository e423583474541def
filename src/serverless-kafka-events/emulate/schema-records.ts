/**
 * A mapping's schema registry step, as Lambda runs it before filtering and invoking
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-consume-kafka-events.html): each attribute listed
 * in `schemaValidationConfigs` (KEY, VALUE) is deserialized through the registry (src/shared/schema/
 * deserializer.ts), which validates it; attributes not listed pass through untouched. `JSON` delivers the
 * decoded attribute as JSON text, `SOURCE` its bytes without the magic byte and schema id (Protobuf
 * message indexes kept); either way the record carries `keySchemaMetadata` / `valueSchemaMetadata` and filter patterns
 * see the decoded value. A record whose schema id the registry does not have is rejected with
 * SCHEMA_NOT_FOUND, one that does not decode with DESERIALIZATION_ERROR; the registry being unreachable is
 * thrown (the caller waits and tries again: a record is never dropped for it).
 */
import { SchemaDeserializationError, SchemaNotFoundError } from '../../shared/errors.js';
import type { ConsumedMessage } from '../../shared/kafka/group-consumer.js';
import type { SchemaDeserializer } from '../../shared/schema/deserializer.js';
import { withoutSchemaId } from '../../shared/schema/wire.js';
import type { DeliveredMessage } from './event.js';
import type { SchemaRegistrySettings } from './sources.js';

/** The destination conditions of records the registry step refuses, as Lambda names them. */
export type SchemaFailureCondition = 'SCHEMA_NOT_FOUND' | 'DESERIALIZATION_ERROR';

export type DecodeOutcome =
  | {
      kind: 'decoded';
      message: DeliveredMessage;
      /** What filter patterns match: the value's JSON text when it was decoded, else its bytes. */
      filterValue: Buffer | null;
    }
  | { kind: 'rejected'; condition: SchemaFailureCondition; reason: string };

/**
 * Runs the registry step on one record. Rejects with the deserializer's other errors (registry unreachable,
 * refused credentials): the record is not decided yet.
 */
export type RecordDecoder = (message: ConsumedMessage) => Promise<DecodeOutcome>;

/** The registry step of one mapping. */
export function recordDecoder(
  settings: SchemaRegistrySettings,
  deserializer: SchemaDeserializer,
): RecordDecoder {
  const json = settings.eventRecordFormat === 'JSON';
  const decodeAttribute = async (bytes: Buffer) => {
    const { schemaId, schemaType, value } = await deserializer.deserialize(bytes);
    const text = Buffer.from(JSON.stringify(value), 'utf8');
    return {
      delivered: json ? text : Buffer.from(withoutSchemaId(bytes)),
      text,
      metadata: { dataFormat: schemaType, schemaId: String(schemaId) },
    };
  };
  return async (message) => {
    const decoded: DeliveredMessage = { ...message };
    let filterValue = message.value;
    try {
      if (settings.attributes.has('KEY') && message.key !== null) {
        const key = await decodeAttribute(message.key);
        decoded.key = key.delivered;
        decoded.keySchemaMetadata = key.metadata;
      }
      if (settings.attributes.has('VALUE') && message.value !== null) {
        const value = await decodeAttribute(message.value);
        decoded.value = value.delivered;
        decoded.valueSchemaMetadata = value.metadata;
        filterValue = value.text;
      }
    } catch (error) {
      if (error instanceof SchemaNotFoundError) {
        return { kind: 'rejected', condition: 'SCHEMA_NOT_FOUND', reason: error.message };
      }
      if (error instanceof SchemaDeserializationError) {
        return { kind: 'rejected', condition: 'DESERIALIZATION_ERROR', reason: error.message };
      }
      throw error;
    }
    return { kind: 'decoded', message: decoded, filterValue };
  };
}
