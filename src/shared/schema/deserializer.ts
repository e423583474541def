/**
 * Deserializes keys and values in Confluent's wire format (wire.ts) into JSON values: reads the schema id
 * (and Protobuf message indexes) from the header, looks the schema up in the registry by id
 * (registry-client.ts, cached for the container's life since ids never change), compiles it once per id and
 * message (compile.ts, shared with serializer.ts), and decodes the payload with its format's module. The JSON
 * shapes are those the serializer takes (avro.ts, protobuf.ts, json-schema.ts), so a value round-trips.
 *
 * @example
 * const deserializer = schemaDeserializerFor(loadSchemaRegistryConfig());
 * const { schemaId, schemaType, value } = await deserializer.deserialize(record.value);
 */
import { SchemaDeserializationError, SchemaUnusableError } from '../errors.js';
import { SchemaCompileError } from './codec.js';
import { SchemaCompiler } from './compile.js';
import type { SchemaRegistryConfig } from './config.js';
import { SchemaRegistryClient, type SchemaType } from './registry-client.js';
import { readWireHeader, type WireHeader } from './wire.js';

/** A deserialized key or value: the schema it was written with, and its JSON value. */
export interface Deserialized {
  schemaId: number;
  schemaType: SchemaType;
  value: unknown;
}

/** One per container and registry. */
export class SchemaDeserializer {
  private readonly compiler: SchemaCompiler;

  constructor(readonly registry: SchemaRegistryClient) {
    this.compiler = new SchemaCompiler(registry);
  }

  /**
   * The JSON value of framed bytes. Throws SchemaDeserializationError when the bytes are not in the wire
   * format, their schema does not compile, or their payload does not decode with it (never retriable);
   * SchemaNotFoundError when the registry has no schema with their id; SchemaRegistryUnavailableError
   * (retriable) and SchemaRegistryAuthenticationError as the registry client throws them.
   */
  async deserialize(bytes: Uint8Array): Promise<Deserialized> {
    const { schemaId } = wireHeaderOf(bytes, false);
    // A Protobuf schema is needed in serialized form, which only its type tells: one more look-up per id.
    let schema = await this.registry.schema({ id: schemaId }, false);
    if (schema.schemaType === 'PROTOBUF') schema = await this.registry.schema({ id: schemaId }, true);
    const { messageIndexes, payloadOffset } = wireHeaderOf(bytes, schema.schemaType === 'PROTOBUF');
    let decode: (payload: Uint8Array) => unknown;
    try {
      ({ decode } = await this.compiler.codec(schema, messageIndexes));
    } catch (error) {
      if (!(error instanceof SchemaCompileError)) throw error;
      throw new SchemaDeserializationError(`schema id ${schemaId} cannot be used: ${error.message}`, {
        cause: error,
      });
    }
    try {
      return { schemaId, schemaType: schema.schemaType, value: decode(bytes.subarray(payloadOffset)) };
    } catch (error) {
      throw new SchemaDeserializationError(
        `the payload does not decode with schema id ${schemaId} (${schema.schemaType}): ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}

/** The header of `bytes`; throws SchemaDeserializationError for bytes not in the wire format. */
function wireHeaderOf(bytes: Uint8Array, protobuf: boolean): WireHeader {
  try {
    return readWireHeader(bytes, protobuf);
  } catch (error) {
    throw new SchemaDeserializationError((error as Error).message, { cause: error });
  }
}

/**
 * The deserializer of a configuration. Throws SchemaUnusableError when the configuration names no registry
 * (SCHEMA_REGISTRY_URL): there is nothing to decode with.
 */
export function schemaDeserializerFor(config: Readonly<SchemaRegistryConfig>): SchemaDeserializer {
  const { url, ...rest } = config;
  if (url === undefined) {
    throw new SchemaUnusableError(
      'this deployment has no schema registry (SCHEMA_REGISTRY_URL) to decode with',
    );
  }
  return new SchemaDeserializer(new SchemaRegistryClient({ ...rest, url }));
}
